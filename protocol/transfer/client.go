package transfer

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Client is the client side of a MarloweTransfer session. The step methods
// (StartImport, Upload, Imported, RequestExport, Download, Cancel, Done)
// map one to one onto client messages; Import and Export run whole
// exchanges.
type Client struct {
	ch session.Channel
}

// NewClient returns a client over ch, whose machine must be in StIdle.
func NewClient(ch session.Channel) *Client { return &Client{ch: ch} }

// StartImport sends MsgStartImport.
func (c *Client) StartImport(ctx context.Context) error {
	return c.ch.Send(ctx, MsgStartImport{})
}

// Upload sends one bundle and returns the server's label → hash map. A
// refusal is returned as an *object.ImportError; the session is then back
// in StIdle (the import is over).
func (c *Client) Upload(ctx context.Context, b object.ObjectBundle) (map[object.Label]types.DatumHash, error) {
	if err := c.ch.Send(ctx, MsgUpload{Bundle: b}); err != nil {
		return nil, err
	}
	msg, err := c.ch.Recv(ctx)
	if err != nil {
		return nil, err
	}
	switch x := msg.(type) {
	case MsgUploaded:
		return x.Hashes, nil
	case MsgUploadFailed:
		e := x.Err
		return nil, &e
	}
	return nil, fmt.Errorf("transfer: unexpected %s after MsgUpload", msg.MessageName())
}

// Imported sends MsgImported: the server commits the import.
func (c *Client) Imported(ctx context.Context) error {
	return c.ch.Send(ctx, MsgImported{})
}

// Import runs a whole import of bundles (in order) and returns the union
// of the label → hash maps. On an *object.ImportError the import is over
// and nothing is stored.
func (c *Client) Import(ctx context.Context, bundles ...object.ObjectBundle) (map[object.Label]types.DatumHash, error) {
	if err := c.StartImport(ctx); err != nil {
		return nil, err
	}
	all := make(map[object.Label]types.DatumHash)
	for i, b := range bundles {
		hs, err := c.Upload(ctx, b)
		if err != nil {
			return nil, fmt.Errorf("transfer: bundle %d: %w", i, err)
		}
		for l, h := range hs {
			all[l] = h
		}
	}
	if err := c.Imported(ctx); err != nil {
		return nil, err
	}
	return all, nil
}

// RequestExport sends MsgRequestExport; found is false when the server
// answered MsgContractNotFound (the session is back in StIdle).
func (c *Client) RequestExport(ctx context.Context, root types.DatumHash) (found bool, err error) {
	if err := c.ch.Send(ctx, MsgRequestExport{Hash: root}); err != nil {
		return false, err
	}
	msg, err := c.ch.Recv(ctx)
	if err != nil {
		return false, err
	}
	switch msg.(type) {
	case MsgStartExport:
		return true, nil
	case MsgContractNotFound:
		return false, nil
	}
	return false, fmt.Errorf("transfer: unexpected %s after MsgRequestExport", msg.MessageName())
}

// Download asks for at most n contracts; more is false when the server
// answered MsgExported (the export is complete, the session back in
// StIdle).
func (c *Client) Download(ctx context.Context, n uint64) (b object.ObjectBundle, more bool, err error) {
	if err := c.ch.Send(ctx, MsgDownload{N: new(big.Int).SetUint64(n)}); err != nil {
		return nil, false, err
	}
	msg, err := c.ch.Recv(ctx)
	if err != nil {
		return nil, false, err
	}
	switch x := msg.(type) {
	case MsgDownloaded:
		return x.Bundle, true, nil
	case MsgExported:
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("transfer: unexpected %s after MsgDownload", msg.MessageName())
}

// Cancel abandons an export (MsgCancel).
func (c *Client) Cancel(ctx context.Context) error {
	return c.ch.Send(ctx, MsgCancel{})
}

// Export runs a whole export of root in batches of batch contracts and
// returns every object received, dependencies first; found is false when
// the server does not have it.
func (c *Client) Export(ctx context.Context, root types.DatumHash, batch uint64) (object.ObjectBundle, bool, error) {
	if batch == 0 {
		return nil, false, errors.New("transfer: export batch size must be positive")
	}
	found, err := c.RequestExport(ctx, root)
	if err != nil || !found {
		return nil, found, err
	}
	var all object.ObjectBundle
	for {
		b, more, err := c.Download(ctx, batch)
		if err != nil {
			return nil, true, err
		}
		if !more {
			return all, true, nil
		}
		all = append(all, b...)
	}
}

// Done ends the session (MsgDone).
func (c *Client) Done(ctx context.Context) error {
	return c.ch.Send(ctx, MsgDone{})
}
