package transfer

import (
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// MsgStartImport (client, StIdle tag 00 → StCanUpload) begins an import.
type MsgStartImport struct{}

// MsgRequestExport (client, StIdle tag 01 → StExport) asks to export the
// contract with this hash and everything it refers to.
type MsgRequestExport struct{ Hash types.DatumHash }

// MsgDone (client, StIdle tag 02 → StDone) ends the session.
type MsgDone struct{}

// MsgStartExport (server, StExport tag 00 → StCanDownload): the contract
// exists; download it in batches.
type MsgStartExport struct{}

// MsgContractNotFound (server, StExport tag 01 → StIdle): the contract, or
// one it refers to, is not in the store.
type MsgContractNotFound struct{}

// MsgUpload (client, StCanUpload tag 00 → StUpload) sends one bundle.
type MsgUpload struct{ Bundle object.ObjectBundle }

// MsgImported (client, StCanUpload tag 01 → StIdle) commits the import.
type MsgImported struct{}

// MsgUploaded (server, StUpload tag 00 → StCanUpload): for each contract
// object of the bundle, its label and the hash of the merkleized contract
// now staged.
type MsgUploaded struct {
	Hashes map[object.Label]types.DatumHash
}

// MsgUploadFailed (server, StUpload tag 01 → StIdle): the bundle was
// refused and the import is over.
type MsgUploadFailed struct{ Err object.ImportError }

// MsgDownload (client, StCanDownload tag 00 → StDownload) asks for the
// next batch of at most N contracts (a Natural).
type MsgDownload struct{ N *big.Int }

// MsgCancel (client, StCanDownload tag 01 → StIdle) abandons the export.
type MsgCancel struct{}

// MsgDownloaded (server, StDownload tag 00 → StCanDownload): the next
// batch, dependencies first, each contract labelled with its hash in hex.
type MsgDownloaded struct{ Bundle object.ObjectBundle }

// MsgExported (server, StDownload tag 01 → StIdle): nothing is left.
type MsgExported struct{}

// MessageName implements session.Message.
func (MsgStartImport) MessageName() string { return "MsgStartImport" }

// MessageName implements session.Message.
func (MsgRequestExport) MessageName() string { return "MsgRequestExport" }

// MessageName implements session.Message.
func (MsgDone) MessageName() string { return "MsgDone" }

// MessageName implements session.Message.
func (MsgStartExport) MessageName() string { return "MsgStartExport" }

// MessageName implements session.Message.
func (MsgContractNotFound) MessageName() string { return "MsgContractNotFound" }

// MessageName implements session.Message.
func (MsgUpload) MessageName() string { return "MsgUpload" }

// MessageName implements session.Message.
func (MsgImported) MessageName() string { return "MsgImported" }

// MessageName implements session.Message.
func (MsgUploaded) MessageName() string { return "MsgUploaded" }

// MessageName implements session.Message.
func (MsgUploadFailed) MessageName() string { return "MsgUploadFailed" }

// MessageName implements session.Message.
func (MsgDownload) MessageName() string { return "MsgDownload" }

// MessageName implements session.Message.
func (MsgCancel) MessageName() string { return "MsgCancel" }

// MessageName implements session.Message.
func (MsgDownloaded) MessageName() string { return "MsgDownloaded" }

// MessageName implements session.Message.
func (MsgExported) MessageName() string { return "MsgExported" }
