package ledger

import (
	"errors"
	"fmt"
	"time"

	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

// errNoDelegation is what the devnet answers to every stake, pool and
// governance question: it has no stake credentials, pools, DReps or
// committee, so transactions touching them fail with a clear reason
// instead of reaching a nil implementation.
var errNoDelegation = errors.New("the devnet ledger has no stake, pool or governance state")

// entry is one unspent output: its CBOR and its decoded form.
type entry struct {
	cbor []byte
	out  lcommon.TransactionOutput
}

// utxoView is a UTxO set seen through changes: the base set, minus spent,
// plus added (the mempool's view on top of the chain's UTxO).
type utxoView struct {
	base  map[registry.TxOutRef]entry
	spent map[registry.TxOutRef]bool
	added map[registry.TxOutRef]entry
}

func (v *utxoView) get(ref registry.TxOutRef) (entry, bool) {
	if e, ok := v.added[ref]; ok {
		return e, true
	}
	if v.spent[ref] {
		return entry{}, false
	}
	e, ok := v.base[ref]
	return e, ok
}

// state is the lcommon.LedgerState the Conway rules run against: a UTxO
// view, the slot clock and the network; no delegation or governance.
type state struct {
	utxo    *utxoView
	conv    *slottime.Converter
	network uint
}

var _ lcommon.LedgerState = (*state)(nil)

func refOf(in lcommon.TransactionInput) registry.TxOutRef {
	return registry.TxOutRef{TxID: registry.TxID(in.Id()), Index: in.Index()}
}

// UtxoById resolves an input in the view.
func (s *state) UtxoById(in lcommon.TransactionInput) (lcommon.Utxo, error) {
	if in == nil {
		return lcommon.Utxo{}, errors.New("nil transaction input")
	}
	e, ok := s.utxo.get(refOf(in))
	if !ok {
		return lcommon.Utxo{}, fmt.Errorf("input %s: %w", in.String(), errUnknownInput)
	}
	return lcommon.Utxo{Id: in, Output: e.out}, nil
}

var errUnknownInput = errors.New("not in the UTxO set")

// SlotToTime converts with the devnet's era history.
func (s *state) SlotToTime(slot uint64) (time.Time, error) { return s.conv.SlotToTime(slot) }

// TimeToSlot converts with the devnet's era history.
func (s *state) TimeToSlot(t time.Time) (uint64, error) { return s.conv.TimeToSlot(t) }

// NetworkId is the address network id (0 on testnets).
func (s *state) NetworkId() uint { return s.network }

// CostModels is unused by the Conway rules (they read the protocol
// parameters); empty.
func (s *state) CostModels() map[lcommon.PlutusLanguage]lcommon.CostModel {
	return map[lcommon.PlutusLanguage]lcommon.CostModel{}
}

// StakeRegistration: no stake registrations.
func (s *state) StakeRegistration([]byte) ([]lcommon.StakeRegistrationCertificate, error) {
	return nil, nil
}

// IsStakeCredentialRegistered: none is.
func (s *state) IsStakeCredentialRegistered(lcommon.Credential) bool { return false }

// PoolCurrentState: no pools.
func (s *state) PoolCurrentState(lcommon.PoolKeyHash) (*lcommon.PoolRegistrationCertificate, *uint64, error) {
	return nil, nil, nil
}

// IsPoolRegistered: none is.
func (s *state) IsPoolRegistered(lcommon.PoolKeyHash) bool { return false }

// IsVrfKeyInUse: none is.
func (s *state) IsVrfKeyInUse(lcommon.Blake2b256) (bool, lcommon.PoolKeyHash, error) {
	return false, lcommon.PoolKeyHash{}, nil
}

// CalculateRewards is not supported.
func (s *state) CalculateRewards(lcommon.AdaPots, lcommon.RewardSnapshot, lcommon.RewardParameters) (*lcommon.RewardCalculationResult, error) {
	return nil, errNoDelegation
}

// GetAdaPots: empty pots.
func (s *state) GetAdaPots() lcommon.AdaPots { return lcommon.AdaPots{} }

// UpdateAdaPots is not supported.
func (s *state) UpdateAdaPots(lcommon.AdaPots) error { return errNoDelegation }

// GetRewardSnapshot is not supported.
func (s *state) GetRewardSnapshot(uint64) (lcommon.RewardSnapshot, error) {
	return lcommon.RewardSnapshot{}, errNoDelegation
}

// IsRewardAccountRegistered: none is.
func (s *state) IsRewardAccountRegistered(lcommon.Credential) bool { return false }

// RewardAccountBalance: no account is registered.
func (s *state) RewardAccountBalance(lcommon.Credential) (*uint64, error) { return nil, nil }

// CommitteeMember: no committee.
func (s *state) CommitteeMember(lcommon.Blake2b224) (*lcommon.CommitteeMember, error) {
	return nil, nil
}

// CommitteeMembers: no committee.
func (s *state) CommitteeMembers() ([]lcommon.CommitteeMember, error) { return nil, nil }

// DRepRegistration: no DReps.
func (s *state) DRepRegistration(lcommon.Blake2b224) (*lcommon.DRepRegistration, error) {
	return nil, nil
}

// DRepRegistrations: no DReps.
func (s *state) DRepRegistrations() ([]lcommon.DRepRegistration, error) { return nil, nil }

// Constitution: none.
func (s *state) Constitution() (*lcommon.Constitution, error) { return nil, nil }

// TreasuryValue: an empty treasury.
func (s *state) TreasuryValue() (uint64, error) { return 0, nil }

// GovActionById: no governance actions.
func (s *state) GovActionById(lcommon.GovActionId) (*lcommon.GovActionState, error) {
	return nil, nil
}

// GovActionExists: none does.
func (s *state) GovActionExists(lcommon.GovActionId) bool { return false }
