package object

import (
	"encoding/hex"
	"fmt"

	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
)

// LinkErrorKind tells the LinkError constructors apart (wire tags).
type LinkErrorKind uint8

const (
	// UnknownSymbol: a reference to a label not defined before it.
	UnknownSymbol LinkErrorKind = iota
	// DuplicateLabel: a label defined twice in one import.
	DuplicateLabel
	// TypeMismatch: a reference to a label of another kind.
	TypeMismatch
)

// LinkError is why a bundle failed to link (Haskell
// Language.Marlowe.Object.Link.LinkError).
type LinkError struct {
	Kind LinkErrorKind
	// Label is the offending label (UnknownSymbol, DuplicateLabel).
	Label Label
	// Expected is the kind the reference needed and Actual the kind the
	// label has (TypeMismatch).
	Expected, Actual ObjectType
}

// Error implements error.
func (e *LinkError) Error() string {
	switch e.Kind {
	case UnknownSymbol:
		return fmt.Sprintf("link: unknown symbol %q", e.Label)
	case DuplicateLabel:
		return fmt.Sprintf("link: duplicate label %q", e.Label)
	case TypeMismatch:
		return fmt.Sprintf("link: type mismatch: expected %s, got %s", e.Expected, e.Actual)
	}
	return fmt.Sprintf("link: error kind %d", e.Kind)
}

// EncodeLinkError appends a LinkError: 00 UnknownSymbol Label | 01
// DuplicateLabel Label | 02 TypeMismatch SomeObjectType SomeObjectType.
func EncodeLinkError(e *binary.Encoder, x LinkError) {
	switch x.Kind {
	case UnknownSymbol, DuplicateLabel:
		e.PutTag(uint8(x.Kind))
		EncodeLabel(e, x.Label)
	case TypeMismatch:
		e.PutTag(2)
		EncodeObjectType(e, x.Expected)
		EncodeObjectType(e, x.Actual)
	default:
		e.Failf("encode LinkError: invalid kind %d", x.Kind)
	}
}

// DecodeLinkError reads a LinkError.
func DecodeLinkError(d *binary.Decoder) (LinkError, error) {
	t, err := d.Tag("LinkError", 3)
	if err != nil {
		return LinkError{}, binary.Wrapf(err, "decode LinkError")
	}
	x := LinkError{Kind: LinkErrorKind(t)}
	if x.Kind == TypeMismatch {
		if x.Expected, err = DecodeObjectType(d); err != nil {
			return LinkError{}, binary.Wrapf(err, "decode TypeMismatch.expected")
		}
		if x.Actual, err = DecodeObjectType(d); err != nil {
			return LinkError{}, binary.Wrapf(err, "decode TypeMismatch.actual")
		}
		return x, nil
	}
	if x.Label, err = DecodeLabel(d); err != nil {
		return LinkError{}, binary.Wrapf(err, "decode LinkError.label")
	}
	return x, nil
}

// ImportErrorKind tells the ImportError constructors apart (wire tags).
type ImportErrorKind uint8

const (
	// ContinuationNotInStore: a MerkleizedCase names a contract that is
	// neither stored nor staged.
	ContinuationNotInStore ImportErrorKind = iota
	// ImportLinkError: the bundle failed to link.
	ImportLinkError
)

// ImportError is why an uploaded bundle was refused (Haskell
// Language.Marlowe.Protocol.Transfer.Types.ImportError); the server answers
// it with MsgUploadFailed and the import ends.
type ImportError struct {
	Kind ImportErrorKind
	// Hash is the missing continuation (ContinuationNotInStore).
	Hash ContractHash
	// Link is the linker's error (ImportLinkError).
	Link LinkError
}

// Error implements error.
func (e *ImportError) Error() string {
	switch e.Kind {
	case ContinuationNotInStore:
		return fmt.Sprintf("import: continuation %s not in store", hex.EncodeToString([]byte(e.Hash)))
	case ImportLinkError:
		return "import: " + e.Link.Error()
	}
	return fmt.Sprintf("import: error kind %d", e.Kind)
}

// Unwrap exposes the link error of an ImportLinkError.
func (e *ImportError) Unwrap() error {
	if e.Kind == ImportLinkError {
		return &e.Link
	}
	return nil
}

// EncodeImportError appends an ImportError: 00 ContinuationNotInStore
// ContractHash | 01 LinkError LinkError.
func EncodeImportError(e *binary.Encoder, x ImportError) {
	switch x.Kind {
	case ContinuationNotInStore:
		e.PutTag(0)
		EncodeContractHash(e, x.Hash)
	case ImportLinkError:
		e.PutTag(1)
		EncodeLinkError(e, x.Link)
	default:
		e.Failf("encode ImportError: invalid kind %d", x.Kind)
	}
}

// DecodeImportError reads an ImportError.
func DecodeImportError(d *binary.Decoder) (ImportError, error) {
	t, err := d.Tag("ImportError", 2)
	if err != nil {
		return ImportError{}, binary.Wrapf(err, "decode ImportError")
	}
	if t == 0 {
		h, err := DecodeContractHash(d)
		if err != nil {
			return ImportError{}, binary.Wrapf(err, "decode ContinuationNotInStore")
		}
		return ImportError{Kind: ContinuationNotInStore, Hash: h}, nil
	}
	l, err := DecodeLinkError(d)
	if err != nil {
		return ImportError{}, binary.Wrapf(err, "decode ImportError.LinkError")
	}
	return ImportError{Kind: ImportLinkError, Link: l}, nil
}
