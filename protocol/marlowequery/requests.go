package marlowequery

import (
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Request is one MarloweSyncRequest (wire-protocol.md §4.4): one of the
// Req… types below. Each request kind fixes its Result type, listed with
// the request.
type Request interface {
	// RequestName is the Haskell constructor name, e.g. "ReqStatus".
	RequestName() string
	isRequest()
}

// ReqContractHeaders lists contract headers matching Filter, one page of
// Range at a time (tag 01). Result: *ContractHeadersPage, nil when the
// range start is unknown.
type ReqContractHeaders struct {
	Filter ContractFilter
	Range  Range[types.ContractId]
}

// ReqContractState asks for a contract's current state (tag 02). Result:
// *SomeContractState, nil for an unknown contract.
type ReqContractState struct{ ContractId types.ContractId }

// ReqTransaction asks for one Marlowe transaction (tag 03). Result:
// *SomeTransaction, nil when unknown.
type ReqTransaction struct{ TxId types.TxId }

// ReqTransactions asks for all transactions of a contract (tag 04). Result:
// *SomeTransactions, nil for an unknown contract.
type ReqTransactions struct{ ContractId types.ContractId }

// ReqWithdrawal asks for one withdrawal transaction (tag 05). Result:
// *Withdrawal, nil when unknown.
type ReqWithdrawal struct{ TxId types.TxId }

// ReqWithdrawals lists withdrawals matching Filter, paged (tag 06). Result:
// *WithdrawalsPage, nil when the range start is unknown.
type ReqWithdrawals struct {
	Filter WithdrawalFilter
	Range  Range[types.TxId]
}

// ReqStatus asks for the runtime's status (tag 07, no fields). Result:
// RuntimeStatus.
type ReqStatus struct{}

// ReqPayouts lists payouts matching Filter, paged (tag 08). Result:
// *PayoutsPage, nil when the range start is unknown.
type ReqPayouts struct {
	Filter PayoutFilter
	Range  Range[types.TxOutRef]
}

// ReqPayout asks for one payout (tag 09). Result: *SomePayoutState, nil
// when unknown.
type ReqPayout struct{ PayoutId types.TxOutRef }

// ReqRoleCurrencies lists role-token policies matching Filter (tag 0a).
// Result: RoleCurrencies (a set).
type ReqRoleCurrencies struct{ Filter RoleCurrencyFilter }

// RequestName implements Request.
func (ReqContractHeaders) RequestName() string { return "ReqContractHeaders" }

// RequestName implements Request.
func (ReqContractState) RequestName() string { return "ReqContractState" }

// RequestName implements Request.
func (ReqTransaction) RequestName() string { return "ReqTransaction" }

// RequestName implements Request.
func (ReqTransactions) RequestName() string { return "ReqTransactions" }

// RequestName implements Request.
func (ReqWithdrawal) RequestName() string { return "ReqWithdrawal" }

// RequestName implements Request.
func (ReqWithdrawals) RequestName() string { return "ReqWithdrawals" }

// RequestName implements Request.
func (ReqStatus) RequestName() string { return "ReqStatus" }

// RequestName implements Request.
func (ReqPayouts) RequestName() string { return "ReqPayouts" }

// RequestName implements Request.
func (ReqPayout) RequestName() string { return "ReqPayout" }

// RequestName implements Request.
func (ReqRoleCurrencies) RequestName() string { return "ReqRoleCurrencies" }

func (ReqContractHeaders) isRequest() {}
func (ReqContractState) isRequest()   {}
func (ReqTransaction) isRequest()     {}
func (ReqTransactions) isRequest()    {}
func (ReqWithdrawal) isRequest()      {}
func (ReqWithdrawals) isRequest()     {}
func (ReqStatus) isRequest()          {}
func (ReqPayouts) isRequest()         {}
func (ReqPayout) isRequest()          {}
func (ReqRoleCurrencies) isRequest()  {}

// Request tags: custom, not the declaration order (ReqStatus is declared
// first but is 07).
const (
	tagContractHeaders uint8 = 0x01
	tagContractState   uint8 = 0x02
	tagTransaction     uint8 = 0x03
	tagTransactions    uint8 = 0x04
	tagWithdrawal      uint8 = 0x05
	tagWithdrawals     uint8 = 0x06
	tagStatus          uint8 = 0x07
	tagPayouts         uint8 = 0x08
	tagPayout          uint8 = 0x09
	tagRoleCurrencies  uint8 = 0x0a
)

// EncodeRequest appends a request: its tag byte and fields.
func EncodeRequest(e *binary.Encoder, r Request) {
	switch x := r.(type) {
	case ReqContractHeaders:
		e.PutU8(tagContractHeaders)
		EncodeContractFilter(e, x.Filter)
		EncodeRange(e, x.Range, types.EncodeContractId)
	case ReqContractState:
		e.PutU8(tagContractState)
		types.EncodeContractId(e, x.ContractId)
	case ReqTransaction:
		e.PutU8(tagTransaction)
		types.EncodeTxId(e, x.TxId)
	case ReqTransactions:
		e.PutU8(tagTransactions)
		types.EncodeContractId(e, x.ContractId)
	case ReqWithdrawal:
		e.PutU8(tagWithdrawal)
		types.EncodeTxId(e, x.TxId)
	case ReqWithdrawals:
		e.PutU8(tagWithdrawals)
		EncodeWithdrawalFilter(e, x.Filter)
		EncodeRange(e, x.Range, types.EncodeTxId)
	case ReqStatus:
		e.PutU8(tagStatus)
	case ReqPayouts:
		e.PutU8(tagPayouts)
		EncodePayoutFilter(e, x.Filter)
		EncodeRange(e, x.Range, types.EncodeTxOutRef)
	case ReqPayout:
		e.PutU8(tagPayout)
		types.EncodeTxOutRef(e, x.PayoutId)
	case ReqRoleCurrencies:
		e.PutU8(tagRoleCurrencies)
		EncodeRoleCurrencyFilter(e, x.Filter)
	default:
		e.Failf("encode MarloweSyncRequest: unknown request %T", r)
	}
}

// DecodeRequest reads a request.
func DecodeRequest(d *binary.Decoder) (Request, error) {
	at := d.Offset()
	tag, err := d.U8()
	if err != nil {
		return nil, binary.Wrap(err, "decode MarloweSyncRequest tag")
	}
	switch tag {
	case tagContractHeaders:
		f, err := DecodeContractFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqContractHeaders")
		}
		r, err := DecodeRange(d, types.DecodeContractId)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqContractHeaders")
		}
		return ReqContractHeaders{Filter: f, Range: r}, nil
	case tagContractState:
		id, err := types.DecodeContractId(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqContractState")
		}
		return ReqContractState{ContractId: id}, nil
	case tagTransaction:
		id, err := types.DecodeTxId(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqTransaction")
		}
		return ReqTransaction{TxId: id}, nil
	case tagTransactions:
		id, err := types.DecodeContractId(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqTransactions")
		}
		return ReqTransactions{ContractId: id}, nil
	case tagWithdrawal:
		id, err := types.DecodeTxId(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqWithdrawal")
		}
		return ReqWithdrawal{TxId: id}, nil
	case tagWithdrawals:
		f, err := DecodeWithdrawalFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqWithdrawals")
		}
		r, err := DecodeRange(d, types.DecodeTxId)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqWithdrawals")
		}
		return ReqWithdrawals{Filter: f, Range: r}, nil
	case tagStatus:
		return ReqStatus{}, nil
	case tagPayouts:
		f, err := DecodePayoutFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqPayouts")
		}
		r, err := DecodeRange(d, types.DecodeTxOutRef)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqPayouts")
		}
		return ReqPayouts{Filter: f, Range: r}, nil
	case tagPayout:
		id, err := types.DecodeTxOutRef(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqPayout")
		}
		return ReqPayout{PayoutId: id}, nil
	case tagRoleCurrencies:
		f, err := DecodeRoleCurrencyFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode ReqRoleCurrencies")
		}
		return ReqRoleCurrencies{Filter: f}, nil
	}
	return nil, d.Errorf(at, "invalid MarloweSyncRequest tag %#02x (want 01..0a)", tag)
}

// RoleCurrencyFilter selects role currencies (generic sum, §5.4): one of
// the RoleCurrency… types below. Its constructor order differs from the
// tx API's RoleTokenFilter (§6.6).
type RoleCurrencyFilter interface{ isRoleCurrencyFilter() }

// RoleCurrencyAnd matches what both filters match (tag 0).
type RoleCurrencyAnd struct{ L, R RoleCurrencyFilter }

// RoleCurrencyOr matches what either filter matches (tag 1).
type RoleCurrencyOr struct{ L, R RoleCurrencyFilter }

// RoleCurrencyNot matches what F does not (tag 2).
type RoleCurrencyNot struct{ F RoleCurrencyFilter }

// RoleCurrencyFilterNone matches nothing (tag 3).
type RoleCurrencyFilterNone struct{}

// RoleCurrencyFilterByContract matches the role currencies of the given
// contracts (tag 4).
type RoleCurrencyFilterByContract struct{ ContractIds []types.ContractId }

// RoleCurrencyFilterByPolicy matches the given policies (tag 5).
type RoleCurrencyFilterByPolicy struct{ PolicyIds []types.PolicyId }

// RoleCurrencyFilterAny matches everything (tag 6).
type RoleCurrencyFilterAny struct{}

func (RoleCurrencyAnd) isRoleCurrencyFilter()              {}
func (RoleCurrencyOr) isRoleCurrencyFilter()               {}
func (RoleCurrencyNot) isRoleCurrencyFilter()              {}
func (RoleCurrencyFilterNone) isRoleCurrencyFilter()       {}
func (RoleCurrencyFilterByContract) isRoleCurrencyFilter() {}
func (RoleCurrencyFilterByPolicy) isRoleCurrencyFilter()   {}
func (RoleCurrencyFilterAny) isRoleCurrencyFilter()        {}

// EncodeRoleCurrencyFilter appends a RoleCurrencyFilter; nesting is
// bounded by the encoder's depth limit.
func EncodeRoleCurrencyFilter(e *binary.Encoder, f RoleCurrencyFilter) {
	if !e.Enter() {
		return
	}
	defer e.Leave()
	switch x := f.(type) {
	case RoleCurrencyAnd:
		e.PutU8(0)
		EncodeRoleCurrencyFilter(e, x.L)
		EncodeRoleCurrencyFilter(e, x.R)
	case RoleCurrencyOr:
		e.PutU8(1)
		EncodeRoleCurrencyFilter(e, x.L)
		EncodeRoleCurrencyFilter(e, x.R)
	case RoleCurrencyNot:
		e.PutU8(2)
		EncodeRoleCurrencyFilter(e, x.F)
	case RoleCurrencyFilterNone:
		e.PutU8(3)
	case RoleCurrencyFilterByContract:
		e.PutU8(4)
		binary.EncodeSet(e, x.ContractIds, types.CompareContractId, types.EncodeContractId)
	case RoleCurrencyFilterByPolicy:
		e.PutU8(5)
		binary.EncodeSet(e, x.PolicyIds, compareString, types.EncodePolicyId)
	case RoleCurrencyFilterAny:
		e.PutU8(6)
	default:
		e.Failf("encode RoleCurrencyFilter: unknown filter %T", f)
	}
}

// DecodeRoleCurrencyFilter reads a RoleCurrencyFilter; nesting is bounded
// by the decoder's depth limit.
func DecodeRoleCurrencyFilter(d *binary.Decoder) (RoleCurrencyFilter, error) {
	if err := d.Enter(); err != nil {
		return nil, binary.Wrap(err, "decode RoleCurrencyFilter (nesting is bounded)")
	}
	defer d.Leave()
	tag, err := d.Tag("RoleCurrencyFilter", 7)
	if err != nil {
		return nil, binary.Wrap(err, "decode RoleCurrencyFilter")
	}
	switch tag {
	case 0, 1:
		l, err := DecodeRoleCurrencyFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "left")
		}
		r, err := DecodeRoleCurrencyFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "right")
		}
		if tag == 0 {
			return RoleCurrencyAnd{L: l, R: r}, nil
		}
		return RoleCurrencyOr{L: l, R: r}, nil
	case 2:
		f, err := DecodeRoleCurrencyFilter(d)
		if err != nil {
			return nil, binary.Wrap(err, "RoleCurrencyNot")
		}
		return RoleCurrencyNot{F: f}, nil
	case 3:
		return RoleCurrencyFilterNone{}, nil
	case 4:
		s, err := binary.DecodeSet(d, types.CompareContractId, types.DecodeContractId)
		if err != nil {
			return nil, binary.Wrap(err, "decode RoleCurrencyFilterByContract")
		}
		return RoleCurrencyFilterByContract{ContractIds: s}, nil
	case 5:
		s, err := binary.DecodeSet(d, compareString, types.DecodePolicyId)
		if err != nil {
			return nil, binary.Wrap(err, "decode RoleCurrencyFilterByPolicy")
		}
		return RoleCurrencyFilterByPolicy{PolicyIds: s}, nil
	}
	return RoleCurrencyFilterAny{}, nil
}

// Result is the answer to one request; which concrete type depends on the
// request (see each Req… type). The optional results are pointers, nil
// meaning Haskell's Nothing ("not found"); a Handler may also return an
// untyped nil for them.
type Result interface{ isResult() }

// ContractHeadersPage answers ReqContractHeaders.
type ContractHeadersPage = Page[types.ContractId, types.ContractHeader]

// WithdrawalsPage answers ReqWithdrawals.
type WithdrawalsPage = Page[types.TxId, Withdrawal]

// PayoutsPage answers ReqPayouts.
type PayoutsPage = Page[types.TxOutRef, PayoutHeader]

// RoleCurrencies answers ReqRoleCurrencies: a Set, sorted by
// CompareRoleCurrency on encoding.
type RoleCurrencies []RoleCurrency

func (RuntimeStatus) isResult()      {}
func (*Page[K, V]) isResult()        {}
func (*SomeContractState) isResult() {}
func (*SomeTransaction) isResult()   {}
func (*SomeTransactions) isResult()  {}
func (*Withdrawal) isResult()        {}
func (*SomePayoutState) isResult()   {}
func (RoleCurrencies) isResult()     {}

// Least encoded sizes of page items, bounding item counts by the input.
const (
	minContractHeader = 10 + 8 + 8 + 8 + 8 + 8 + 4 + 24
	minWithdrawal     = 24 + 8 + 8
	minPayoutHeader   = 10 + 10 + 1 + 16
	minRoleCurrency   = 8 + 10 + 1
)

// optional checks that res is nil or a *T, returning the pointer.
func optional[T any](res Result) (*T, bool) {
	if res == nil {
		return nil, true
	}
	p, ok := any(res).(*T)
	return p, ok
}

// CheckResult reports whether res has the result type request r expects.
func CheckResult(r Request, res Result) error {
	ok := false
	switch r.(type) {
	case ReqContractHeaders:
		_, ok = optional[ContractHeadersPage](res)
	case ReqContractState:
		_, ok = optional[SomeContractState](res)
	case ReqTransaction:
		_, ok = optional[SomeTransaction](res)
	case ReqTransactions:
		_, ok = optional[SomeTransactions](res)
	case ReqWithdrawal:
		_, ok = optional[Withdrawal](res)
	case ReqWithdrawals:
		_, ok = optional[WithdrawalsPage](res)
	case ReqStatus:
		_, ok = res.(RuntimeStatus)
	case ReqPayouts:
		_, ok = optional[PayoutsPage](res)
	case ReqPayout:
		_, ok = optional[SomePayoutState](res)
	case ReqRoleCurrencies:
		_, ok = res.(RoleCurrencies)
	default:
		return fmt.Errorf("unknown request %T", r)
	}
	if !ok {
		return fmt.Errorf("%T does not answer %s", res, r.RequestName())
	}
	return nil
}

func encodeOptional[T any](e *binary.Encoder, res Result, f binary.EncodeFunc[T]) {
	p, ok := optional[T](res)
	if !ok {
		e.Failf("encode result: %T is not a *%T", res, *new(T))
		return
	}
	binary.EncodeOptional(e, p, f)
}

func encodePageFunc[K, V any](key binary.EncodeFunc[K], item binary.EncodeFunc[V]) binary.EncodeFunc[Page[K, V]] {
	return func(e *binary.Encoder, p Page[K, V]) { EncodePage(e, p, key, item) }
}

func decodePageFunc[K, V any](key binary.DecodeFunc[K], item binary.DecodeFunc[V], minItem int) binary.DecodeFunc[Page[K, V]] {
	return func(d *binary.Decoder) (Page[K, V], error) { return DecodePage(d, key, item, minItem) }
}

// EncodeResult appends res as the result of r. A result of the wrong type
// records an error in e.
func EncodeResult(e *binary.Encoder, r Request, res Result) {
	switch r.(type) {
	case ReqContractHeaders:
		encodeOptional(e, res, encodePageFunc(types.EncodeContractId, types.EncodeContractHeader))
	case ReqContractState:
		encodeOptional(e, res, EncodeSomeContractState)
	case ReqTransaction:
		encodeOptional(e, res, EncodeSomeTransaction)
	case ReqTransactions:
		encodeOptional(e, res, EncodeSomeTransactions)
	case ReqWithdrawal:
		encodeOptional(e, res, EncodeWithdrawal)
	case ReqWithdrawals:
		encodeOptional(e, res, encodePageFunc(types.EncodeTxId, EncodeWithdrawal))
	case ReqStatus:
		s, ok := res.(RuntimeStatus)
		if !ok {
			e.Failf("encode result of ReqStatus: %T is not a RuntimeStatus", res)
			return
		}
		EncodeRuntimeStatus(e, s)
	case ReqPayouts:
		encodeOptional(e, res, encodePageFunc(types.EncodeTxOutRef, EncodePayoutHeader))
	case ReqPayout:
		encodeOptional(e, res, EncodeSomePayoutState)
	case ReqRoleCurrencies:
		s, ok := res.(RoleCurrencies)
		if !ok {
			e.Failf("encode result of ReqRoleCurrencies: %T is not RoleCurrencies", res)
			return
		}
		binary.EncodeSet(e, s, CompareRoleCurrency, EncodeRoleCurrency)
	default:
		e.Failf("encode result: unknown request %T", r)
	}
}

// decodeOptional reads maybe<T> as a Result holding a *T (nil for
// Nothing, typed so the result's kind stays visible).
func decodeOptional[T any](d *binary.Decoder, f binary.DecodeFunc[T]) (Result, error) {
	p, err := binary.DecodeOptional(d, f)
	if err != nil {
		return nil, err
	}
	res, ok := any(p).(Result)
	if !ok {
		return nil, fmt.Errorf("decode result: %T is not a Result", p)
	}
	return res, nil
}

// DecodeResult reads the result of request r.
func DecodeResult(d *binary.Decoder, r Request) (Result, error) {
	switch r.(type) {
	case ReqContractHeaders:
		return decodeOptional(d, decodePageFunc(types.DecodeContractId, types.DecodeContractHeader, minContractHeader))
	case ReqContractState:
		return decodeOptional(d, DecodeSomeContractState)
	case ReqTransaction:
		return decodeOptional(d, DecodeSomeTransaction)
	case ReqTransactions:
		return decodeOptional(d, DecodeSomeTransactions)
	case ReqWithdrawal:
		return decodeOptional(d, DecodeWithdrawal)
	case ReqWithdrawals:
		return decodeOptional(d, decodePageFunc(types.DecodeTxId, DecodeWithdrawal, minWithdrawal))
	case ReqStatus:
		s, err := DecodeRuntimeStatus(d)
		if err != nil {
			return nil, err
		}
		return s, nil
	case ReqPayouts:
		return decodeOptional(d, decodePageFunc(types.DecodeTxOutRef, DecodePayoutHeader, minPayoutHeader))
	case ReqPayout:
		return decodeOptional(d, DecodeSomePayoutState)
	case ReqRoleCurrencies:
		s, err := binary.DecodeSet(d, CompareRoleCurrency, DecodeRoleCurrency)
		if err != nil {
			return nil, binary.Wrap(err, "decode Set RoleCurrency")
		}
		return RoleCurrencies(s), nil
	}
	return nil, fmt.Errorf("decode result: unknown request %T", r)
}
