package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/server"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transfer"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// Handlers are the server-side handlers of the sub-protocols. A nil field
// (a nil interface, not an interface holding a nil pointer) leaves that
// sub-protocol out. Every handler is shared by all sessions of its
// sub-protocol and must be safe for concurrent use, as each package's
// Handler documentation requires.
type Handlers struct {
	Sync          marlowesync.Handler
	HeaderSync    headersync.Handler
	BulkSync      bulksync.Handler
	Query         marlowequery.Handler
	TxJob         txjob.Handler
	Load          load.Handler
	ContractQuery contractquery.Handler
	Transfer      transfer.Handler
}

// NewMachine returns a fresh session machine of the sub-protocol that MsgRun
// byte run selects, in its initial state, or an error for a byte outside
// 00..07. Server and client use the same machines.
func NewMachine(run byte) (session.Machine, error) {
	switch run {
	case handshake.RunMarloweSync:
		return marlowesync.NewMachine(), nil
	case handshake.RunMarloweHeaderSync:
		return headersync.NewMachine(), nil
	case handshake.RunMarloweQuery:
		return marlowequery.NewMachine(), nil
	case handshake.RunTxJob:
		return txjob.NewMachine(), nil
	case handshake.RunMarloweLoad:
		return load.NewMachine(), nil
	case handshake.RunContractQuery:
		return contractquery.NewMachine(), nil
	case handshake.RunMarloweTransfer:
		return transfer.NewMachine(), nil
	case handshake.RunMarloweBulkSync:
		return bulksync.NewMachine(), nil
	}
	return nil, fmt.Errorf("marlowe runtime: MsgRun %#02x selects no sub-protocol (00..07)", run)
}

// SubProtocols returns the server registrations of h's non-nil handlers,
// in MsgRun order.
func SubProtocols(h Handlers) []server.SubProtocol {
	var subs []server.SubProtocol
	subs = register(subs, handshake.RunMarloweSync, h.Sync, marlowesync.Serve)
	subs = register(subs, handshake.RunMarloweHeaderSync, h.HeaderSync, headersync.Serve)
	subs = register(subs, handshake.RunMarloweQuery, h.Query, marlowequery.Serve)
	subs = register(subs, handshake.RunTxJob, h.TxJob, txjob.Serve)
	subs = register(subs, handshake.RunMarloweLoad, h.Load, load.Serve)
	subs = register(subs, handshake.RunContractQuery, h.ContractQuery, contractquery.Serve)
	subs = register(subs, handshake.RunMarloweTransfer, h.Transfer, transfer.Serve)
	subs = register(subs, handshake.RunMarloweBulkSync, h.BulkSync, bulksync.Serve)
	return subs
}

// register appends the registration of sub-protocol run served by serve
// with handler h, unless h is nil.
func register[H comparable](subs []server.SubProtocol, run byte, h H, serve func(context.Context, session.Channel, H) error) []server.SubProtocol {
	var none H
	if h == none {
		return subs
	}
	name, _ := handshake.RunName(run)
	return append(subs, server.SubProtocol{
		Run:  run,
		Name: name,
		NewMachine: func() session.Machine {
			// run is one of the MsgRun constants, so this cannot fail.
			m, _ := NewMachine(run)
			return m
		},
		Serve: func(ctx context.Context, ch session.Channel) error { return serve(ctx, ch, h) },
	})
}

// NewServer returns a server for cfg that serves h's sub-protocols in
// addition to any already in cfg.SubProtocols (a MsgRun byte registered
// twice is an error). A server with no sub-protocol at all is an error: it
// could only refuse every session.
func NewServer(cfg server.Config, h Handlers) (*server.Server, error) {
	cfg.SubProtocols = append(slices.Clip(cfg.SubProtocols), SubProtocols(h)...)
	if len(cfg.SubProtocols) == 0 {
		return nil, errors.New("marlowe runtime: no sub-protocol handler given")
	}
	srv, err := server.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("marlowe runtime: %w", err)
	}
	return srv, nil
}
