package txjob_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/blinklabs-io/plutigo/data"
	"golang.org/x/crypto/blake2b"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// session runs Serve with h on the server end of a fresh Pipe and returns a
// client on the other end plus a function that waits for Serve to return.
// When Serve fails the pipe is closed, as the TCP server would close the
// connection after its failure frame.
func pipeSession(t *testing.T, h txjob.Handler) (*txjob.Client, func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, s := session.Pipe(txjob.NewMachine(), txjob.NewMachine())
	done := make(chan error, 1)
	go func() {
		err := txjob.Serve(ctx, s, h)
		if err != nil {
			s.Close()
		}
		done <- err
	}()
	wait := func() error {
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return txjob.NewClient(c), wait
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// TestClientServerBuildCommands runs each transaction-building command from
// the typed client to Serve and the in-memory handler, through real bytes
// (§4.5: commands with a Void status are answered with MsgSucceed or
// MsgFail at once).
func TestClientServerBuildCommands(t *testing.T) {
	mem := txjob.NewMemory()
	created := txjob.ContractCreated{Era: types.BabbageEraOnwardsConway, ContractId: types.ContractId{TxId: "c", TxIx: 1},
		Datum: datumCloseValue(), Assets: types.Assets{Ada: bi(2_000_000)}, TxBody: txCBOR5,
		SafetyErrors: []txjob.SafetyError{txjob.ContractHasNoRoles{}}}
	must(t, mem.SetOutcome(txjob.KindCreate, job.SucceededWith(created)))
	must(t, mem.SetOutcome(txjob.KindApplyInputs, job.FailedWith(txjob.TipAtGenesis{})))
	must(t, mem.SetOutcome(txjob.KindWithdraw, job.SucceededWith(txjob.WithdrawTx{TxBody: txCBOR5})))
	must(t, mem.SetOutcome(txjob.KindBurnRoleTokens, job.FailedWith(txjob.BurnNoTokens{})))

	c, wait := pipeSession(t, mem)
	res, cerr, err := c.Create(ctx(t), txjob.Create{Version: types.MarloweV1, Contract: binary.Either[core.Contract, types.DatumHash]{Left: core.Close{}}})
	if err != nil || cerr != nil {
		t.Fatalf("Create: %v / %v", cerr, err)
	}
	if res.ContractId != created.ContractId || res.Era != types.BabbageEraOnwardsConway || len(res.SafetyErrors) != 1 {
		t.Fatalf("Create result %+v", res)
	}
	must(t, wait())

	c, wait = pipeSession(t, mem)
	_, aerr, err := c.ApplyInputs(ctx(t), txjob.ApplyInputs{Version: types.MarloweV1, Inputs: mustInputs(t)})
	if err != nil || aerr != (txjob.TipAtGenesis{}) {
		t.Fatalf("ApplyInputs: %v / %v", aerr, err)
	}
	must(t, wait())

	c, wait = pipeSession(t, mem)
	w, werr, err := c.Withdraw(ctx(t), txjob.Withdraw{Version: types.MarloweV1, Payouts: []types.TxOutRef{{TxId: "p"}}})
	if err != nil || werr != nil || string(w.TxBody) != string(txCBOR5) {
		t.Fatalf("Withdraw: %+v %v / %v", w, werr, err)
	}
	must(t, wait())

	c, wait = pipeSession(t, mem)
	_, berr, err := c.BurnRoleTokens(ctx(t), txjob.BurnRoleTokens{Version: types.MarloweV1, Filter: txjob.RoleTokenFilterAny{}})
	if err != nil || berr != (txjob.BurnNoTokens{}) {
		t.Fatalf("BurnRoleTokens: %v / %v", berr, err)
	}
	must(t, wait())

	cmds := mem.Commands()
	if len(cmds) != 4 {
		t.Fatalf("handler saw %d commands, want 4", len(cmds))
	}
	if w, ok := cmds[2].(txjob.Withdraw); !ok || len(w.Payouts) != 1 || w.Payouts[0].TxId != "p" {
		t.Fatalf("handler saw %+v", cmds[2])
	}
}

// TestClientServerSubmit drives a Submit job through its statuses, a
// detach, a re-attach by transaction id and a final success (§4.5), and
// checks that the job id is the transaction's real id.
func TestClientServerSubmit(t *testing.T) {
	mem := txjob.NewMemory()
	sub := txjob.Submit{Era: types.BabbageEraOnwardsConway, Tx: txCBOR5}
	sum := blake2b.Sum256([]byte{0xa0}) // the body of [{}, {}, true, null]
	txId := types.TxId(sum[:])

	c, wait := pipeSession(t, mem)
	p, err := c.Submit(ctx(t), sub)
	if err != nil || p.Done || p.Status != txjob.Submitting || p.Job.TxId != txId {
		t.Fatalf("Submit: %+v, %v", p, err)
	}
	must(t, mem.SetSubmitOutcome(txId, job.RunningWith(txjob.Accepted, nil)))
	if p, err = c.Poll(ctx(t)); err != nil || p.Done || p.Status != txjob.Accepted {
		t.Fatalf("Poll: %+v, %v", p, err)
	}
	must(t, c.Detach(ctx(t)))
	must(t, wait())

	block := types.BlockHeader{Slot: 100, Hash: "blockhash", Block: 50}
	must(t, mem.SetSubmitOutcome(txId, job.SucceededWith(block)))
	c, wait = pipeSession(t, mem)
	p, ok, err := c.AttachSubmit(ctx(t), txId)
	if err != nil || !ok || !p.Done || p.Err != nil || p.Block != block {
		t.Fatalf("AttachSubmit: %+v %v, %v", p, ok, err)
	}
	must(t, wait())

	c, wait = pipeSession(t, mem)
	if _, ok, err := c.AttachSubmit(ctx(t), "unknown"); err != nil || ok {
		t.Fatalf("AttachSubmit unknown: %v, %v", ok, err)
	}
	must(t, wait())

	// Resubmitting the same transaction reports the existing job.
	c, wait = pipeSession(t, mem)
	if p, err := c.Submit(ctx(t), sub); err != nil || !p.Done || p.Block != block {
		t.Fatalf("resubmit: %+v, %v", p, err)
	}
	must(t, wait())

	must(t, mem.SetSubmitOutcome(txId, job.FailedWith(txjob.SubmitFailed{Message: "BadInputsUTxO"})))
	c, wait = pipeSession(t, mem)
	if p, err := c.Submit(ctx(t), sub); err != nil || !p.Done || p.Err != (txjob.SubmitFailed{Message: "BadInputsUTxO"}) {
		t.Fatalf("failed submit: %+v, %v", p, err)
	}
	must(t, wait())

	// A well-formed CBOR item that is not a transaction fails the job.
	c, wait = pipeSession(t, mem)
	if p, err := c.Submit(ctx(t), txjob.Submit{Tx: []byte{0x01}}); err != nil || !p.Done || p.Err == nil {
		t.Fatalf("non-transaction submit: %+v, %v", p, err)
	}
	must(t, wait())
}

// TestServeHandlerFailures checks that handler failures and outcomes that
// do not fit the command end the session with an error from Serve (the
// transport turns it into a failure frame), never a panic or a wrong frame.
func TestServeHandlerFailures(t *testing.T) {
	mem := txjob.NewMemory()
	create := txjob.Create{Version: types.MarloweV1, Contract: binary.Either[core.Contract, types.DatumHash]{Left: core.Close{}}}

	c, wait := pipeSession(t, mem)
	if _, _, err := c.Create(ctx(t), create); !errors.Is(err, session.ErrClosed) {
		t.Fatalf("client error %v, want closed", err)
	}
	if err := wait(); err == nil || !strings.Contains(err.Error(), "no outcome configured for Create") {
		t.Fatalf("Serve error %v", err)
	}

	// A result of the wrong type cannot be encoded for the pending tag.
	must(t, mem.SetOutcome(txjob.KindCreate, job.SucceededWith(txjob.WithdrawTx{TxBody: txCBOR5})))
	c, wait = pipeSession(t, mem)
	if _, _, err := c.Create(ctx(t), create); err == nil {
		t.Fatal("client got an answer")
	}
	if err := wait(); err == nil || !strings.Contains(err.Error(), "unsupported type txjob.WithdrawTx") {
		t.Fatalf("Serve error %v", err)
	}

	// A running outcome for a command without status.
	c, wait = pipeSession(t, handlerFunc(func(context.Context, txjob.Command) (job.Job, error) {
		return job.Finished(job.RunningWith(txjob.Submitting, txjob.JobIdSubmit{})), nil
	}))
	if _, _, err := c.Create(ctx(t), create); err == nil {
		t.Fatal("client got an answer")
	}
	if err := wait(); err == nil || !strings.Contains(err.Error(), "MsgAwait job id of TagSubmit for pending command TagCreate") {
		t.Fatalf("Serve error %v", err)
	}

	if err := mem.SetOutcome(txjob.KindSubmit, job.SucceededWith(types.BlockHeader{})); err == nil {
		t.Fatal("SetOutcome accepted Submit")
	}
	if err := mem.SetOutcome(txjob.KindCreate, job.RunningWith(txjob.Submitting, nil)); err == nil {
		t.Fatal("SetOutcome accepted a running outcome")
	}
	if err := mem.SetSubmitOutcome("nope", job.SucceededWith(types.BlockHeader{})); err == nil {
		t.Fatal("SetSubmitOutcome accepted an unknown job")
	}

	// A cancelled context stops the handler.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := mem.Exec(cancelled, create); err == nil {
		t.Fatal("Exec ignored a cancelled context")
	}
}

// handlerFunc is a Handler whose Exec is f and which knows no jobs.
type handlerFunc func(context.Context, txjob.Command) (job.Job, error)

func (f handlerFunc) Exec(ctx context.Context, cmd txjob.Command) (job.Job, error) {
	return f(ctx, cmd)
}

func (handlerFunc) Attach(context.Context, txjob.JobIdSubmit) (job.Job, bool, error) {
	return nil, false, nil
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustInputs(t *testing.T) data.PlutusData {
	t.Helper()
	pd, err := txjob.InputsToData([]core.Input{{Content: core.INotify{}}})
	must(t, err)
	return pd
}

// TestTxIdOf checks the transaction id of a ledger transaction: blake2b-256
// of the body's bytes exactly as they appear in the transaction.
func TestTxIdOf(t *testing.T) {
	tx := unhex(t, "84 a2 00 81 82 5820 "+strings.Repeat("11", 32)+" 00 02 1a 000f4240 a0 f5 f6")
	body := unhex(t, "a2 00 81 82 5820 "+strings.Repeat("11", 32)+" 00 02 1a 000f4240")
	want := blake2b.Sum256(body)
	got, err := txjob.TxIdOf(tx)
	if err != nil || got != types.TxId(want[:]) {
		t.Fatalf("TxIdOf = %x, %v", got, err)
	}
	for _, bad := range [][]byte{{0x80}, {0x01}, {0xff}, nil} {
		if _, err := txjob.TxIdOf(bad); err == nil {
			t.Errorf("TxIdOf(%x) succeeded", bad)
		}
	}
}

// TestMemoryConcurrentSessions runs Submit sessions for different
// transactions at once against one Memory (it serves many connections).
func TestMemoryConcurrentSessions(t *testing.T) {
	mem := txjob.NewMemory()
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			tx := []byte{0x84, 0xa1, 0x00, byte(i), 0xa0, 0xf5, 0xf6} // [{0: i}, {}, true, null]
			c, wait := pipeSession(t, mem)
			p, err := c.Submit(ctx(t), txjob.Submit{Tx: tx})
			if err == nil && p.Done {
				err = errors.New("submit finished at once")
			}
			if err == nil {
				err = c.Detach(ctx(t))
			}
			if err == nil {
				err = wait()
			}
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := len(mem.Commands()); got != n {
		t.Fatalf("%d commands recorded, want %d", got, n)
	}
}

// TestHostileLengths checks that absurd length and count prefixes are
// refused as short input before anything is allocated for them (§1.3: the
// decoder must not trust a length before the bytes have arrived).
func TestHostileLengths(t *testing.T) {
	huge := "7fffffffffffffff"
	tests := []struct {
		name string
		st   job.State
		k    txjob.CommandKind
		hex  string
	}{
		{"Withdraw payouts count", job.StInit, 0, "01 03" + v1 + emptyWallet + huge},
		{"Submit tx length", job.StInit, 0, "01 04 00" + huge},
		{"SubmitException character count", job.StCmd, txjob.KindSubmit, "03 04 00" + huge + "61"},
		{"CreateSafetyAnalysisFailed count", job.StCmd, txjob.KindCreate, "03 01" + v1 + "06" + huge},
		{"WalletAddresses extra addresses", job.StInit, 0, "01 05" + v1 + "0000000000000000" + huge},
		{"Accounts count", job.StInit, 0, "01 01" + v1 + "00" + emptyWallet + "00 00 0000000000000000 00" + huge},
	}
	for _, tc := range tests {
		m := machineAt(t, tc.st, tc.k)
		b := unhex(t, tc.hex)
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := session.DecodeMessage(m, b); err == nil || !binary.IsShort(err) {
				t.Fatalf("%s: got %v, want a short error", tc.name, err)
			}
		})
		if allocs > 40 {
			t.Errorf("%s: %v allocations for a rejected %d-byte message", tc.name, allocs, len(b))
		}
	}
}
