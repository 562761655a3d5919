package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/marlowe-lite/marlowe-lite/protocol/bulksync"
	"github.com/marlowe-lite/marlowe-lite/protocol/contractquery"
	"github.com/marlowe-lite/marlowe-lite/protocol/golden"
	"github.com/marlowe-lite/marlowe-lite/protocol/headersync"
	"github.com/marlowe-lite/marlowe-lite/protocol/load"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowequery"
	"github.com/marlowe-lite/marlowe-lite/protocol/marlowesync"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/transfer"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// goldenProtocols maps the sub-protocol names the golden command accepts to
// their session machines in every state a message can be sent in.
func goldenProtocols() map[string]func() []session.Machine {
	return map[string]func() []session.Machine{
		"MarloweSync":       func() []session.Machine { return machines(marlowesync.GoldenMachines()) },
		"MarloweHeaderSync": func() []session.Machine { return machines(headersync.GoldenMachines()) },
		"MarloweBulkSync":   func() []session.Machine { return machines(bulksync.GoldenMachines()) },
		"MarloweQuery":      func() []session.Machine { return machines(marlowequery.GoldenMachines()) },
		"ContractQuery":     func() []session.Machine { return machines(contractquery.GoldenMachines()) },
		"MarloweLoad":       func() []session.Machine { return machines(load.GoldenMachines()) },
		"MarloweTransfer":   func() []session.Machine { return machines(transfer.GoldenMachines()) },
		"TxJob":             func() []session.Machine { return machines(txjob.GoldenMachines()) },
	}
}

func machines[M session.Machine](ms []M) []session.Machine {
	out := make([]session.Machine, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

func protocolNames() string {
	var names []string
	for n := range goldenProtocols() {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func runGolden(_ context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("golden", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	proto := fs.String("protocol", "", "sub-protocol of the messages: "+protocolNames())
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: marlowe-lite golden --protocol NAME FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	states, ok := goldenProtocols()[*proto]
	if !ok || fs.NArg() != 1 {
		if !ok {
			fmt.Fprintf(env.stderr, "golden: unknown protocol %q (one of %s)\n", *proto, protocolNames())
		}
		fs.Usage()
		return errUsage
	}
	vectors, err := golden.ParseFile(fs.Arg(0))
	if err != nil {
		return err
	}
	passed, failures := golden.Check(vectors, states())
	for _, f := range failures {
		fmt.Fprintln(env.stdout, f)
	}
	fmt.Fprintf(env.stdout, "%d passed, %d failed\n", passed, len(failures))
	if len(failures) > 0 {
		return fmt.Errorf("%d of %d golden vectors failed", len(failures), len(vectors))
	}
	return nil
}
