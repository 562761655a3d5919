package transfer

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/marlowe-lite/marlowe-lite/protocol/object"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Handler is what a MarloweTransfer server needs from the runtime: import
// sessions and exports. StoreHandler implements it over any
// object.ContractStore, with the Haskell import and export semantics.
type Handler interface {
	// BeginImport opens an import session (MsgStartImport).
	BeginImport(ctx context.Context) (Import, error)
	// BeginExport prepares the export of root and everything it refers to
	// (MsgRequestExport); found is false when root or any contract it
	// refers to is not stored (MsgContractNotFound).
	BeginExport(ctx context.Context, root types.DatumHash) (exp Export, found bool, err error)
}

// Import is one import session. Bundles are uploaded in order and may refer
// to labels of earlier bundles of the same session.
type Import interface {
	// Upload links and stages one bundle and returns, for each contract
	// object in it, its label and the hash of its merkleized form. A bundle
	// the runtime refuses yields an *object.ImportError (the server answers
	// MsgUploadFailed and the session is over); any other error is a server
	// failure.
	Upload(ctx context.Context, b object.ObjectBundle) (map[object.Label]types.DatumHash, error)
	// Commit stores everything staged by the session (MsgImported).
	Commit(ctx context.Context) error
	// Discard drops everything staged (failed or abandoned import).
	Discard(ctx context.Context) error
}

// Export is one export in progress.
type Export interface {
	// Next returns the next at most limit contracts of the export,
	// dependencies before the contracts that refer to them; an empty
	// bundle means the export is complete (MsgExported).
	Next(ctx context.Context, limit uint64) (object.ObjectBundle, error)
	// Close releases the export's resources.
	Close() error
}

// Serve drives the server side of one MarloweTransfer session over ch
// until the client sends MsgDone (nil) or something fails (the error). An
// import still open when the session fails is discarded.
func Serve(ctx context.Context, ch session.Channel, h Handler) error {
	for {
		msg, err := ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch x := msg.(type) {
		case MsgDone:
			return nil
		case MsgStartImport:
			if err := serveImport(ctx, ch, h); err != nil {
				return err
			}
		case MsgRequestExport:
			if err := serveExport(ctx, ch, h, x.Hash); err != nil {
				return err
			}
		default:
			return fmt.Errorf("transfer: unexpected %s in StIdle", msg.MessageName())
		}
	}
}

// serveImport runs StCanUpload/StUpload until the session is back in
// StIdle.
func serveImport(ctx context.Context, ch session.Channel, h Handler) error {
	imp, err := h.BeginImport(ctx)
	if err != nil {
		return fmt.Errorf("transfer: begin import: %w", err)
	}
	open := true
	defer func() {
		if open {
			_ = imp.Discard(context.WithoutCancel(ctx))
		}
	}()
	for {
		msg, err := ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch x := msg.(type) {
		case MsgImported:
			open = false
			if err := imp.Commit(ctx); err != nil {
				return fmt.Errorf("transfer: commit import: %w", err)
			}
			return nil
		case MsgUpload:
			hashes, err := imp.Upload(ctx, x.Bundle)
			var ie *object.ImportError
			if errors.As(err, &ie) {
				open = false
				if err := imp.Discard(ctx); err != nil {
					return fmt.Errorf("transfer: discard import: %w", err)
				}
				return ch.Send(ctx, MsgUploadFailed{Err: *ie})
			}
			if err != nil {
				return fmt.Errorf("transfer: upload: %w", err)
			}
			if hashes == nil {
				hashes = map[object.Label]types.DatumHash{}
			}
			if err := ch.Send(ctx, MsgUploaded{Hashes: hashes}); err != nil {
				return err
			}
		default:
			return fmt.Errorf("transfer: unexpected %s in StCanUpload", msg.MessageName())
		}
	}
}

// serveExport runs StExport and the download loop until StIdle.
func serveExport(ctx context.Context, ch session.Channel, h Handler, root types.DatumHash) error {
	exp, found, err := h.BeginExport(ctx, root)
	if err != nil {
		return fmt.Errorf("transfer: begin export: %w", err)
	}
	if !found {
		return ch.Send(ctx, MsgContractNotFound{})
	}
	defer exp.Close()
	if err := ch.Send(ctx, MsgStartExport{}); err != nil {
		return err
	}
	for {
		msg, err := ch.Recv(ctx)
		if err != nil {
			return err
		}
		switch x := msg.(type) {
		case MsgCancel:
			return nil
		case MsgDownload:
			// Haskell converts the Natural to Int (wrapping); a count
			// beyond uint64 simply means "everything left".
			n := uint64(math.MaxUint64)
			if x.N != nil && x.N.IsUint64() {
				n = x.N.Uint64()
			}
			b, err := exp.Next(ctx, n)
			if err != nil {
				return fmt.Errorf("transfer: export: %w", err)
			}
			if len(b) == 0 {
				return ch.Send(ctx, MsgExported{})
			}
			if err := ch.Send(ctx, MsgDownloaded{Bundle: b}); err != nil {
				return err
			}
		default:
			return fmt.Errorf("transfer: unexpected %s in StCanDownload", msg.MessageName())
		}
	}
}
