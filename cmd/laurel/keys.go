package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/laurel-badges/laurel/issuer"
)

const keysUsage = `Usage: laurel keys list --issuer ID [flags]
       laurel keys rotate --issuer ID [flags]

Lists an issuer's signing keys, or makes new ones (old public keys stay
published, so credentials they signed keep verifying). With the embedded
database, stop "laurel serve" first, or rotate through the API:
POST /api/v1/issuers/{id}/keys/rotate.

Flags (each also read from the environment variable shown):
`

// runKeys is "laurel keys list|rotate": it works on the database directly,
// with the same configuration as serve.
func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	m := NewMain(stdout, stderr)
	var issuerID string
	fs := flag.NewFlagSet("laurel keys", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.StringVar(&issuerID, "issuer", "", "the issuer's id (required)")
	m.Config.storageFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), keysUsage)
		printFlags(fs)
	}
	if len(args) == 0 || (args[0] != "list" && args[0] != "rotate") {
		fs.Usage()
		if len(args) > 0 && isHelp(args[0]) {
			return flag.ErrHelp
		}
		return fmt.Errorf("keys: say list or rotate")
	}
	cmd := args[0]
	if err := parseWithEnv(fs, args[1:], getenv); err != nil {
		return err
	}
	if issuerID == "" {
		return fmt.Errorf("keys %s: -issuer is required", cmd)
	}
	m.Config.LogLevel = "error"
	l, err := m.openData(ctx)
	if err != nil {
		return err
	}
	defer m.Close()
	svc := l.Issuing
	if _, err := l.Stores.Profiles.Profile(ctx, issuerID); err != nil {
		return err
	}
	var keys []*issuer.Key
	if cmd == "rotate" {
		keys, err = svc.RotateKeys(ctx, issuerID)
	} else {
		keys, err = svc.Keys(ctx, issuerID)
	}
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tUSE\tALG\tCURRENT\tCREATED\tURL")
	for _, k := range keys {
		current := issuer.Newest(keys, k.Use) == k
		printf(tw, "%s\t%s\t%s\t%v\t%s\t%s\n", k.ID, k.Use, k.Alg, current, k.CreatedAt.Format("2006-01-02 15:04"), l.URLs.Key(issuerID, k.ID))
	}
	return tw.Flush()
}
