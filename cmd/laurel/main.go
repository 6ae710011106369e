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
	os.Exit(exitCode(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr), os.Stderr))
}

// exitCode is 0 for success (and help), 1 for a negative answer (a
// credential that is not valid), 3 for no answer (a credential that could
// not be checked) and 2 for an error, which it prints.
func exitCode(err error, stderr io.Writer) int {
	var unchecked *uncheckedError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errNotValid):
		return 1
	case errors.As(err, &unchecked):
		if unchecked.why != "" {
			printf(stderr, "laurel: %s\n", unchecked.why)
		}
		return 3
	}
	printf(stderr, "laurel: %v\n", err)
	return 2
}

const commands = `Usage: laurel <command> [flags]

Commands:
  serve     run the service (the default when no command is given)
  keys      list or rotate an issuer's signing keys
  apikey    create an API key (an admin key when none is at hand)
  admin     create a console administrator, or print a link to set a password
  verify    verify an Open Badges 3.0 credential: file, URL or standard input
  demo      add the demo community to a database (serve --demo does it on an empty one)
  export    write everything in the database to an archive file (a backup)
  import    restore an archive into an empty database, embedded or MongoDB
  load      measure Laurel end to end (load awards|verify|pages|activities)
  help      show this help

Run "laurel serve --help" for the flags of serve.
`

// run dispatches a command line. Serving runs until ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
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
		m.getenv = getenv
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
	case "apikey":
		return runAPIKey(ctx, args, getenv, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args, getenv, stdout, stderr)
	case "demo":
		return runDemo(ctx, args, getenv, stdout, stderr)
	case "verify":
		return runVerify(ctx, args, stdin, stdout)
	case "export":
		return runExport(ctx, args, getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args, getenv, stdout, stderr)
	case "load":
		return runLoad(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, commands)
		return nil
	default:
		fmt.Fprint(stderr, commands)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" }
