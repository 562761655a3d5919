package main

import (
	"context"
	"flag"

	"github.com/marlowe-lite/marlowe-lite/contracts/specclient"
)

func runSpecClient(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("spec-client", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	timeout := fs.Duration("timeout", specclient.DefaultTimeout, "longest time spent on one request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return specclient.Serve(ctx, env.stdin, env.stdout, specclient.Options{Timeout: *timeout})
}
