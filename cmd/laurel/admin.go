package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

const adminUsage = `Usage: laurel admin create -email EMAIL [-name NAME] [flags]
       laurel admin link -email EMAIL [flags]

create makes a service-wide console administrator (an owner of every
community, who may create communities and API keys) and prints the
one-time link to set its password. link prints a fresh link for an
account (a lost password); earlier links stop working. Links work for
72 hours, once.

The commands work on the database directly, with the same configuration
as serve. With the embedded database, stop "laurel serve" first.

Flags (each also read from the environment variable shown):
`

// runAdmin is "laurel admin create|link".
func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	m := NewMain(stdout, stderr)
	var email, name string
	fs := flag.NewFlagSet("laurel admin", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.StringVar(&email, "email", "", "the administrator's e-mail address (required)")
	fs.StringVar(&name, "name", "", "the administrator's name (create; default: the e-mail address before the @)")
	m.Config.storageFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), adminUsage)
		printFlags(fs)
	}
	if len(args) == 0 || args[0] != "create" && args[0] != "link" {
		fs.Usage()
		if len(args) > 0 && isHelp(args[0]) {
			return flag.ErrHelp
		}
		return failf(nil, "Say what to do: laurel admin create -email EMAIL, or laurel admin link -email EMAIL.")
	}
	if err := parseWithEnv(fs, args[1:], getenv); err != nil {
		return err
	}
	if strings.TrimSpace(email) == "" {
		return failf(nil, "Give the administrator's e-mail address: -email you@example.org.")
	}
	m.Config.LogLevel = "error"
	l, err := m.openData(ctx)
	if err != nil {
		return stopServeFirst(err, "run the command")
	}
	defer m.Close()
	base := strings.TrimSuffix(cmp.Or(m.Config.BaseURL, defaultBaseURL), "/")
	if args[0] == "create" {
		return adminCreate(ctx, l, base, email, name, stdout)
	}
	return adminLink(ctx, l, base, email, stdout)
}

// adminCreate makes a service administrator and prints its link.
func adminCreate(ctx context.Context, l *wire.Laurel, base, email, name string, stdout io.Writer) error {
	a, token, err := createServiceAdmin(ctx, l, email, name)
	if badges.ErrorCode(err) == badges.ECONFLICT {
		return failf(err, "There is an account for %s already; print a new link to set its password with: laurel admin link -email %s", email, email)
	}
	if err != nil {
		return err
	}
	printf(stdout, "Console administrator %s <%s> created. Set the password, within 72 hours, at:\n%s\n", a.Name, a.Email, passwordLink(base, token))
	return nil
}

// createServiceAdmin makes a service administrator, named after the
// e-mail address when no name is given.
func createServiceAdmin(ctx context.Context, l *wire.Laurel, email, name string) (*badges.Account, string, error) {
	if strings.TrimSpace(name) == "" {
		name, _, _ = strings.Cut(strings.TrimSpace(email), "@")
	}
	return l.Accounts.CreateAccount(ctx, badges.AccountInput{Email: email, Name: name, ServiceAdmin: true})
}

// adminLink prints a fresh set-password link for an account.
func adminLink(ctx context.Context, l *wire.Laurel, base, email string, stdout io.Writer) error {
	a, err := l.Accounts.AccountByEmail(ctx, email)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return failf(err, "There is no account for %s; make one with: laurel admin create -email %s", email, email)
	}
	if err != nil {
		return err
	}
	token, err := l.Accounts.PasswordLink(ctx, a.ID)
	if err != nil {
		return err
	}
	printf(stdout, "Set the password of %s <%s>, within 72 hours, at:\n%s\n", a.Name, a.Email, passwordLink(base, token))
	return nil
}

// passwordLink is the console page that sets a password with a token.
func passwordLink(base, token string) string { return base + "/admin/password/" + token }

// demoAdminEmail is the console administrator of the demo.
const demoAdminEmail = "admin@example.org"

// firstAdmin helps to the first console administrator while there is no
// account: it makes one for LAUREL_ADMIN_EMAIL, or for the demo, and
// prints its set-password link; otherwise it says how to make one.
func (m *Main) firstAdmin(ctx context.Context, baseURL string, l *wire.Laurel) error {
	some, err := l.Accounts.AnyAccount(ctx)
	if err != nil || some {
		return err
	}
	email := strings.TrimSpace(m.getenv("LAUREL_ADMIN_EMAIL"))
	if email == "" && m.Config.Demo {
		email = demoAdminEmail
	}
	if email == "" {
		fmt.Fprintln(m.stdout, "Create the first console administrator with: laurel admin create --email you@example.org")
		return nil
	}
	name := ""
	if email == demoAdminEmail {
		name = "Demo Community Manager" // pages say who did what: "Started by Demo Community Manager"
	}
	a, token, err := createServiceAdmin(ctx, l, email, name)
	if badges.ErrorCode(err) == badges.ECONFLICT {
		return nil // another process starting at the same time made it
	}
	if err != nil {
		return fmt.Errorf("create the first console administrator: %w", err)
	}
	printf(m.stdout, "Console administrator %s: set the password, within 72 hours, at %s\n", a.Email,
		passwordLink(strings.TrimSuffix(baseURL, "/"), token))
	return nil
}
