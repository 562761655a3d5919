package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/objects"
	"github.com/marlowe-lite/marlowe-lite/service/query"
	"github.com/marlowe-lite/marlowe-lite/service/sync"
	"github.com/marlowe-lite/marlowe-lite/service/txjob"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// Version is what ReqStatus reports as the runtime version.
var runtimeVersion = types.Version{Branch: []int64{0, 1, 0}}

// DefaultGCInterval spaces the contract store's garbage collections.
const DefaultGCInterval = 10 * time.Minute

// handlers builds the sub-protocol handlers over the store and the node.
func (d *Daemon) handlers(nodeAddr string) (runtime.Handlers, error) {
	client, err := n2c.NewClient(n2c.Config{Network: d.network, Magic: d.magic, Address: nodeAddr,
		Logger: d.log.With().Str("component", "n2c-query").Logger()})
	if err != nil {
		return runtime.Handlers{}, fmt.Errorf("daemon: %w", err)
	}
	d.client = client
	d.clock = newNodeClock(client, 30*time.Second)
	st := &status{d: d}

	svc, err := sync.New(d.store, sync.Config{Network: d.network, Clock: d.clock,
		Logger: d.log.With().Str("component", "sync").Logger()})
	if err != nil {
		return runtime.Handlers{}, fmt.Errorf("daemon: %w", err)
	}
	q, err := query.New(d.store, d.network, st, d.log.With().Str("component", "query").Logger())
	if err != nil {
		return runtime.Handlers{}, fmt.Errorf("daemon: %w", err)
	}
	if d.objs, err = kv.NewObjects(d.store, kv.ObjectOptions{}); err != nil {
		return runtime.Handlers{}, fmt.Errorf("daemon: %w", err)
	}
	oh, err := objects.New(d.objs, objects.Options{})
	if err != nil {
		return runtime.Handlers{}, fmt.Errorf("daemon: %w", err)
	}
	// Reference scripts: the validating devnet's genesis outputs, or the
	// registry's publications on a real network.
	var scripts txjob.ScriptSource = txjob.RegistryScripts(registry.New(), d.network)
	if d.net != nil && d.net.Ledger() != nil {
		scripts = txjob.LedgerScripts(d.net.Ledger())
	}
	if d.txjob, err = txjob.New(txjob.Config{Node: client, Store: d.store, Scripts: scripts, Objects: d.objs,
		Network: d.network, Logger: d.log.With().Str("component", "txjob").Logger()}); err != nil {
		return runtime.Handlers{}, fmt.Errorf("daemon: %w", err)
	}
	return runtime.Handlers{
		Sync: svc.MarloweSync(), HeaderSync: svc.HeaderSync(), BulkSync: svc.BulkSync(),
		Query: q, Load: oh.Load, Transfer: oh.Transfer, ContractQuery: oh.ContractQuery,
		TxJob: d.txjob,
	}, nil
}

// status answers ReqStatus from the follower and the node's clock.
type status struct{ d *Daemon }

func (s *status) SlotToTime(slot uint64) (time.Time, error) { return s.d.clock.SlotToTime(slot) }

func (s *status) SystemStart() (time.Time, error) {
	// Slot 0 starts at the system start in every era history.
	return s.d.clock.SlotToTime(0)
}

func (s *status) ChainTips(context.Context) (node, chain types.ChainPoint, err error) {
	if t, ok := s.d.progress.NodeTip(); ok {
		node = view.Point(kv.BlockRef{Slot: t.Point.Slot, Hash: t.Point.Hash, Number: t.BlockNumber}, true)
	}
	if b, ok := s.d.progress.Last(); ok {
		chain = view.Point(kv.BlockRef{Slot: b.Point.Slot, Hash: b.Point.Hash, Number: b.Number}, true)
	}
	return node, chain, nil
}

func (s *status) RuntimeVersion() types.Version { return runtimeVersion }

// NetworkId is the id clients must build for: mainnet, or the testnet
// magic actually in use (the devnet's own).
func (s *status) NetworkId() types.NetworkId {
	if s.d.network.IsMainnet() && s.d.magic == 0 {
		return types.NetworkId{}
	}
	magic := s.d.magic
	if magic == 0 {
		magic = s.d.network.Magic()
	}
	return types.NetworkId{Testnet: true, Magic: magic}
}
