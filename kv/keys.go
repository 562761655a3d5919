package kv

import (
	"encoding/binary"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
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
//	0x0D    slot(8) contractID                           address bytes   contracts in creation order (slot, then ContractID), the order of query listings, with the creation output's address
//	0x0E    tag(len) slot(8) contractID                  -               index: metadata tag → contracts in creation order
//	0x0F    currency(len) slot(8) contractID             -               index: roles currency → contracts in creation order
//	0x10    party(len) slot(8) contractID                -               index: address party → contracts in creation order (slot of the creation)
//	0x11    currency(len) role(len) slot(8) contractID   -               index: role-token party → contracts in creation order
//	0x12    status(1) slot(8) payoutRef                  -               index: payouts by status in chain order (slot of the paying tx, then ref)
//	0x13    slot(8) txID(32)                             WithdrawalTx    withdrawal transactions in chain order, with the payouts each spent
//	0x14    txID(32)                                     key bytes       withdrawal by transaction id: its 0x13 key
//	0x15    currency(len) slot(8) txID(32)               -               index: withdrawals by roles currency of a spent payout, chain order
//	0x16    txID(32)                                     key bytes       apply-inputs transaction id → its 0x03 step key
//	0x17    contractID                                   -               index: closed contracts (an apply step left no continuing output)
//	0x18    currency(len)                                script CBOR     roles policy: the native script a creation carried whose hash is its roles currency (to burn role tokens later)
//	0x1F    index prefix                                 uint64 BE       number of keys under that prefix of a counted index (0x0D–0x13, 0x15)
//	0x20    hash(32)                                     contract CBOR   object store (objects.go; never journalled): a contract by its hash, Plutus-data CBOR
//	0x21    hash(32)                                     32-byte hashes  object store: its adjacency, the merkleized continuations it names
//	0x22    hash(32)                                     unix ms (8)     object store: its lease, kept by GC until then
//	0x28    (none)                                       owner id        object store: the Objects instance that owns the staging rows
//	0x29    session(8)                                   unix ms (8)     object store: commit in progress, completed at the next start
//	0x2A    session(8) seq(8)                            stagedRecord    object store: staged contract of an open session, dropped at start
//	0xF0    slot(8)                                      journalRecord   rollback journal: the inverse of a block's writes
//	0xF1    blockNumber(8)                               slot(8)         journal by number: pruning finds due entries without a scan
//	0xF2    slot(8) hash(32)                             rollbackRecord  where a rollback went from each block it undid (rollbacks.go); not journalled
//
// Everything but 0x00, 0xF0–0xF2 and the contract store (0x20–0x2F, not
// chain data: never journalled, never rolled back) is the logical index,
// and every write to it is journalled (the tip included, so that undoing a block restores
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
	pCreated       byte = 0x0D
	pTagOrder      byte = 0x0E
	pCurOrder      byte = 0x0F
	pAddrOrder     byte = 0x10
	pRoleOrder     byte = 0x11
	pPayoutOrder   byte = 0x12
	pWithdrawal    byte = 0x13
	pWithdrawalTx  byte = 0x14
	pWithdrawalCur byte = 0x15
	pApplyTx       byte = 0x16
	pClosed        byte = 0x17
	pRolesPolicy   byte = 0x18
	pCount         byte = 0x1F
	pJournal       byte = 0xF0
	pJournalNumber byte = 0xF1
	pRolledBack    byte = 0xF2
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

// rolesPolicyKey is the 0x18 key of a roles currency; the caller checks
// the currency with checkPart first.
func rolesPolicyKey(currency core.CurrencySymbol) []byte {
	return newKey(pRolesPolicy).str([]byte(currency))
}

func payoutByContractKey(id extract.TxOutRef, st PayoutStatus, ref extract.TxOutRef) []byte {
	return newKey(pPayoutByCtr).ref(id).byte1(byte(st)).ref(ref)
}

func payoutByTokenPrefix(currency, role []byte) keyBuilder {
	return newKey(pPayoutByToken).str(currency).str(role)
}
