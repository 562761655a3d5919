package transfer

import (
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

type state uint8

const (
	stIdle state = iota
	stExport
	stCanUpload
	stUpload
	stCanDownload
	stDownload
	stDone
)

// table is wire-protocol.md §4.8: states, then each message's tag (tags
// restart at 0 in every state), the state it is sent in and where it leads.
var table = session.NewTable("MarloweTransfer",
	[]session.StateSpec{
		stIdle:        {Name: "StIdle", Agency: session.Client},
		stExport:      {Name: "StExport", Agency: session.Server},
		stCanUpload:   {Name: "StCanUpload", Agency: session.Client},
		stUpload:      {Name: "StUpload", Agency: session.Server},
		stCanDownload: {Name: "StCanDownload", Agency: session.Client},
		stDownload:    {Name: "StDownload", Agency: session.Server},
		stDone:        {Name: "StDone", Agency: session.Nobody},
	},
	[]session.MessageSpec[state]{
		{Tag: 0, From: stIdle, To: stCanUpload, Codec: session.Bare[MsgStartImport]()},
		{Tag: 1, From: stIdle, To: stExport, Codec: session.Fields(encodeRequestExport, decodeRequestExport)},
		{Tag: 2, From: stIdle, To: stDone, Codec: session.Bare[MsgDone]()},
		{Tag: 0, From: stExport, To: stCanDownload, Codec: session.Bare[MsgStartExport]()},
		{Tag: 1, From: stExport, To: stIdle, Codec: session.Bare[MsgContractNotFound]()},
		{Tag: 0, From: stCanUpload, To: stUpload, Codec: session.Fields(encodeUpload, decodeUpload)},
		{Tag: 1, From: stCanUpload, To: stIdle, Codec: session.Bare[MsgImported]()},
		{Tag: 0, From: stUpload, To: stCanUpload, Codec: session.Fields(encodeUploaded, decodeUploaded)},
		{Tag: 1, From: stUpload, To: stIdle, Codec: session.Fields(encodeUploadFailed, decodeUploadFailed)},
		{Tag: 0, From: stCanDownload, To: stDownload, Codec: session.Fields(encodeDownload, decodeDownload)},
		{Tag: 1, From: stCanDownload, To: stIdle, Codec: session.Bare[MsgCancel]()},
		{Tag: 0, From: stDownload, To: stCanDownload, Codec: session.Fields(encodeDownloaded, decodeDownloaded)},
		{Tag: 1, From: stDownload, To: stIdle, Codec: session.Bare[MsgExported]()},
	})

func (s state) String() string { return table.Name(s) }

// Machine is a MarloweTransfer session (wire-protocol.md §4.8).
type Machine struct {
	session.Core[state]
}

func machineAt(s state) *Machine { return &Machine{session.At(table, s)} }

// NewMachine returns a machine in the initial state StIdle.
func NewMachine() *Machine { return machineAt(stIdle) }

// GoldenMachines returns one machine in each non-terminal state.
func GoldenMachines() []*Machine {
	ms := make([]*Machine, 0, int(stDone))
	for s := stIdle; s < stDone; s++ {
		ms = append(ms, machineAt(s))
	}
	return ms
}

func encodeRequestExport(e *binary.Encoder, m MsgRequestExport) { types.EncodeDatumHash(e, m.Hash) }

func decodeRequestExport(d *binary.Decoder) (MsgRequestExport, error) {
	h, err := types.DecodeDatumHash(d)
	if err != nil {
		return MsgRequestExport{}, binary.Wrap(err, "decode MsgRequestExport")
	}
	return MsgRequestExport{Hash: h}, nil
}

func encodeUpload(e *binary.Encoder, m MsgUpload) { object.EncodeObjectBundle(e, m.Bundle) }

func decodeUpload(d *binary.Decoder) (MsgUpload, error) {
	b, err := object.DecodeObjectBundle(d)
	if err != nil {
		return MsgUpload{}, binary.Wrap(err, "decode MsgUpload")
	}
	return MsgUpload{Bundle: b}, nil
}

func encodeUploaded(e *binary.Encoder, m MsgUploaded) {
	binary.EncodeMap(e, m.Hashes, object.CompareLabel, object.EncodeLabel, types.EncodeDatumHash)
}

func decodeUploaded(d *binary.Decoder) (MsgUploaded, error) {
	hs, err := binary.DecodeMap(d, object.CompareLabel, object.DecodeLabel, types.DecodeDatumHash)
	if err != nil {
		return MsgUploaded{}, binary.Wrap(err, "decode MsgUploaded")
	}
	return MsgUploaded{Hashes: hs}, nil
}

func encodeUploadFailed(e *binary.Encoder, m MsgUploadFailed) { object.EncodeImportError(e, m.Err) }

func decodeUploadFailed(d *binary.Decoder) (MsgUploadFailed, error) {
	ie, err := object.DecodeImportError(d)
	if err != nil {
		return MsgUploadFailed{}, binary.Wrap(err, "decode MsgUploadFailed")
	}
	return MsgUploadFailed{Err: ie}, nil
}

func encodeDownload(e *binary.Encoder, m MsgDownload) { e.PutNatural(m.N) }

func decodeDownload(d *binary.Decoder) (MsgDownload, error) {
	n, err := d.Natural()
	if err != nil {
		return MsgDownload{}, binary.Wrap(err, "decode MsgDownload")
	}
	return MsgDownload{N: n}, nil
}

func encodeDownloaded(e *binary.Encoder, m MsgDownloaded) { object.EncodeObjectBundle(e, m.Bundle) }

func decodeDownloaded(d *binary.Decoder) (MsgDownloaded, error) {
	b, err := object.DecodeObjectBundle(d)
	if err != nil {
		return MsgDownloaded{}, binary.Wrap(err, "decode MsgDownloaded")
	}
	return MsgDownloaded{Bundle: b}, nil
}
