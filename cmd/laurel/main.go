// Command laurel runs the Laurel Open Badges 3.0 service.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "laurel:", err)
			os.Exit(1)
		}
	}
}

const commands = `Usage: laurel <command> [flags]

Commands:
  serve     run the service (the default when no command is given)
  keys      list or rotate an issuer's signing keys
  load      measure bulk awarding end to end (load awards)
  help      show this help

Run "laurel serve --help" for the flags of serve.
`

// run dispatches a command line. Serving runs until ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "", "serve":
		if cmd == "" && len(args) > 0 && isHelp(args[0]) {
			fmt.Fprint(stdout, commands+"\n")
		}
		m := NewMain(stdout, stderr)
		if err := m.Config.parse(args, getenv, stdout); err != nil {
			return err
		}
		if err := m.Run(ctx); err != nil {
			_ = m.Close()
			return err
		}
		<-ctx.Done()
		return m.Close()
	case "keys":
		return runKeys(ctx, args, getenv, stdout, stderr)
	case "load":
		return runLoad(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, commands)
		return nil
	default:
		fmt.Fprint(stderr, commands)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" }
