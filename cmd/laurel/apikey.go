package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

const apikeyUsage = `Usage: laurel apikey create [-name NAME] [-scope admin] [flags]

Creates an API key and prints its token once (only its hash is stored).
It is the way back in when no admin key is at hand: the command works on
the database directly, with the same configuration as serve. With the
embedded database, stop "laurel serve" first, or create keys through the
API: POST /api/v1/apikeys.

Flags (each also read from the environment variable shown):
`

// runAPIKey is "laurel apikey create".
func runAPIKey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	m := NewMain(stdout, stderr)
	var name string
	var scopes scopeList
	fs := flag.NewFlagSet("laurel apikey", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.StringVar(&name, "name", "", "what the key is for, e.g. \"recovery admin\" (default: when it was created)")
	fs.Var(&scopes, "scope", "a scope: admin, ingest or read; repeat it or separate scopes with commas (default admin)")
	fs.Var(&scopes, "scopes", "the same as -scope")
	m.Config.storageFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), apikeyUsage)
		printFlags(fs)
	}
	if len(args) == 0 || args[0] != "create" {
		fs.Usage()
		if len(args) > 0 && isHelp(args[0]) {
			return flag.ErrHelp
		}
		return failf(nil, "Say what to do with API keys: laurel apikey create -scope admin.")
	}
	if err := parseWithEnv(fs, args[1:], getenv); err != nil {
		return err
	}
	if len(scopes) == 0 {
		scopes = scopeList{badges.ScopeAdmin}
	}
	now := time.Now()
	if strings.TrimSpace(name) == "" {
		name = "Created on the command line on " + now.UTC().Format("2 January 2006")
	}
	k, token, err := badges.NewAPIKey(name, scopes, now)
	if err != nil {
		return err
	}
	m.Config.LogLevel = "error"
	l, err := m.openData(ctx)
	if err != nil {
		return stopServeFirst(err, "create the key")
	}
	defer m.Close()
	if err := l.Stores.APIKeys.CreateAPIKey(ctx, k); err != nil {
		return err
	}
	printf(stdout, "API key %s (%s, scopes %s), shown only this once; keep it safe:\n%s\n", k.ID, k.Name, scopes.String(), token)
	return nil
}

// scopeList is the value of -scope and -scopes: each use adds scopes,
// one or several separated by commas.
type scopeList []badges.Scope

func (l *scopeList) String() string {
	names := make([]string, len(*l))
	for i, s := range *l {
		names[i] = string(s)
	}
	return strings.Join(names, ",")
}

func (l *scopeList) Set(v string) error {
	for s := range strings.SplitSeq(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, badges.Scope(s))
		}
	}
	return nil
}
