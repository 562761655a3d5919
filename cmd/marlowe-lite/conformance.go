package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/conformance"
)

func runConformance(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: marlowe-lite conformance [DIR]   (DIR: the shared/marlowe material, default ../shared/marlowe)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := "../shared/marlowe"
	switch fs.NArg() {
	case 0:
	case 1:
		dir = fs.Arg(0)
	default:
		fs.Usage()
		return errUsage
	}
	passed, failed := 0, 0
	for _, c := range conformance.Checks() {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		r, err := c.Run(dir)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		status := "ok"
		if r.Failed > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(env.stdout, "%-4s %-17s %5d passed %5d failed  %s\n", status, r.Check, r.Passed, r.Failed, time.Since(start).Round(time.Millisecond))
		for _, n := range r.Notes {
			fmt.Fprintf(env.stdout, "     %s\n", n)
		}
		for _, f := range r.Failures {
			fmt.Fprintf(env.stdout, "     failure: %s\n", f)
		}
		passed += r.Passed
		failed += r.Failed
	}
	fmt.Fprintf(env.stdout, "conformance: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return fmt.Errorf("%d conformance checks failed", failed)
	}
	return nil
}
