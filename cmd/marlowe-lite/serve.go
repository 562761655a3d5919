package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/node/chain"
	"github.com/marlowe-lite/marlowe-lite/node/devnet"
	"github.com/marlowe-lite/marlowe-lite/service/daemon"
)

// serveFlag documents one flag with the environment variable that sets its
// default (named as in the Haskell runtime where it has one).
type serveFlag struct {
	name, env, def, usage string
}

var serveFlags = []serveFlag{
	{"node-socket", "CARDANO_NODE_SOCKET_PATH", "", "cardano-node's socket (unix path, or tcp:host:port)"},
	{"network", "CARDANO_TESTNET_MAGIC", "mainnet", "network: mainnet, preprod, preview, sanchonet or a magic number (the environment variable gives a magic)"},
	{"db", "MARLOWE_LITE_DB", "marlowe-lite.db", "Badger directory of the index (with --devnet: in memory unless given)"},
	{"host", "MARLOWE_RT_HOST", daemon.DefaultHost, "address the Marlowe Runtime protocol listens on"},
	{"port", "MARLOWE_RT_PORT", strconv.Itoa(daemon.DefaultPort), "port of the Marlowe Runtime protocol (marlowe-proxy's)"},
	{"log-format", "MARLOWE_LITE_LOG_FORMAT", "json", "log format: json or console"},
	{"log-level", "MARLOWE_LITE_LOG_LEVEL", "info", "log level: debug, info, warn, error"},
	{"start-point", "MARLOWE_LITE_START_POINT", "", "SLOT.HASH where an empty index starts following the chain"},
}

func runServe(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	vals := map[string]*string{}
	for _, f := range serveFlags {
		def := f.def
		if v, ok := os.LookupEnv(f.env); ok && v != "" {
			def = v
		}
		vals[f.name] = fs.String(f.name, def, fmt.Sprintf("%s (env %s)", f.usage, f.env))
	}
	fromOrigin := fs.Bool("from-origin", false, "follow the whole chain when the index is empty and no start point is set")
	useDevnet := fs.Bool("devnet", false, "run the in-process devnet (generated history, then a block per interval) instead of a node")
	devContracts := fs.Int("devnet-contracts", devnet.DefaultContracts, "devnet: contracts in the generated history")
	devBlocks := fs.Int("devnet-blocks", devnet.DefaultBlocks, "devnet: blocks in the generated history")
	devInterval := fs.Duration("devnet-interval", devnet.DefaultInterval, "devnet: time between new blocks (negative: none)")
	devSeed := fs.Uint64("devnet-seed", 1, "devnet: generator seed")
	devScripts := fs.String("scripts", os.Getenv("MARLOWE_LITE_SCRIPTS"),
		"devnet: directory of the Marlowe validators' text envelopes; given, the devnet validates and forges submitted transactions after the generated history (env MARLOWE_LITE_SCRIPTS)")
	devKeys := fs.String("devnet-keys", "", "devnet with --scripts: directory receiving the funded wallets' keys and addresses (default: a new temporary directory, logged)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })

	log, err := newLogger(env.stderr, *vals["log-format"], *vals["log-level"])
	if err != nil {
		fmt.Fprintln(env.stderr, "serve:", err)
		return errUsage
	}
	log = log.With().Str("cmd", "serve").Logger()
	cfg := daemon.Config{NodeSocket: *vals["node-socket"], DB: *vals["db"], Host: *vals["host"],
		FromOrigin: *fromOrigin, Logger: log}
	if cfg.Port, err = strconv.Atoi(*vals["port"]); err != nil || cfg.Port < 0 || cfg.Port > 65535 {
		fmt.Fprintf(env.stderr, "serve: bad port %q\n", *vals["port"])
		return errUsage
	}
	if cfg.Network, cfg.Magic, err = parseNetwork(*vals["network"]); err != nil {
		fmt.Fprintln(env.stderr, "serve:", err)
		return errUsage
	}
	if sp := *vals["start-point"]; sp != "" {
		p, err := chain.ParsePoint(sp)
		if err != nil {
			fmt.Fprintln(env.stderr, "serve:", err)
			return errUsage
		}
		cfg.StartPoint = &p
	}
	if *useDevnet {
		cfg.Devnet = &devnet.Config{Seed: *devSeed, Contracts: *devContracts, Blocks: *devBlocks, Interval: *devInterval}
		if *devScripts != "" {
			keys := *devKeys
			if keys == "" {
				if keys, err = os.MkdirTemp("", "marlowe-lite-devnet-keys"); err != nil {
					return fmt.Errorf("serve: devnet keys directory: %w", err)
				}
			}
			log.Info().Str("keys", keys).Str("scripts", *devScripts).Msg("validating devnet: wallet keys")
			cfg.Devnet.Ledger = &devnet.LedgerConfig{ScriptsDir: *devScripts, KeysDir: keys, History: true}
		} else if *devKeys != "" {
			fmt.Fprintln(env.stderr, "serve: --devnet-keys needs --scripts")
			return errUsage
		}
		if !explicit["db"] && os.Getenv("MARLOWE_LITE_DB") == "" {
			cfg.DB = ""
		}
	} else if cfg.NodeSocket == "" {
		fmt.Fprintln(env.stderr, "serve: give --node-socket (or CARDANO_NODE_SOCKET_PATH), or --devnet")
		return errUsage
	}

	d, err := daemon.Start(ctx, cfg)
	if err != nil {
		return err
	}
	// The daemon stops when ctx ends (SIGINT, SIGTERM) or on a fatal error.
	err = d.Wait()
	if err == nil || errors.Is(err, context.Canceled) {
		log.Info().Msg("stopped")
		return nil
	}
	return err
}

// parseNetwork accepts what registry.ParseNetwork does, and any other
// magic number as a private testnet (testnet addresses).
func parseNetwork(s string) (registry.Network, uint32, error) {
	if n, err := registry.ParseNetwork(s); err == nil {
		return n, 0, nil
	}
	m, err := strconv.ParseUint(s, 10, 32)
	if err != nil || m == 0 {
		return 0, 0, fmt.Errorf("bad network %q: a name (mainnet, preprod, preview, sanchonet) or a magic number", s)
	}
	return registry.Preview, uint32(m), nil
}
