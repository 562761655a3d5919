package marlowequery

import (
	"cmp"
	"strings"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// The request and result types of MarloweSyncRequest (wire-protocol.md
// §5.4; Haskell Language.Marlowe.Protocol.Query.Types). All are
// generic-derived: records are their fields in order, sums a 0-based tag.
// Sets are slices (sorted on encoding, strictly ascending on decoding),
// Maps are Go maps encoded in ascending key order, Maybe is a pointer.

func compareString[T ~string](a, b T) int { return strings.Compare(string(a), string(b)) }

// ContractFilter selects contract headers; empty sets do not constrain.
type ContractFilter struct {
	// Tags are MarloweMetadataTag values (Text).
	Tags           []string
	RoleCurrencies []types.PolicyId
	PartyRoles     []types.AssetId
	PartyAddresses []types.Address
}

// EncodeContractFilter appends a ContractFilter: four sets.
func EncodeContractFilter(e *binary.Encoder, x ContractFilter) {
	binary.EncodeSet(e, x.Tags, strings.Compare, (*binary.Encoder).PutText)
	binary.EncodeSet(e, x.RoleCurrencies, compareString, types.EncodePolicyId)
	binary.EncodeSet(e, x.PartyRoles, types.CompareAssetId, types.EncodeAssetId)
	binary.EncodeSet(e, x.PartyAddresses, compareString, types.EncodeAddress)
}

// DecodeContractFilter reads a ContractFilter.
func DecodeContractFilter(d *binary.Decoder) (ContractFilter, error) {
	var x ContractFilter
	var err error
	if x.Tags, err = binary.DecodeSet(d, strings.Compare, (*binary.Decoder).Text); err != nil {
		return x, binary.Wrap(err, "decode ContractFilter.tags")
	}
	if x.RoleCurrencies, err = binary.DecodeSet(d, compareString, types.DecodePolicyId); err != nil {
		return x, binary.Wrap(err, "decode ContractFilter.roleCurrencies")
	}
	if x.PartyRoles, err = binary.DecodeSet(d, types.CompareAssetId, types.DecodeAssetId); err != nil {
		return x, binary.Wrap(err, "decode ContractFilter.partyRoles")
	}
	if x.PartyAddresses, err = binary.DecodeSet(d, compareString, types.DecodeAddress); err != nil {
		return x, binary.Wrap(err, "decode ContractFilter.partyAddresses")
	}
	return x, nil
}

// WithdrawalFilter selects withdrawals by role currency (a newtype over the
// set, so no bytes of its own).
type WithdrawalFilter struct {
	RoleCurrencies []types.PolicyId
}

// EncodeWithdrawalFilter appends a WithdrawalFilter.
func EncodeWithdrawalFilter(e *binary.Encoder, x WithdrawalFilter) {
	binary.EncodeSet(e, x.RoleCurrencies, compareString, types.EncodePolicyId)
}

// DecodeWithdrawalFilter reads a WithdrawalFilter.
func DecodeWithdrawalFilter(d *binary.Decoder) (WithdrawalFilter, error) {
	s, err := binary.DecodeSet(d, compareString, types.DecodePolicyId)
	if err != nil {
		return WithdrawalFilter{}, binary.Wrap(err, "decode WithdrawalFilter.roleCurrencies")
	}
	return WithdrawalFilter{RoleCurrencies: s}, nil
}

// PayoutFilter selects payouts: by withdrawal status when IsWithdrawn is
// set, and by contract and role token when those sets are non-empty.
type PayoutFilter struct {
	IsWithdrawn *bool
	ContractIds []types.ContractId
	RoleTokens  []types.AssetId
}

// EncodePayoutFilter appends a PayoutFilter: maybe<bool>, two sets.
func EncodePayoutFilter(e *binary.Encoder, x PayoutFilter) {
	binary.EncodeOptional(e, x.IsWithdrawn, (*binary.Encoder).PutBool)
	binary.EncodeSet(e, x.ContractIds, types.CompareContractId, types.EncodeContractId)
	binary.EncodeSet(e, x.RoleTokens, types.CompareAssetId, types.EncodeAssetId)
}

// DecodePayoutFilter reads a PayoutFilter.
func DecodePayoutFilter(d *binary.Decoder) (PayoutFilter, error) {
	var x PayoutFilter
	var err error
	if x.IsWithdrawn, err = binary.DecodeOptional(d, (*binary.Decoder).Bool); err != nil {
		return x, binary.Wrap(err, "decode PayoutFilter.isWithdrawn")
	}
	if x.ContractIds, err = binary.DecodeSet(d, types.CompareContractId, types.DecodeContractId); err != nil {
		return x, binary.Wrap(err, "decode PayoutFilter.contractIds")
	}
	if x.RoleTokens, err = binary.DecodeSet(d, types.CompareAssetId, types.DecodeAssetId); err != nil {
		return x, binary.Wrap(err, "decode PayoutFilter.roleTokens")
	}
	return x, nil
}

// Order is a paging direction.
type Order uint8

// The two directions, in wire order.
const (
	Ascending Order = iota
	Descending
)

func (o Order) String() string {
	switch o {
	case Ascending:
		return "Ascending"
	case Descending:
		return "Descending"
	}
	return "Order(invalid)"
}

// EncodeOrder appends an Order (00 Ascending, 01 Descending).
func EncodeOrder(e *binary.Encoder, x Order) {
	if x > Descending {
		e.Failf("encode Order: invalid value %d", x)
	}
	e.PutU8(uint8(x))
}

// DecodeOrder reads an Order.
func DecodeOrder(d *binary.Decoder) (Order, error) {
	t, err := d.Tag("Order", 2)
	if err != nil {
		return 0, binary.Wrap(err, "decode Order")
	}
	return Order(t), nil
}

// Range is a page request over items keyed by K: start after Start (from
// the first item in Direction when nil), skip Offset items, return at most
// Limit. Offset and Limit are Haskell Ints (i64).
type Range[K any] struct {
	Start     *K
	Offset    int64
	Limit     int64
	Direction Order
}

// EncodeRange appends a Range: maybe<K> start, i64 offset, i64 limit,
// Order.
func EncodeRange[K any](e *binary.Encoder, x Range[K], key binary.EncodeFunc[K]) {
	binary.EncodeOptional(e, x.Start, key)
	e.PutI64(x.Offset)
	e.PutI64(x.Limit)
	EncodeOrder(e, x.Direction)
}

// DecodeRange reads a Range.
func DecodeRange[K any](d *binary.Decoder, key binary.DecodeFunc[K]) (Range[K], error) {
	var x Range[K]
	var err error
	if x.Start, err = binary.DecodeOptional(d, key); err != nil {
		return x, binary.Wrap(err, "decode Range.rangeStart")
	}
	if x.Offset, err = d.I64(); err != nil {
		return x, binary.Wrap(err, "decode Range.rangeOffset")
	}
	if x.Limit, err = d.I64(); err != nil {
		return x, binary.Wrap(err, "decode Range.rangeLimit")
	}
	if x.Direction, err = DecodeOrder(d); err != nil {
		return x, binary.Wrap(err, "decode Range.rangeDirection")
	}
	return x, nil
}

// Page is one page of a listing: its items, the range of the next page
// (nil on the last page) and the number of items matching overall.
type Page[K, V any] struct {
	Items      []V
	NextRange  *Range[K]
	TotalCount int64
}

// EncodePage appends a Page: list<V>, maybe<Range<K>>, i64 totalCount.
func EncodePage[K, V any](e *binary.Encoder, x Page[K, V], key binary.EncodeFunc[K], item binary.EncodeFunc[V]) {
	binary.EncodeList(e, x.Items, item)
	binary.EncodeOptional(e, x.NextRange, func(e *binary.Encoder, r Range[K]) { EncodeRange(e, r, key) })
	e.PutI64(x.TotalCount)
}

// DecodePage reads a Page; minItem is the least encoded size of an item,
// which bounds the item count by the bytes present.
func DecodePage[K, V any](d *binary.Decoder, key binary.DecodeFunc[K], item binary.DecodeFunc[V], minItem int) (Page[K, V], error) {
	var x Page[K, V]
	var err error
	if x.Items, err = binary.DecodeListMin(d, minItem, item); err != nil {
		return x, binary.Wrap(err, "decode Page.items")
	}
	if x.NextRange, err = binary.DecodeOptional(d, func(d *binary.Decoder) (Range[K], error) { return DecodeRange(d, key) }); err != nil {
		return x, binary.Wrap(err, "decode Page.nextRange")
	}
	if x.TotalCount, err = d.I64(); err != nil {
		return x, binary.Wrap(err, "decode Page.totalCount")
	}
	return x, nil
}

// RuntimeStatus is the runtime's view of the chain and of itself: the
// node's tip, the chain indexer's tip and the Marlowe indexer's tip (each
// with its slot time), the network and the runtime version.
type RuntimeStatus struct {
	NodeTip            types.ChainPoint
	NodeTipUTC         types.UTCTime
	RuntimeChainTip    types.ChainPoint
	RuntimeChainTipUTC types.UTCTime
	RuntimeTip         types.ChainPoint
	RuntimeTipUTC      types.UTCTime
	NetworkId          types.NetworkId
	RuntimeVersion     types.Version
}

// EncodeRuntimeStatus appends a RuntimeStatus (its eight fields in order).
func EncodeRuntimeStatus(e *binary.Encoder, x RuntimeStatus) {
	types.EncodeChainPoint(e, x.NodeTip)
	types.EncodeUTCTime(e, x.NodeTipUTC)
	types.EncodeChainPoint(e, x.RuntimeChainTip)
	types.EncodeUTCTime(e, x.RuntimeChainTipUTC)
	types.EncodeChainPoint(e, x.RuntimeTip)
	types.EncodeUTCTime(e, x.RuntimeTipUTC)
	types.EncodeNetworkId(e, x.NetworkId)
	types.EncodeVersion(e, x.RuntimeVersion)
}

// DecodeRuntimeStatus reads a RuntimeStatus.
func DecodeRuntimeStatus(d *binary.Decoder) (RuntimeStatus, error) {
	var x RuntimeStatus
	var err error
	if x.NodeTip, err = types.DecodeChainPoint(d); err != nil {
		return x, binary.Wrap(err, "decode RuntimeStatus.nodeTip")
	}
	if x.NodeTipUTC, err = types.DecodeUTCTime(d); err != nil {
		return x, binary.Wrap(err, "decode RuntimeStatus.nodeTipUTC")
	}
	if x.RuntimeChainTip, err = types.DecodeChainPoint(d); err != nil {
		return x, binary.Wrap(err, "decode RuntimeStatus.runtimeChainTip")
	}
	if x.RuntimeChainTipUTC, err = types.DecodeUTCTime(d); err != nil {
		return x, binary.Wrap(err, "decode RuntimeStatus.runtimeChainTipUTC")
	}
	if x.RuntimeTip, err = types.DecodeChainPoint(d); err != nil {
		return x, binary.Wrap(err, "decode RuntimeStatus.runtimeTip")
	}
	if x.RuntimeTipUTC, err = types.DecodeUTCTime(d); err != nil {
		return x, binary.Wrap(err, "decode RuntimeStatus.runtimeTipUTC")
	}
	if x.NetworkId, err = types.DecodeNetworkId(d); err != nil {
		return x, binary.Wrap(err, "decode RuntimeStatus.networkId")
	}
	if x.RuntimeVersion, err = types.DecodeVersion(d); err != nil {
		return x, binary.Wrap(err, "decode RuntimeStatus.runtimeVersion")
	}
	return x, nil
}

// ContractState is the current state of a contract (V1): its creation, its
// latest output (nil once closed) and the payouts not yet withdrawn.
type ContractState struct {
	ContractId               types.ContractId
	RoleTokenMintingPolicyId types.PolicyId
	Metadata                 types.MarloweTransactionMetadata
	InitialBlock             types.BlockHeader
	InitialOutput            types.TransactionScriptOutput
	LatestBlock              types.BlockHeader
	LatestOutput             *types.TransactionScriptOutput
	UnclaimedPayouts         map[types.TxOutRef]types.Payout
}

// EncodeContractState appends a ContractState.
func EncodeContractState(e *binary.Encoder, x ContractState) {
	types.EncodeContractId(e, x.ContractId)
	types.EncodePolicyId(e, x.RoleTokenMintingPolicyId)
	types.EncodeMarloweTransactionMetadata(e, x.Metadata)
	types.EncodeBlockHeader(e, x.InitialBlock)
	types.EncodeTransactionScriptOutput(e, x.InitialOutput)
	types.EncodeBlockHeader(e, x.LatestBlock)
	binary.EncodeOptional(e, x.LatestOutput, types.EncodeTransactionScriptOutput)
	binary.EncodeMap(e, x.UnclaimedPayouts, types.CompareTxOutRef, types.EncodeTxOutRef, types.EncodePayout)
}

// DecodeContractState reads a ContractState.
func DecodeContractState(d *binary.Decoder) (ContractState, error) {
	var x ContractState
	var err error
	if x.ContractId, err = types.DecodeContractId(d); err != nil {
		return x, binary.Wrap(err, "decode ContractState.contractId")
	}
	if x.RoleTokenMintingPolicyId, err = types.DecodePolicyId(d); err != nil {
		return x, binary.Wrap(err, "decode ContractState.roleTokenMintingPolicyId")
	}
	if x.Metadata, err = types.DecodeMarloweTransactionMetadata(d); err != nil {
		return x, binary.Wrap(err, "decode ContractState.metadata")
	}
	if x.InitialBlock, err = types.DecodeBlockHeader(d); err != nil {
		return x, binary.Wrap(err, "decode ContractState.initialBlock")
	}
	if x.InitialOutput, err = types.DecodeTransactionScriptOutput(d); err != nil {
		return x, binary.Wrap(err, "decode ContractState.initialOutput")
	}
	if x.LatestBlock, err = types.DecodeBlockHeader(d); err != nil {
		return x, binary.Wrap(err, "decode ContractState.latestBlock")
	}
	if x.LatestOutput, err = binary.DecodeOptional(d, types.DecodeTransactionScriptOutput); err != nil {
		return x, binary.Wrap(err, "decode ContractState.latestOutput")
	}
	if x.UnclaimedPayouts, err = binary.DecodeMap(d, types.CompareTxOutRef, types.DecodeTxOutRef, types.DecodePayout); err != nil {
		return x, binary.Wrap(err, "decode ContractState.unclaimedPayouts")
	}
	return x, nil
}

// SomeContractState is a ContractState with its Marlowe version (u32; V1
// is the only one).
type SomeContractState struct {
	Version types.MarloweVersion
	State   ContractState
}

// EncodeSomeContractState appends a SomeContractState.
func EncodeSomeContractState(e *binary.Encoder, x SomeContractState) {
	types.EncodeMarloweVersion(e, x.Version)
	EncodeContractState(e, x.State)
}

// DecodeSomeContractState reads a SomeContractState.
func DecodeSomeContractState(d *binary.Decoder) (SomeContractState, error) {
	v, err := types.DecodeMarloweVersion(d)
	if err != nil {
		return SomeContractState{}, binary.Wrap(err, "decode SomeContractState.version")
	}
	s, err := DecodeContractState(d)
	if err != nil {
		return SomeContractState{}, binary.Wrap(err, "decode SomeContractState.state")
	}
	return SomeContractState{Version: v, State: s}, nil
}

// SomeTransaction is one Marlowe transaction with the output it consumed:
// InputDatum is that output's MarloweData in the generic Binary form
// (wire-protocol.md §5.6, §6.5) — not the Plutus Data form the
// Transaction's script outputs carry.
type SomeTransaction struct {
	Version     types.MarloweVersion
	Input       types.TxOutRef
	InputDatum  core.MarloweData
	ConsumedBy  *types.TxId
	Transaction types.Transaction
}

// EncodeSomeTransaction appends a SomeTransaction.
func EncodeSomeTransaction(e *binary.Encoder, x SomeTransaction) {
	types.EncodeMarloweVersion(e, x.Version)
	types.EncodeTxOutRef(e, x.Input)
	types.EncodeMarloweData(e, x.InputDatum)
	binary.EncodeOptional(e, x.ConsumedBy, types.EncodeTxId)
	types.EncodeTransaction(e, x.Transaction)
}

// DecodeSomeTransaction reads a SomeTransaction.
func DecodeSomeTransaction(d *binary.Decoder) (SomeTransaction, error) {
	var x SomeTransaction
	var err error
	if x.Version, err = types.DecodeMarloweVersion(d); err != nil {
		return x, binary.Wrap(err, "decode SomeTransaction.version")
	}
	if x.Input, err = types.DecodeTxOutRef(d); err != nil {
		return x, binary.Wrap(err, "decode SomeTransaction.input")
	}
	if x.InputDatum, err = types.DecodeMarloweData(d); err != nil {
		return x, binary.Wrap(err, "decode SomeTransaction.inputDatum")
	}
	if x.ConsumedBy, err = binary.DecodeOptional(d, types.DecodeTxId); err != nil {
		return x, binary.Wrap(err, "decode SomeTransaction.consumedBy")
	}
	if x.Transaction, err = types.DecodeTransaction(d); err != nil {
		return x, binary.Wrap(err, "decode SomeTransaction.transaction")
	}
	return x, nil
}

// SomeTransactions is a contract's transactions with their Marlowe version.
type SomeTransactions struct {
	Version      types.MarloweVersion
	Transactions []types.Transaction
}

// EncodeSomeTransactions appends a SomeTransactions.
func EncodeSomeTransactions(e *binary.Encoder, x SomeTransactions) {
	types.EncodeMarloweVersion(e, x.Version)
	binary.EncodeList(e, x.Transactions, types.EncodeTransaction)
}

// minTransaction is the least encoded size of a runtime Transaction: txId
// 8, contractId 10, metadata 8, block header 24, two UTCTimes of 18, a
// datum of 6 (I with a small Integer), an empty payout map 8 and Nothing 1.
// It bounds list counts by the bytes present.
const minTransaction = 8 + 10 + 8 + 24 + 2*18 + 6 + 8 + 1

// DecodeSomeTransactions reads a SomeTransactions.
func DecodeSomeTransactions(d *binary.Decoder) (SomeTransactions, error) {
	v, err := types.DecodeMarloweVersion(d)
	if err != nil {
		return SomeTransactions{}, binary.Wrap(err, "decode SomeTransactions.version")
	}
	txs, err := binary.DecodeListMin(d, minTransaction, types.DecodeTransaction)
	if err != nil {
		return SomeTransactions{}, binary.Wrap(err, "decode SomeTransactions.transactions")
	}
	return SomeTransactions{Version: v, Transactions: txs}, nil
}

// PayoutHeader describes a payout output: its contract, its output, the
// transaction that withdrew it (nil while unclaimed) and its role token.
type PayoutHeader struct {
	ContractId   types.ContractId
	PayoutId     types.TxOutRef
	WithdrawalId *types.TxId
	Role         types.AssetId
}

// EncodePayoutHeader appends a PayoutHeader.
func EncodePayoutHeader(e *binary.Encoder, x PayoutHeader) {
	types.EncodeContractId(e, x.ContractId)
	types.EncodeTxOutRef(e, x.PayoutId)
	binary.EncodeOptional(e, x.WithdrawalId, types.EncodeTxId)
	types.EncodeAssetId(e, x.Role)
}

// DecodePayoutHeader reads a PayoutHeader.
func DecodePayoutHeader(d *binary.Decoder) (PayoutHeader, error) {
	var x PayoutHeader
	var err error
	if x.ContractId, err = types.DecodeContractId(d); err != nil {
		return x, binary.Wrap(err, "decode PayoutHeader.contractId")
	}
	if x.PayoutId, err = types.DecodeTxOutRef(d); err != nil {
		return x, binary.Wrap(err, "decode PayoutHeader.payoutId")
	}
	if x.WithdrawalId, err = binary.DecodeOptional(d, types.DecodeTxId); err != nil {
		return x, binary.Wrap(err, "decode PayoutHeader.withdrawalId")
	}
	if x.Role, err = types.DecodeAssetId(d); err != nil {
		return x, binary.Wrap(err, "decode PayoutHeader.role")
	}
	return x, nil
}

// Withdrawal is a transaction that withdrew payouts.
type Withdrawal struct {
	Block            types.BlockHeader
	WithdrawnPayouts map[types.TxOutRef]PayoutHeader
	WithdrawalTx     types.TxId
}

// EncodeWithdrawal appends a Withdrawal.
func EncodeWithdrawal(e *binary.Encoder, x Withdrawal) {
	types.EncodeBlockHeader(e, x.Block)
	binary.EncodeMap(e, x.WithdrawnPayouts, types.CompareTxOutRef, types.EncodeTxOutRef, EncodePayoutHeader)
	types.EncodeTxId(e, x.WithdrawalTx)
}

// DecodeWithdrawal reads a Withdrawal.
func DecodeWithdrawal(d *binary.Decoder) (Withdrawal, error) {
	var x Withdrawal
	var err error
	if x.Block, err = types.DecodeBlockHeader(d); err != nil {
		return x, binary.Wrap(err, "decode Withdrawal.block")
	}
	if x.WithdrawnPayouts, err = binary.DecodeMap(d, types.CompareTxOutRef, types.DecodeTxOutRef, DecodePayoutHeader); err != nil {
		return x, binary.Wrap(err, "decode Withdrawal.withdrawnPayouts")
	}
	if x.WithdrawalTx, err = types.DecodeTxId(d); err != nil {
		return x, binary.Wrap(err, "decode Withdrawal.withdrawalTx")
	}
	return x, nil
}

// PayoutState is one payout with its contract and withdrawal status.
type PayoutState struct {
	ContractId   types.ContractId
	PayoutId     types.TxOutRef
	WithdrawalId *types.TxId
	Payout       types.Payout
}

// EncodePayoutState appends a PayoutState.
func EncodePayoutState(e *binary.Encoder, x PayoutState) {
	types.EncodeContractId(e, x.ContractId)
	types.EncodeTxOutRef(e, x.PayoutId)
	binary.EncodeOptional(e, x.WithdrawalId, types.EncodeTxId)
	types.EncodePayout(e, x.Payout)
}

// DecodePayoutState reads a PayoutState.
func DecodePayoutState(d *binary.Decoder) (PayoutState, error) {
	var x PayoutState
	var err error
	if x.ContractId, err = types.DecodeContractId(d); err != nil {
		return x, binary.Wrap(err, "decode PayoutState.contractId")
	}
	if x.PayoutId, err = types.DecodeTxOutRef(d); err != nil {
		return x, binary.Wrap(err, "decode PayoutState.payoutId")
	}
	if x.WithdrawalId, err = binary.DecodeOptional(d, types.DecodeTxId); err != nil {
		return x, binary.Wrap(err, "decode PayoutState.withdrawalId")
	}
	if x.Payout, err = types.DecodePayout(d); err != nil {
		return x, binary.Wrap(err, "decode PayoutState.payout")
	}
	return x, nil
}

// SomePayoutState is a PayoutState with its Marlowe version.
type SomePayoutState struct {
	Version types.MarloweVersion
	State   PayoutState
}

// EncodeSomePayoutState appends a SomePayoutState.
func EncodeSomePayoutState(e *binary.Encoder, x SomePayoutState) {
	types.EncodeMarloweVersion(e, x.Version)
	EncodePayoutState(e, x.State)
}

// DecodeSomePayoutState reads a SomePayoutState.
func DecodeSomePayoutState(d *binary.Decoder) (SomePayoutState, error) {
	v, err := types.DecodeMarloweVersion(d)
	if err != nil {
		return SomePayoutState{}, binary.Wrap(err, "decode SomePayoutState.version")
	}
	s, err := DecodePayoutState(d)
	if err != nil {
		return SomePayoutState{}, binary.Wrap(err, "decode SomePayoutState.state")
	}
	return SomePayoutState{Version: v, State: s}, nil
}

// RoleCurrency is a role-token policy with the contract it belongs to and
// whether that contract is still active.
type RoleCurrency struct {
	RolePolicyId types.PolicyId
	RoleContract types.ContractId
	Active       bool
}

// EncodeRoleCurrency appends a RoleCurrency.
func EncodeRoleCurrency(e *binary.Encoder, x RoleCurrency) {
	types.EncodePolicyId(e, x.RolePolicyId)
	types.EncodeContractId(e, x.RoleContract)
	e.PutBool(x.Active)
}

// DecodeRoleCurrency reads a RoleCurrency.
func DecodeRoleCurrency(d *binary.Decoder) (RoleCurrency, error) {
	var x RoleCurrency
	var err error
	if x.RolePolicyId, err = types.DecodePolicyId(d); err != nil {
		return x, binary.Wrap(err, "decode RoleCurrency.rolePolicyId")
	}
	if x.RoleContract, err = types.DecodeContractId(d); err != nil {
		return x, binary.Wrap(err, "decode RoleCurrency.roleContract")
	}
	if x.Active, err = d.Bool(); err != nil {
		return x, binary.Wrap(err, "decode RoleCurrency.active")
	}
	return x, nil
}

// CompareRoleCurrency is the Haskell Ord of RoleCurrency (the derived,
// field-by-field one), which orders the Set answering ReqRoleCurrencies.
func CompareRoleCurrency(a, b RoleCurrency) int {
	return cmp.Or(
		cmp.Compare(a.RolePolicyId, b.RolePolicyId),
		types.CompareContractId(a.RoleContract, b.RoleContract),
		binary.CompareBool(a.Active, b.Active),
	)
}
