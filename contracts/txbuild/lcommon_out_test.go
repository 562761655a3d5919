package txbuild

import (
	"github.com/blinklabs-io/gouroboros/ledger/babbage"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
)

func lcommonOutput(raw []byte) (lcommon.TransactionOutput, error) {
	return babbage.NewBabbageTransactionOutputFromCbor(raw)
}
