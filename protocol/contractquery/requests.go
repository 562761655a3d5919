package contractquery

import (
	"fmt"
	"strings"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Request is one ContractRequest (wire-protocol.md §4.7): GetContract or
// MerkleizeInputs.
type Request interface {
	// RequestName is the Haskell constructor name.
	RequestName() string
	isRequest()
}

// GetContract fetches a stored contract by its hash (tag 00). Result:
// *ContractWithAdjacency, nil when the store lacks the contract or one of
// its continuations.
type GetContract struct{ Hash types.DatumHash }

// MerkleizeInputs turns the inputs of a transaction on Contract in State
// into the merkleized inputs the chain needs, adding each continuation the
// inputs unlock from the store (tag 01). All three fields use the generic
// Binary form (§5.6). Result: MerkleizeInputsResult.
type MerkleizeInputs struct {
	Contract core.Contract
	State    core.State
	Input    core.TransactionInput
}

// RequestName implements Request.
func (GetContract) RequestName() string { return "GetContract" }

// RequestName implements Request.
func (MerkleizeInputs) RequestName() string { return "MerkleizeInputs" }

func (GetContract) isRequest()     {}
func (MerkleizeInputs) isRequest() {}

// EncodeRequest appends a request: 00 DatumHash | 01 Contract State
// TransactionInput.
func EncodeRequest(e *binary.Encoder, r Request) {
	switch x := r.(type) {
	case GetContract:
		e.PutU8(0x00)
		types.EncodeDatumHash(e, x.Hash)
	case MerkleizeInputs:
		e.PutU8(0x01)
		types.EncodeContract(e, x.Contract)
		types.EncodeState(e, x.State)
		types.EncodeCoreTransactionInput(e, x.Input)
	default:
		e.Failf("encode ContractRequest: unknown request %T", r)
	}
}

// DecodeRequest reads a request.
func DecodeRequest(d *binary.Decoder) (Request, error) {
	at := d.Offset()
	tag, err := d.U8()
	if err != nil {
		return nil, binary.Wrap(err, "decode ContractRequest tag")
	}
	switch tag {
	case 0x00:
		h, err := types.DecodeDatumHash(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode GetContract")
		}
		return GetContract{Hash: h}, nil
	case 0x01:
		var x MerkleizeInputs
		if x.Contract, err = types.DecodeContract(d); err != nil {
			return nil, binary.Wrap(err, "decode MerkleizeInputs.contract")
		}
		if x.State, err = types.DecodeState(d); err != nil {
			return nil, binary.Wrap(err, "decode MerkleizeInputs.state")
		}
		if x.Input, err = types.DecodeCoreTransactionInput(d); err != nil {
			return nil, binary.Wrap(err, "decode MerkleizeInputs.input")
		}
		return x, nil
	}
	return nil, d.Errorf(at, "invalid ContractRequest tag %#02x (want 00 or 01)", tag)
}

// ContractWithAdjacency is a stored contract with the continuation hashes
// it names directly (Adjacency) and transitively, its own hash included
// (Closure). Both are Sets of DatumHash.
type ContractWithAdjacency struct {
	ContractHash types.DatumHash
	Contract     core.Contract
	Adjacency    []types.DatumHash
	Closure      []types.DatumHash
}

func compareHash(a, b types.DatumHash) int { return strings.Compare(string(a), string(b)) }

// EncodeContractWithAdjacency appends a ContractWithAdjacency: DatumHash,
// Contract (generic), set<DatumHash>, set<DatumHash>.
func EncodeContractWithAdjacency(e *binary.Encoder, x ContractWithAdjacency) {
	types.EncodeDatumHash(e, x.ContractHash)
	types.EncodeContract(e, x.Contract)
	binary.EncodeSet(e, x.Adjacency, compareHash, types.EncodeDatumHash)
	binary.EncodeSet(e, x.Closure, compareHash, types.EncodeDatumHash)
}

// DecodeContractWithAdjacency reads a ContractWithAdjacency.
func DecodeContractWithAdjacency(d *binary.Decoder) (ContractWithAdjacency, error) {
	var x ContractWithAdjacency
	var err error
	if x.ContractHash, err = types.DecodeDatumHash(d); err != nil {
		return x, binary.Wrap(err, "decode ContractWithAdjacency.contractHash")
	}
	if x.Contract, err = types.DecodeContract(d); err != nil {
		return x, binary.Wrap(err, "decode ContractWithAdjacency.contract")
	}
	if x.Adjacency, err = binary.DecodeSet(d, compareHash, types.DecodeDatumHash); err != nil {
		return x, binary.Wrap(err, "decode ContractWithAdjacency.adjacency")
	}
	if x.Closure, err = binary.DecodeSet(d, compareHash, types.DecodeDatumHash); err != nil {
		return x, binary.Wrap(err, "decode ContractWithAdjacency.closure")
	}
	return x, nil
}

// MerkleizeInputsError says why MerkleizeInputs failed (generic sum,
// §5.4): one of the MerkleizeInputs… types below.
type MerkleizeInputsError interface {
	error
	isMerkleizeInputsError()
}

// MerkleizeInputsContractNotFound: a continuation the inputs unlock is not
// in the store (tag 0).
type MerkleizeInputsContractNotFound struct{ Hash types.DatumHash }

// MerkleizeInputsApplyNoMatch: the input matches no case (tag 1).
type MerkleizeInputsApplyNoMatch struct{ Input core.Input }

// MerkleizeInputsApplyAmbiguousInterval: the interval is ambiguous when
// applying the input (tag 2).
type MerkleizeInputsApplyAmbiguousInterval struct{ Input core.Input }

// MerkleizeInputsReduceAmbiguousInterval: the interval is ambiguous when
// reducing the contract before the input (tag 3).
type MerkleizeInputsReduceAmbiguousInterval struct{ Input core.Input }

// MerkleizeInputsIntervalError: the transaction interval is invalid or in
// the past (tag 4).
type MerkleizeInputsIntervalError struct{ Err core.IntervalError }

func (MerkleizeInputsContractNotFound) isMerkleizeInputsError()        {}
func (MerkleizeInputsApplyNoMatch) isMerkleizeInputsError()            {}
func (MerkleizeInputsApplyAmbiguousInterval) isMerkleizeInputsError()  {}
func (MerkleizeInputsReduceAmbiguousInterval) isMerkleizeInputsError() {}
func (MerkleizeInputsIntervalError) isMerkleizeInputsError()           {}

func (e MerkleizeInputsContractNotFound) Error() string {
	return fmt.Sprintf("merkleize inputs: continuation %x not found", string(e.Hash))
}

func (e MerkleizeInputsApplyNoMatch) Error() string {
	return "merkleize inputs: an input matches no case"
}

func (e MerkleizeInputsApplyAmbiguousInterval) Error() string {
	return "merkleize inputs: ambiguous time interval applying an input"
}

func (e MerkleizeInputsReduceAmbiguousInterval) Error() string {
	return "merkleize inputs: ambiguous time interval reducing the contract"
}

func (e MerkleizeInputsIntervalError) Error() string {
	return fmt.Sprintf("merkleize inputs: interval error %T", e.Err)
}

// EncodeMerkleizeInputsError appends a MerkleizeInputsError.
func EncodeMerkleizeInputsError(e *binary.Encoder, x MerkleizeInputsError) {
	switch v := x.(type) {
	case MerkleizeInputsContractNotFound:
		e.PutU8(0)
		types.EncodeDatumHash(e, v.Hash)
	case MerkleizeInputsApplyNoMatch:
		e.PutU8(1)
		types.EncodeInput(e, v.Input)
	case MerkleizeInputsApplyAmbiguousInterval:
		e.PutU8(2)
		types.EncodeInput(e, v.Input)
	case MerkleizeInputsReduceAmbiguousInterval:
		e.PutU8(3)
		types.EncodeInput(e, v.Input)
	case MerkleizeInputsIntervalError:
		e.PutU8(4)
		types.EncodeIntervalError(e, v.Err)
	default:
		e.Failf("encode MerkleizeInputsError: unknown error %T", x)
	}
}

// DecodeMerkleizeInputsError reads a MerkleizeInputsError.
func DecodeMerkleizeInputsError(d *binary.Decoder) (MerkleizeInputsError, error) {
	tag, err := d.Tag("MerkleizeInputsError", 5)
	if err != nil {
		return nil, binary.Wrap(err, "decode MerkleizeInputsError")
	}
	switch tag {
	case 0:
		h, err := types.DecodeDatumHash(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode MerkleizeInputsContractNotFound")
		}
		return MerkleizeInputsContractNotFound{Hash: h}, nil
	case 4:
		ie, err := types.DecodeIntervalError(d)
		if err != nil {
			return nil, binary.Wrap(err, "decode MerkleizeInputsIntervalError")
		}
		return MerkleizeInputsIntervalError{Err: ie}, nil
	}
	in, err := types.DecodeInput(d)
	if err != nil {
		return nil, binary.Wrapf(err, "decode MerkleizeInputsError tag %d input", tag)
	}
	switch tag {
	case 1:
		return MerkleizeInputsApplyNoMatch{Input: in}, nil
	case 2:
		return MerkleizeInputsApplyAmbiguousInterval{Input: in}, nil
	}
	return MerkleizeInputsReduceAmbiguousInterval{Input: in}, nil
}

// Result is the answer to one request: *ContractWithAdjacency (nil for
// Nothing; a Handler may also return an untyped nil) for GetContract,
// MerkleizeInputsResult for MerkleizeInputs.
type Result interface{ isResult() }

// MerkleizeInputsResult is Either MerkleizeInputsError TransactionInput:
// Err set is Left, otherwise Input (generic Binary form, §6.5) is Right.
type MerkleizeInputsResult struct {
	Err   MerkleizeInputsError
	Input core.TransactionInput
}

func (*ContractWithAdjacency) isResult() {}
func (MerkleizeInputsResult) isResult()  {}

// EncodeMerkleizeInputsResult appends the Either: 00 error | 01 input.
func EncodeMerkleizeInputsResult(e *binary.Encoder, x MerkleizeInputsResult) {
	if x.Err != nil {
		e.PutU8(0)
		EncodeMerkleizeInputsError(e, x.Err)
		return
	}
	e.PutU8(1)
	types.EncodeCoreTransactionInput(e, x.Input)
}

// DecodeMerkleizeInputsResult reads the Either.
func DecodeMerkleizeInputsResult(d *binary.Decoder) (MerkleizeInputsResult, error) {
	x, err := binary.DecodeEither(d, DecodeMerkleizeInputsError, types.DecodeCoreTransactionInput)
	if err != nil {
		return MerkleizeInputsResult{}, binary.Wrap(err, "decode Either MerkleizeInputsError TransactionInput")
	}
	if !x.IsRight {
		return MerkleizeInputsResult{Err: x.Left}, nil
	}
	return MerkleizeInputsResult{Input: x.Right}, nil
}

// CheckResult reports whether res has the result type r expects.
func CheckResult(r Request, res Result) error {
	switch r.(type) {
	case GetContract:
		if res == nil {
			return nil
		}
		if _, ok := res.(*ContractWithAdjacency); ok {
			return nil
		}
	case MerkleizeInputs:
		if _, ok := res.(MerkleizeInputsResult); ok {
			return nil
		}
	default:
		return fmt.Errorf("unknown request %T", r)
	}
	return fmt.Errorf("%T does not answer %s", res, r.RequestName())
}

// EncodeResult appends res as the result of r; a result of the wrong type
// records an error in e.
func EncodeResult(e *binary.Encoder, r Request, res Result) {
	if err := CheckResult(r, res); err != nil {
		e.Failf("encode ContractRequest result: %v", err)
		return
	}
	switch x := res.(type) {
	case nil:
		e.PutU8(0)
	case *ContractWithAdjacency:
		binary.EncodeOptional(e, x, EncodeContractWithAdjacency)
	case MerkleizeInputsResult:
		EncodeMerkleizeInputsResult(e, x)
	}
}

// DecodeResult reads the result of request r.
func DecodeResult(d *binary.Decoder, r Request) (Result, error) {
	switch r.(type) {
	case GetContract:
		p, err := binary.DecodeOptional(d, DecodeContractWithAdjacency)
		if err != nil {
			return nil, binary.Wrap(err, "decode Maybe ContractWithAdjacency")
		}
		return p, nil
	case MerkleizeInputs:
		x, err := DecodeMerkleizeInputsResult(d)
		if err != nil {
			return nil, err
		}
		return x, nil
	}
	return nil, fmt.Errorf("decode ContractRequest result: unknown request %T", r)
}
