// Package transfer implements MarloweTransfer (wire-protocol.md §4.8):
// import and export of marlowe-object bundles (package object, §5.8).
//
// # States and messages (tags restart at 0 in every state)
//
//	StIdle (client)         00 MsgStartImport          → StCanUpload
//	                        01 MsgRequestExport hash   → StExport
//	                        02 MsgDone                 → StDone
//	StExport (server)       00 MsgStartExport          → StCanDownload
//	                        01 MsgContractNotFound     → StIdle
//	StCanUpload (client)    00 MsgUpload bundle        → StUpload
//	                        01 MsgImported             → StIdle
//	StUpload (server)       00 MsgUploaded map         → StCanUpload
//	                        01 MsgUploadFailed error   → StIdle
//	StCanDownload (client)  00 MsgDownload n           → StDownload
//	                        01 MsgCancel               → StIdle
//	StDownload (server)     00 MsgDownloaded bundle    → StCanDownload
//	                        01 MsgExported             → StIdle
//
// An import is MsgStartImport, any number of MsgUpload/MsgUploaded rounds
// (a bundle may refer to labels of earlier ones), then MsgImported, which
// commits the staged contracts. An export is MsgRequestExport, then
// MsgDownload n/MsgDownloaded rounds (at most n contracts each,
// dependencies first) until MsgExported.
//
// Machine is the pure session state machine; Serve drives the server over a
// Handler (StoreHandler implements it over an object.ContractStore with the
// Haskell semantics); Client is the typed client.
package transfer
