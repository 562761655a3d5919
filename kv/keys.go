package kv

import (
	"encoding/binary"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/extract"
)

// Key layout. Every key starts with one prefix byte; fixed-width parts are
// big-endian so that byte order is numeric order, and variable-length parts
// (currency symbols, token names, party encodings, tags) carry a 2-byte
// big-endian length first so that a prefix scan never matches a longer
// string sharing a prefix. A TxOutRef is its 32-byte transaction id followed
// by its 4-byte big-endian index (36 bytes), so refs sort in ledger order.
// Values are CBOR (fxamacker/cbor, canonical mode, structs as arrays) of the
// record types in records.go; "-" is an empty value (pure index key).
//
//	prefix  key parts after the prefix                   value           purpose
//	0x00    (none)                                       uint64          store format version, written at creation
//	0x01    (none)                                       BlockRef        chain point and number of the last applied block (tip)
//	0x02    contractID                                   ContractHeader  immutable creation facts of a contract
//	0x03    contractID slot(8) txIndex(4) kind(1)        Step            contract history (create/apply/withdraw) in chain order
//	0x04    currency(len) contractID                     -               index: roles currency → contract
//	0x05    party(len) contractID                        -               index: address party (its Plutus-data CBOR) → contract
//	0x06    currency(len) role(len) contractID           -               index: role-token party → contract
//	0x07    tag(len) contractID                          -               index: metadata tag (label 1564) → contract
//	0x08    payoutRef                                    Payout          payout output, role, status, creation and withdrawal
//	0x09    contractID status(1) payoutRef               -               index: payouts of a contract by status
//	0x0A    currency(len) role(len) status(1) payoutRef  -               index: payouts by role token and status
//	0x0B    ref                                          extract.Entry   tracked unspent outputs: the UTxO the recogniser reads
//	0x0C    slot(8)                                      BlockActivity   blocks with Marlowe steps and their contracts, for bulk sync
//	0xF0    slot(8)                                      journalRecord   rollback journal: the inverse of a block's writes
//	0xF1    blockNumber(8)                               slot(8)         journal by number: pruning finds due entries without a scan
//
// Everything but 0x00, 0xF0 and 0xF1 is the logical index, and every write
// to it is journalled (the tip included, so that undoing a block restores
// the previous chain point); the journal keeps the last k+1 blocks.
const (
	pFormat        byte = 0x00
	pTip           byte = 0x01
	pHeader        byte = 0x02
	pStep          byte = 0x03
	pByCurrency    byte = 0x04
	pByAddress     byte = 0x05
	pByRole        byte = 0x06
	pByTag         byte = 0x07
	pPayout        byte = 0x08
	pPayoutByCtr   byte = 0x09
	pPayoutByToken byte = 0x0A
	pUTxO          byte = 0x0B
	pActivity      byte = 0x0C
	pJournal       byte = 0xF0
	pJournalNumber byte = 0xF1
)

// refSize is the encoded size of a TxOutRef.
const refSize = 36

// maxKeyPart bounds variable-length key parts: the 2-byte length prefix.
// Real parts are far smaller (currency 28 bytes, token names 32 bytes,
// tags are capped by metadata's 64-byte strings, party data < 200 bytes).
const maxKeyPart = 0xFFFF

type keyBuilder []byte

func newKey(prefix byte) keyBuilder { return keyBuilder{prefix} }

func (k keyBuilder) ref(r extract.TxOutRef) keyBuilder {
	k = append(k, r.TxID[:]...)
	return binary.BigEndian.AppendUint32(k, r.Index)
}

func (k keyBuilder) u64(v uint64) keyBuilder { return binary.BigEndian.AppendUint64(k, v) }

func (k keyBuilder) u32(v uint32) keyBuilder { return binary.BigEndian.AppendUint32(k, v) }

func (k keyBuilder) byte1(v byte) keyBuilder { return append(k, v) }

// str appends a length-prefixed part; the caller checks the length with
// checkPart first, so that an oversized part is an error, not a panic.
func (k keyBuilder) str(s []byte) keyBuilder {
	k = binary.BigEndian.AppendUint16(k, uint16(len(s)))
	return append(k, s...)
}

func checkPart(what string, s []byte) error {
	if len(s) > maxKeyPart {
		return fmt.Errorf("%s: %d bytes exceeds the %d-byte key part limit", what, len(s), maxKeyPart)
	}
	return nil
}

func decodeRef(b []byte) (extract.TxOutRef, error) {
	var r extract.TxOutRef
	if len(b) < refSize {
		return r, fmt.Errorf("key: output reference needs %d bytes, have %d", refSize, len(b))
	}
	copy(r.TxID[:], b[:32])
	r.Index = binary.BigEndian.Uint32(b[32:36])
	return r, nil
}

func tipKey() []byte                       { return []byte{pTip} }
func formatKey() []byte                    { return []byte{pFormat} }
func headerKey(id extract.TxOutRef) []byte { return newKey(pHeader).ref(id) }
func utxoKey(r extract.TxOutRef) []byte    { return newKey(pUTxO).ref(r) }
func payoutKey(r extract.TxOutRef) []byte  { return newKey(pPayout).ref(r) }
func journalKey(slot uint64) []byte        { return newKey(pJournal).u64(slot) }
func journalNumberKey(n uint64) []byte     { return newKey(pJournalNumber).u64(n) }
func activityKey(slot uint64) []byte       { return newKey(pActivity).u64(slot) }

func stepKey(id extract.TxOutRef, slot uint64, txIndex uint32, kind StepKind) []byte {
	return newKey(pStep).ref(id).u64(slot).u32(txIndex).byte1(byte(kind))
}

func payoutByContractKey(id extract.TxOutRef, st PayoutStatus, ref extract.TxOutRef) []byte {
	return newKey(pPayoutByCtr).ref(id).byte1(byte(st)).ref(ref)
}

func payoutByTokenPrefix(currency, role []byte) keyBuilder {
	return newKey(pPayoutByToken).str(currency).str(role)
}
