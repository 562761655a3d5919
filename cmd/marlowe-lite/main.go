// Command marlowe-lite is a single-binary, low-footprint Marlowe Runtime.
//
// Usage:
//
//	marlowe-lite <command> [flags]
//
// Run `marlowe-lite help` for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// command is one subcommand of the binary.
type command struct {
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

// environment is what a command may touch: its streams and its logger.
type environment struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    zerolog.Logger
}

// errUsage marks errors that deserve exit status 2.
var errUsage = errors.New("usage")

func commands() map[string]command {
	return map[string]command{
		"spec-client": {"answer marlowe-spec-test requests on stdin/stdout", runSpecClient},
		"conformance": {"check the semantics and codecs against the shared Marlowe material", runConformance},
		"golden":      {"decode and re-encode a wire-protocol golden file: golden --protocol NAME FILE", runGolden},
		"version":     {"print the version", runVersion},
		"serve":       {"follow a node (or --devnet), index Marlowe and serve the Runtime protocol", runServe},
		"sign":        {"add vkey witnesses to a transaction: sign --key FILE… --tx FILE|-", runSign},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("marlowe-lite", flag.ContinueOnError)
	global.SetOutput(stderr)
	logFormat := global.String("log-format", "json", "log format: json or console")
	logLevel := global.String("log-level", "info", "log level: debug, info, warn, error")
	global.Usage = func() { usage(stderr) }
	if err := global.Parse(args); err != nil {
		return 2
	}
	args = global.Args()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		fmt.Fprintln(stderr, "marlowe-lite:", err)
		return 2
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "marlowe-lite: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, log: log.With().Str("cmd", args[0]).Logger()}
	if err := cmd.run(ctx, env, args[1:]); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			return 2
		}
		env.log.Error().Err(err).Msg("failed")
		return 1
	}
	return 0
}

func newLogger(w io.Writer, format, level string) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil {
		return zerolog.Logger{}, fmt.Errorf("bad -log-level %q", level)
	}
	switch format {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.RFC3339}
	default:
		return zerolog.Logger{}, fmt.Errorf("bad -log-format %q (json or console)", format)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: marlowe-lite [-log-format json|console] [-log-level L] <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, cmds[n].summary)
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func runVersion(_ context.Context, env *environment, _ []string) error {
	_, err := fmt.Fprintln(env.stdout, "marlowe-lite", version)
	return err
}
