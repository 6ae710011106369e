package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

const verifyUsage = `Usage: laurel verify [flags] FILE|URL|-

Verifies an Open Badges 3.0 credential — a JSON or JWT file, a baked PNG or
SVG badge, a credential URL, or standard input (-) — and prints every check.

With -offline DIR, every document (the credential's URL, keys, DID and
controller documents, status lists) is read from the folder DIR instead of
the network: DIR/MANIFEST.json maps each URL to a file in DIR, e.g.
  {"https://example.org/issuers/1/keys/di-1": "key.json",
   "https://example.org/status/1/0": {"file": "status.json", "mediaType": "application/vc+ld+json"}}
and a URL it does not list cannot be fetched.

Exit codes:
  0  valid, or valid with warnings
  1  not valid: a check proved something wrong
  2  the input cannot be read, or a flag or the offline folder is wrong
  3  could not be checked: a document a check needs (the issuer's key, a
     status list, the credential's URL) could not be fetched

Flags:
`

// errNotValid makes the program exit 1 without more to say: the report
// has said it.
var errNotValid = errors.New("the credential is not valid")

// uncheckedError makes the program exit 3: the credential could not be
// checked, since a document it needs could not be fetched. Why is ""
// when the report has said it.
type uncheckedError struct{ why string }

func (e *uncheckedError) Error() string {
	if e.why == "" {
		return "the credential could not be checked"
	}
	return e.why
}

// runVerify is "laurel verify".
func runVerify(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("laurel verify", flag.ContinueOnError)
	fs.SetOutput(stdout)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	email := fs.String("email", "", "also check that this e-mail address is the recipient")
	loopback := fs.Bool("allow-loopback", false, "allow fetching from this machine (localhost), e.g. a Laurel you run locally; private networks stay refused")
	offline := fs.String("offline", "", "read every document from this folder, through its MANIFEST.json, never from the network")
	fs.Usage = func() { fmt.Fprint(stdout, verifyUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("verify: give one FILE, URL or -")
	}
	in, err := verifyInput(fs.Arg(0), stdin)
	if err != nil {
		return err
	}
	in.Email = *email
	loader, err := ob3.NewDocumentLoader()
	if err != nil {
		return err
	}
	fo := verifier.FetcherOptions{AllowLoopback: *loopback}
	if *offline != "" {
		if fo.Offline, err = verifier.OpenOffline(*offline, 0); err != nil {
			return errors.New(badges.ErrorMessage(err))
		}
	}
	v, err := verifier.New(verifier.Options{Loader: loader, Fetcher: verifier.NewFetcher(fo)})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	rep, err := v.Verify(ctx, in)
	if errors.Is(err, verifier.ErrUnreachable) {
		return &uncheckedError{why: badges.ErrorMessage(err)}
	}
	if err != nil {
		return err
	}
	if err := writeReport(stdout, rep, *asJSON, time.Now()); err != nil {
		return err
	}
	switch rep.Verdict {
	case verifier.Invalid:
		return errNotValid
	case verifier.Unchecked:
		return &uncheckedError{}
	}
	return nil
}

// verifyInput reads the argument: standard input, a URL or a file.
func verifyInput(arg string, stdin io.Reader) (verifier.Input, error) {
	const limit = 8 << 20
	switch {
	case arg == "-":
		data, err := io.ReadAll(io.LimitReader(stdin, limit+1))
		return verifier.Input{Data: data}, err
	case strings.HasPrefix(arg, "https://") || strings.HasPrefix(arg, "http://"):
		return verifier.Input{URL: arg}, nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return verifier.Input{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	return verifier.Input{Data: data}, err
}

// writeReport prints the report as text or as indented JSON. Everything in
// it but the verdict comes from the credential or the places it names, so
// both forms are escaped for a terminal.
func writeReport(w io.Writer, r *verifier.Report, asJSON bool, checked time.Time) error {
	if !asJSON {
		printReport(w, r, checked)
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(escapeJSON(b), '\n'))
	return err
}

var outcomeMark = map[verifier.Outcome]string{verifier.Pass: "✔", verifier.Fail: "✘", verifier.Warn: "!", verifier.Unreachable: "?", verifier.Skipped: "-"}

// verdictWords are the verdicts as the first line of the report says them.
var verdictWords = map[verifier.Verdict]string{verifier.Valid: "VALID", verifier.Warning: "VALID, with warnings",
	verifier.Invalid: "NOT VALID", verifier.Unchecked: "COULD NOT BE CHECKED"}

// printReport prints the verdict, the answer in the words of the verify
// page, what the credential says and every check.
func printReport(w io.Writer, r *verifier.Report, checked time.Time) {
	if r.Version == verifier.OpenBadges2 {
		printf(w, "%s (%s, Open Badges 2.0)\n", verdictWords[r.Verdict], r.Format)
	} else {
		printf(w, "%s (%s)\n", verdictWords[r.Verdict], r.Format)
	}
	plain := r.Plain(verifier.PlainOptions{Checked: checked})
	printf(w, "%s.\n", plain.Headline)
	if plain.Reason != "" {
		printf(w, "%s\n", plain.Reason)
	}
	c := r.Credential
	for _, line := range [][2]string{{"Badge", firstOf(c.AchievementName, c.Name)}, {"Issuer", c.IssuerName}, {"Issuer id", c.IssuerID},
		{"Credential", c.ID}, {"Issued", c.ValidFrom}, {"Valid until", c.ValidUntil}} {
		if line[1] != "" {
			printf(w, "  %-11s %s\n", line[0]+":", line[1])
		}
	}
	if r.RecipientMatched != nil {
		fmt.Fprintf(w, "  %-11s %v\n", "Recipient:", map[bool]string{true: "the e-mail address matches", false: "the e-mail address does NOT match"}[*r.RecipientMatched])
	}
	fmt.Fprintln(w, "Checks:")
	for _, ch := range r.Checks {
		printf(w, "  %s %-13s %s\n", outcomeMark[ch.Outcome], ch.ID, ch.Message)
	}
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
