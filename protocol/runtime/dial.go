package runtime

import (
	"context"
	"fmt"
	"io"

	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/handshake"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transfer"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// Dial opens one session of the sub-protocol that MsgRun byte run selects
// on the Marlowe Runtime at addr (host:port, 127.0.0.1:3700 by default on
// the server side): it connects, performs the handshake with
// opts.Signature (leave it empty for handshake.MarloweRuntimeSignature, the
// only signature a port-3700 server accepts), sends MsgRun and returns the
// session's Channel, validated by a fresh machine of that sub-protocol,
// with the connection to close once the session is over. ctx bounds the
// setup only; each call on the channel takes its own context.
//
// MsgRun has no reply, so a server that does not offer the sub-protocol is
// only noticed at the first exchange, as a *transport.PeerFailure. Errors
// of the handshake are those of client.NewConn.
func Dial(ctx context.Context, addr string, opts client.Options, run byte) (session.Channel, io.Closer, error) {
	m, err := NewMachine(run)
	if err != nil {
		return nil, nil, err
	}
	c, err := client.Dial(ctx, addr, opts)
	if err != nil {
		return nil, nil, err
	}
	ch, err := c.Run(ctx, run, m)
	if err != nil {
		_ = c.Close()
		name, _ := handshake.RunName(run)
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return ch, c, nil
}

// dialTyped is Dial followed by a sub-protocol's NewClient.
func dialTyped[C any](ctx context.Context, addr string, opts client.Options, run byte, newClient func(session.Channel) *C) (*C, io.Closer, error) {
	ch, closer, err := Dial(ctx, addr, opts, run)
	if err != nil {
		return nil, nil, err
	}
	return newClient(ch), closer, nil
}

// DialMarloweSync opens a MarloweSync session (follow one contract's
// history, §4.1).
func DialMarloweSync(ctx context.Context, addr string, opts client.Options) (*marlowesync.Client, io.Closer, error) {
	return dialTyped(ctx, addr, opts, handshake.RunMarloweSync, marlowesync.NewClient)
}

// DialMarloweHeaderSync opens a MarloweHeaderSync session (discover
// contract creations, §4.2).
func DialMarloweHeaderSync(ctx context.Context, addr string, opts client.Options) (*headersync.Client, io.Closer, error) {
	return dialTyped(ctx, addr, opts, handshake.RunMarloweHeaderSync, headersync.NewClient)
}

// DialMarloweBulkSync opens a MarloweBulkSync session (block-by-block
// Marlowe activity, §4.3).
func DialMarloweBulkSync(ctx context.Context, addr string, opts client.Options) (*bulksync.Client, io.Closer, error) {
	return dialTyped(ctx, addr, opts, handshake.RunMarloweBulkSync, bulksync.NewClient)
}

// DialMarloweQuery opens a MarloweQuery session (runtime queries, §4.4);
// it may carry any number of requests until Done.
func DialMarloweQuery(ctx context.Context, addr string, opts client.Options) (*marlowequery.Client, io.Closer, error) {
	return dialTyped(ctx, addr, opts, handshake.RunMarloweQuery, marlowequery.NewClient)
}

// DialTxJob opens a TxJob session (one transaction command, §4.5).
func DialTxJob(ctx context.Context, addr string, opts client.Options) (*txjob.Client, io.Closer, error) {
	return dialTyped(ctx, addr, opts, handshake.RunTxJob, txjob.NewClient)
}

// DialMarloweLoad opens a MarloweLoad session (upload one contract, §4.6);
// the server speaks first, which Client.Load expects.
func DialMarloweLoad(ctx context.Context, addr string, opts client.Options) (*load.Client, io.Closer, error) {
	return dialTyped(ctx, addr, opts, handshake.RunMarloweLoad, load.NewClient)
}

// DialContractQuery opens a ContractQuery session (contract store reads,
// §4.7).
func DialContractQuery(ctx context.Context, addr string, opts client.Options) (*contractquery.Client, io.Closer, error) {
	return dialTyped(ctx, addr, opts, handshake.RunContractQuery, contractquery.NewClient)
}

// DialMarloweTransfer opens a MarloweTransfer session (import and export
// of object bundles, §4.8).
func DialMarloweTransfer(ctx context.Context, addr string, opts client.Options) (*transfer.Client, io.Closer, error) {
	return dialTyped(ctx, addr, opts, handshake.RunMarloweTransfer, transfer.NewClient)
}
