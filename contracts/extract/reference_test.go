package extract

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/contracts/conformance"
	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/contracts/extract/txtest"
	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// TestReferencePathStates: every state of every reference trace (the start
// and the state after each transaction that leaves the contract open), with
// its contract, is created as a contract, round robin over the five
// versions, datum by hash or inline alternately. Each creation must give back
// the datum byte for byte: 24 files of real contracts and states.
func TestReferencePathStates(t *testing.T) {
	paths, err := conformance.LoadReferencePaths(shared.Path(t, "marlowe"))
	if err != nil {
		t.Fatal(err)
	}
	versions := registry.Versions()
	x := New(registry.New())
	n := 0
	for _, p := range paths {
		type snap struct {
			st core.State
			c  core.Contract
		}
		snaps := []snap{{p.State, p.Contract}}
		for _, s := range p.Steps {
			if _, closed := s.Output.Contract.(core.Close); !closed && s.Output.Error == nil {
				snaps = append(snaps, snap{s.Output.State, s.Output.Contract})
			}
		}
		for i, s := range snaps {
			v := versions[n%len(versions)]
			md := core.MarloweData{Params: core.MarloweParams{RolesCurrency: rolesCurrency(t)}, State: s.st, Contract: s.c}
			raw := mustEncode(t, md)
			tx := mustBuild(t, txtest.Create{
				Funding:   []TxOutRef{fundingRef(n)},
				Contracts: []txtest.MarloweOutput{{Address: semanticsAddr(t, v), Datum: md, Lovelace: 5_000_000, Inline: n%2 == 0}},
			})
			ev, err := x.Tx(decode(t, tx), 0, NewMemUTxO(nil))
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Created) != 1 || ev.Created[0].Version != v || !sameBytes(ev.Created[0].Output.Datum, raw) ||
				!sameBytes(mustEncode(t, ev.Created[0].Datum), raw) {
				t.Fatalf("%s path %d state %d: %+v %v", p.File, p.Index, i, ev.Created, ev.CreateRejected)
			}
			n++
		}
	}
	t.Logf("%d contract states created from %d reference paths", n, len(paths))
	// 142 path starts and 351 states left open by a transaction.
	if len(paths) != 142 || n != 493 {
		t.Errorf("%d paths, %d states; want 142 and 493", len(paths), n)
	}
}
