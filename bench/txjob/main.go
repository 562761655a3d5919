// Command txjob measures transaction building over the Marlowe Runtime
// protocol (issue 6): the daemon runs in-process on the validating devnet
// (node/devnet with a ledger, the v5 validators as reference scripts), and
// clients build over TCP exactly as a Runtime client does — one TxJob
// session per command: dial, handshake, command, answer, close.
//
// Two scenarios, each with every client count of -clients:
//
//   - create: Create of the reference escrow contract (shared
//     reference-paths/escrow.paths) minting its three role tokens. Role
//     tokens use a native-script policy, so no Plutus script runs.
//   - apply: ApplyInputs of the escrow's first deposit on a contract that
//     was created, submitted and forged into a block once; the same deposit
//     is built again and again (never submitted). Each build evaluates the
//     Marlowe semantics validator (plutigo) to size its execution units.
//
// Every build's latency (dial to answer) is recorded; the table gives the
// median, p99 and maximum, builds per second over the scenario's wall time
// and the process CPU time per build (client and server together: they
// share the machine). At the end one of the measured deposit builds is
// signed and submitted, so that the ledger's phase-1 and phase-2 checks
// confirm the builds were real.
//
//	go run ./bench/txjob                           # 10 s per scenario, 1 and 8 clients
//	go run ./bench/txjob -duration 30s -clients 1,2,8
package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blinklabs-io/plutigo/data"
	"github.com/rs/zerolog"

	"github.com/marlowe-lite/marlowe-lite/contracts/conformance"
	"github.com/marlowe-lite/marlowe-lite/contracts/core"
	"github.com/marlowe-lite/marlowe-lite/node/devnet"
	"github.com/marlowe-lite/marlowe-lite/node/ledger"
	"github.com/marlowe-lite/marlowe-lite/protocol/binary"
	"github.com/marlowe-lite/marlowe-lite/protocol/client"
	prt "github.com/marlowe-lite/marlowe-lite/protocol/runtime"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/daemon"
)

// config is the command line.
type config struct {
	scripts   string
	paths     string
	duration  time.Duration
	clients   []int
	warmup    int
	seed      uint64
	contracts int
	blocks    int
	verbose   bool
}

func main() {
	var c config
	var clients string
	flag.StringVar(&c.scripts, "scripts", "../shared/marlowe/scripts", "directory of the Marlowe validators' text envelopes")
	flag.StringVar(&c.paths, "marlowe", "", "shared marlowe directory holding reference-paths/ (default: the parent of -scripts)")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "measured time per scenario and client count")
	flag.StringVar(&clients, "clients", "1,8", "comma-separated concurrent client counts")
	flag.IntVar(&c.warmup, "warmup", 3, "unmeasured builds of each kind before measuring (script decoding, caches)")
	flag.Uint64Var(&c.seed, "seed", 1, "devnet seed (wallet keys, generated history)")
	flag.IntVar(&c.contracts, "history-contracts", 200, "contracts of the generated history indexed before the ledger's blocks")
	flag.IntVar(&c.blocks, "history-blocks", 2000, "blocks of the generated history")
	flag.BoolVar(&c.verbose, "v", false, "log the daemon at info level")
	flag.Parse()
	var err error
	if c.clients, err = parseClients(clients); err != nil {
		fail(err)
	}
	if c.paths == "" {
		c.paths = filepath.Dir(filepath.Clean(c.scripts))
	}
	if c.duration <= 0 {
		fail(fmt.Errorf("-duration %v: must be positive", c.duration))
	}
	if err := run(c); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/txjob: FAILED:", err)
	os.Exit(1)
}

// parseClients reads "1,8".
func parseClients(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-clients %q: %q is not a positive count", s, f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-clients %q: no count", s)
	}
	return out, nil
}

// rig is the running daemon and what the scenarios build with.
type rig struct {
	d       *daemon.Daemon
	wallets []ledger.Wallet
	// contract is the escrow with its timeouts moved an hour ahead;
	// roleOwner maps each role to the wallet receiving its token.
	contract  core.Contract
	roles     []core.TokenName
	roleOwner map[core.TokenName]int
	// deposit is the first step's inputs, depositor the wallet holding
	// the depositing party's role token.
	deposit   data.PlutusData
	depositor int
}

func run(c config) error {
	ctx := context.Background()
	escrow, err := loadEscrow(c.paths)
	if err != nil {
		return err
	}
	maxClients := slices.Max(c.clients)
	// One creating wallet per client, and at least one per role besides
	// the setup's creator (wallet 0).
	wallets := max(maxClients, len(escrow.roles)+1)

	level := zerolog.WarnLevel
	if c.verbose {
		level = zerolog.InfoLevel
	}
	log := zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr, TimeFormat: time.TimeOnly}).Level(level).With().Timestamp().Logger()
	began := time.Now()
	d, err := daemon.Start(ctx, daemon.Config{Port: 0, Logger: log, Devnet: &devnet.Config{
		Seed: c.seed, Contracts: c.contracts, Blocks: c.blocks, Interval: -1,
		Ledger: &devnet.LedgerConfig{ScriptsDir: c.scripts, Wallets: wallets, History: true},
	}})
	if err != nil {
		return fmt.Errorf("start daemon: %w", err)
	}
	defer func() {
		if err := d.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "bench/txjob: daemon stopped with:", err)
		}
	}()
	r := &rig{d: d, wallets: d.Devnet().Ledger().Wallets(), contract: escrow.contract, roles: escrow.roles,
		roleOwner: map[core.TokenName]int{}}
	for i, role := range r.roles {
		r.roleOwner[role] = 1 + i%(len(r.wallets)-1)
	}
	if r.deposit, err = ptx.InputsToData(escrow.deposit.Inputs); err != nil {
		return fmt.Errorf("escrow deposit inputs: %w", err)
	}
	owner, ok := r.roleOwner[escrow.depositor]
	if !ok {
		return fmt.Errorf("escrow deposit by role %q, which the contract's roles %v lack", escrow.depositor, r.roles)
	}
	r.depositor = owner

	// A first ledger block at the wall clock's slot, so that the tip
	// (where built transactions' validity starts) is current; waiting for
	// it also waits for the history to be indexed.
	if err := r.forge(ctx); err != nil {
		return err
	}
	ready := time.Since(began)

	// The contract the deposits apply to: created, submitted, forged.
	cc, err := r.create(ctx, 0)
	if err != nil {
		return fmt.Errorf("setup create: %w", err)
	}
	if err := r.submit(ctx, cc.TxBody, r.wallets[0].Key); err != nil {
		return fmt.Errorf("setup create: %w", err)
	}
	contractID := cc.ContractId
	fmt.Fprintf(os.Stderr, "bench/txjob: daemon ready in %s (%d history contracts indexed, %d wallets); escrow %x#%d created\n",
		ready.Round(time.Millisecond), c.contracts, len(r.wallets), []byte(contractID.TxId), contractID.TxIx)

	// Warm-up: the first builds decode the validators and fill caches.
	var (
		lastMu    sync.Mutex
		lastApply ptx.InputsApplied
	)
	for range c.warmup {
		if _, err := r.create(ctx, 1); err != nil {
			return fmt.Errorf("warm-up create: %w", err)
		}
		if lastApply, err = r.apply(ctx, contractID); err != nil {
			return fmt.Errorf("warm-up apply: %w", err)
		}
	}

	scenarios := []struct {
		name  string
		build func(ctx context.Context, client int) error
	}{
		{"Create (escrow, 3 roles minted)", func(ctx context.Context, client int) error {
			_, err := r.create(ctx, client)
			return err
		}},
		{"ApplyInputs (escrow deposit)", func(ctx context.Context, _ int) error {
			ia, err := r.apply(ctx, contractID)
			if err == nil {
				lastMu.Lock()
				lastApply = ia
				lastMu.Unlock()
			}
			return err
		}},
	}
	var rows []result
	for _, sc := range scenarios {
		for _, n := range c.clients {
			fmt.Fprintf(os.Stderr, "bench/txjob: %s, %d client(s), %s ...\n", sc.name, n, c.duration)
			res, err := measure(ctx, n, c.duration, sc.build)
			if err != nil {
				return fmt.Errorf("%s with %d clients: %w", sc.name, n, err)
			}
			res.scenario, res.clients = sc.name, n
			rows = append(rows, res)
			fmt.Fprintf(os.Stderr, "bench/txjob:   %d builds, %.1f builds/s, p50 %s, p99 %s\n",
				res.builds, res.perSecond(), ms(res.quantile(0.5)), ms(res.quantile(0.99)))
		}
	}

	// The builds were real: the ledger accepts one of the measured
	// deposits (phase 1 and the semantics validator in phase 2).
	lastMu.Lock()
	body := lastApply.TxBody
	lastMu.Unlock()
	if err := r.submit(ctx, body, r.wallets[r.depositor].Key); err != nil {
		return fmt.Errorf("submitting a measured deposit build: %w", err)
	}
	report(os.Stdout, c, rows, len(r.wallets))
	return nil
}

// escrowPath is what the benchmark takes from the reference escrow paths.
type escrowPath struct {
	contract  core.Contract
	roles     []core.TokenName
	deposit   core.TransactionInput
	depositor core.TokenName
}

// loadEscrow reads the reference escrow paths: the contract (timeouts
// moved to start an hour from now, so every build is within them), the
// roles any path uses, and a first step that is a single role deposit.
func loadEscrow(dir string) (escrowPath, error) {
	var out escrowPath
	paths, err := conformance.LoadReferencePaths(dir)
	if err != nil {
		return out, fmt.Errorf("reference paths: %w", err)
	}
	seen := map[core.TokenName]bool{}
	role := func(p core.Party) {
		if p.Kind == core.RoleParty && !seen[p.Role] {
			seen[p.Role] = true
			out.roles = append(out.roles, p.Role)
		}
	}
	found := false
	for _, p := range paths {
		if p.File != "escrow.paths" || len(p.Steps) == 0 {
			continue
		}
		if out.contract == nil {
			out.contract = p.Contract
		}
		for _, s := range p.Steps {
			for _, in := range s.Input.Inputs {
				switch v := in.Content.(type) {
				case core.IDeposit:
					role(v.From)
				case core.IChoice:
					role(v.ID.Owner)
				}
			}
			for _, pay := range s.Output.Payments {
				if pay.To.Kind == core.PayeeParty {
					role(pay.To.Party)
				}
			}
		}
		first := p.Steps[0].Input
		if found || len(first.Inputs) != 1 {
			continue
		}
		if dep, ok := first.Inputs[0].Content.(core.IDeposit); ok && dep.From.Kind == core.RoleParty {
			out.deposit, out.depositor, found = first, dep.From.Role, true
		}
	}
	switch {
	case out.contract == nil:
		return out, fmt.Errorf("no escrow.paths under %s/reference-paths", dir)
	case !found:
		return out, errors.New("escrow.paths: no path starts with a single role deposit")
	}
	slices.Sort(out.roles)
	earliest := core.EarliestTimeout(out.contract)
	if earliest == nil {
		return out, errors.New("escrow contract has no timeout")
	}
	delta := new(big.Int).Sub(big.NewInt(time.Now().Add(time.Hour).UnixMilli()), earliest)
	out.contract = core.ShiftTimeouts(out.contract, delta)
	return out, nil
}

// dial opens one TxJob session, as a Runtime client does per command.
func (r *rig) dial(ctx context.Context) (*ptx.Client, func(), error) {
	c, closer, err := prt.DialTxJob(ctx, r.d.Addr(), client.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("dial TxJob: %w", err)
	}
	return c, func() { _ = closer.Close() }, nil
}

// create builds the escrow's creation from wallet w, minting each role to
// its owner's wallet.
func (r *rig) create(ctx context.Context, w int) (ptx.ContractCreated, error) {
	mint := ptx.Mint{}
	for _, role := range r.roles {
		mint[types.TokenName(role)] = ptx.MintRole{Recipients: map[ptx.Destination]*big.Int{
			{Kind: ptx.ToAddress, Address: types.Address(r.wallets[r.roleOwner[role]].Address)}: big.NewInt(1)}}
	}
	c, done, err := r.dial(ctx)
	if err != nil {
		return ptx.ContractCreated{}, err
	}
	defer done()
	cc, cerr, err := c.Create(ctx, ptx.Create{Version: types.MarloweV1,
		WalletAddresses: ptx.WalletAddresses{ChangeAddress: types.Address(r.wallets[w%len(r.wallets)].Address)},
		RoleTokens:      ptx.RoleTokensMint{Mint: mint}, Accounts: map[ptx.Account]types.Assets{},
		Contract: binary.Either[core.Contract, types.DatumHash]{Left: r.contract}})
	switch {
	case err != nil:
		return cc, fmt.Errorf("create: %w", err)
	case cerr != nil:
		return cc, fmt.Errorf("create refused: %#v", cerr)
	case len(cc.TxBody) == 0:
		return cc, errors.New("create: empty transaction")
	}
	return cc, nil
}

// apply builds the escrow's first deposit on contract id from the
// depositor's wallet.
func (r *rig) apply(ctx context.Context, id types.ContractId) (ptx.InputsApplied, error) {
	c, done, err := r.dial(ctx)
	if err != nil {
		return ptx.InputsApplied{}, err
	}
	defer done()
	ia, aerr, err := c.ApplyInputs(ctx, ptx.ApplyInputs{Version: types.MarloweV1,
		WalletAddresses: ptx.WalletAddresses{ChangeAddress: types.Address(r.wallets[r.depositor].Address)},
		ContractId:      id, Inputs: r.deposit})
	switch {
	case err != nil:
		return ia, fmt.Errorf("apply inputs: %w", err)
	case aerr != nil:
		return ia, fmt.Errorf("apply inputs refused: %#v", aerr)
	case len(ia.TxBody) == 0:
		return ia, errors.New("apply inputs: empty transaction")
	case ia.Output.ScriptOutput == nil:
		return ia, errors.New("apply inputs: the deposit closed the escrow, expected it to continue")
	}
	return ia, nil
}

// forge forges a ledger block and waits until the index has it.
func (r *rig) forge(ctx context.Context) error {
	blk, err := r.d.Devnet().Forge()
	if err != nil {
		return fmt.Errorf("forge: %w", err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		tip, ok, err := r.d.Store().Tip()
		if err != nil {
			return fmt.Errorf("index tip: %w", err)
		}
		if ok && tip.Number >= blk.Number {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("index stuck at block %d, forged %d", tip.Number, blk.Number)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// submit signs tx, submits it over TxJob, forges the block and polls the
// job until it reports the block.
func (r *rig) submit(ctx context.Context, tx []byte, keys ...ed25519.PrivateKey) error {
	signed, err := ledger.SignTx(tx, keys...)
	if err != nil {
		return err
	}
	c, done, err := r.dial(ctx)
	if err != nil {
		return err
	}
	defer done()
	p, err := c.Submit(ctx, ptx.Submit{Era: types.BabbageEraOnwardsConway, Tx: signed})
	switch {
	case err != nil:
		return fmt.Errorf("submit: %w", err)
	case p.Done:
		return fmt.Errorf("submit refused: %#v", p.Err)
	case p.Status != ptx.Accepted:
		return fmt.Errorf("submit: status %v, want accepted", p.Status)
	}
	if err := r.forge(ctx); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Minute)
	for !p.Done {
		if time.Now().After(deadline) {
			return errors.New("submit: the job never reported the block")
		}
		time.Sleep(5 * time.Millisecond)
		if p, err = c.Poll(ctx); err != nil {
			return fmt.Errorf("submit poll: %w", err)
		}
	}
	if p.Err != nil {
		return fmt.Errorf("submit failed: %#v", p.Err)
	}
	return nil
}

// result is one scenario at one client count.
type result struct {
	scenario  string
	clients   int
	builds    int
	wall      time.Duration
	latencies []time.Duration // sorted
	cpu       time.Duration
	cpuOK     bool
}

func (r result) perSecond() float64 { return float64(r.builds) / r.wall.Seconds() }

// quantile is the nearest-rank quantile q of the latencies.
func (r result) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.latencies))+0.999999) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// measure runs n clients, each building back to back until d has passed;
// builds started before the deadline finish and count. The first error
// stops every client and is returned.
func measure(ctx context.Context, n int, d time.Duration, build func(context.Context, int) error) (result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		lat      = make([][]time.Duration, n)
	)
	cpu0, cpuOK := processCPU()
	start := time.Now()
	deadline := start.Add(d)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				if err := build(ctx, i); err != nil {
					once.Do(func() { firstErr = fmt.Errorf("client %d: %w", i, err); cancel() })
					return
				}
				lat[i] = append(lat[i], time.Since(t))
			}
		}()
	}
	wg.Wait()
	res := result{wall: time.Since(start)}
	cpu1, ok := processCPU()
	res.cpu, res.cpuOK = cpu1-cpu0, cpuOK && ok
	if firstErr != nil {
		return res, firstErr
	}
	for _, l := range lat {
		res.latencies = append(res.latencies, l...)
	}
	slices.Sort(res.latencies)
	res.builds = len(res.latencies)
	if res.builds == 0 {
		return res, errors.New("no build finished")
	}
	return res, nil
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) }

// report prints the markdown section for bench/RESULTS.md.
func report(w *os.File, c config, rows []result, wallets int) {
	counts := make([]string, len(c.clients))
	for i, n := range c.clients {
		counts[i] = strconv.Itoa(n)
	}
	fmt.Fprintf(w, "\nCommand: `go run ./bench/txjob -duration %s -clients %s`\n\n", c.duration, strings.Join(counts, ","))
	fmt.Fprintf(w, "Machine: %d CPUs (GOMAXPROCS %d), %s/%s, %s%s. The daemon (validating devnet, index, TxJob server) and the "+
		"clients run in one process and share these cores; CPU ms/build is the whole process's user+system time per build.\n"+
		"Each build is one TxJob session over loopback TCP: dial, handshake, command, answer (latency measured up to the answer). "+
		"Index: %d generated history contracts; %d funded wallets; builds are never submitted (one deposit build is, at the end, and the ledger accepted it).\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), loadNote(),
		c.contracts, wallets)
	fmt.Fprintln(w, "| build | clients | builds | builds/s | p50 ms | p99 ms | max ms | CPU ms/build |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		cpu := "–"
		if r.cpuOK {
			cpu = ms(r.cpu / time.Duration(r.builds))
		}
		fmt.Fprintf(w, "| %s | %d | %d | %.1f | %s | %s | %s | %s |\n", r.scenario, r.clients, r.builds, r.perSecond(),
			ms(r.quantile(0.5)), ms(r.quantile(0.99)), ms(r.latencies[len(r.latencies)-1]), cpu)
	}
}

// loadNote is the 1-minute load average at the end of the run, where the
// system reports it (a shared machine makes wall times upper bounds).
func loadNote() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return ", load average " + f[0] + " at the end"
}
