package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/mail"
	"github.com/laurel-badges/laurel/badges"
)

// Config is everything `laurel serve` can be told, from flags or their
// LAUREL_* environment twins (a flag on the command line wins).
type Config struct {
	Addr            string
	BaseURL         string
	DataDir         string
	DataSync        string
	MongoURI        string
	MongoDatabase   string
	LogFormat       string
	LogLevel        string
	RequestTimeout  time.Duration
	ImportTimeout   time.Duration
	ShutdownTimeout time.Duration
	MaxBodyBytes    int64
	MaxImageBytes   int
	MasterKey       string
	VerifyRate      float64
	VerifyInFlight  int
	TrustedProxies  cidrList
	CORSOrigins     originList
	GCPercent       int
	MemoryLimitMiB  int // soft limit of the Go runtime's memory; 0 = none
	DebugAddr       string
	Demo            bool
	SMTPURL         string // where e-mail is handed over; empty keeps messages in the outbox
	MailFrom        string
	// Webhooks may reach receivers on loopback or private addresses only
	// when the operator says so.
	WebhookAllowLoopback bool
	WebhookAllowPrivate  bool
}

// maxUploadBytes bounds -max-body-bytes and -max-image-bytes: a JSON
// object or an image is read whole into memory, and none needs more than
// the largest body any route takes (a bulk award, 8 MiB).
const maxUploadBytes = 8 << 20

// defaultMemoryLimitMiB keeps a server at 100,000 credentials under
// 300 MiB resident under the page load: its live heap is 50-80 MiB, and
// -gc-percent 400 alone let the heap reach five times that. The embedded
// engine's SQLite memory and the program's code come on top, outside the
// Go runtime's count. minMemoryLimitMiB is below any working heap: a
// lower limit would only make the collector run without end.
const (
	defaultMemoryLimitMiB = 160
	minMemoryLimitMiB     = 64
)

// envName is the environment twin of a flag: -base-url → LAUREL_BASE_URL.
func envName(flagName string) string {
	return "LAUREL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (c *Config) flagSet(out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("laurel serve", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.Addr, "addr", ":8080", "address to listen on")
	c.storageFlags(fs)
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", 30*time.Second, "time limit of one request, except bulk awards and member imports (-import-timeout)")
	fs.DurationVar(&c.ImportTimeout, "import-timeout", 5*time.Minute, "time limit of one bulk award or member import")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long in-flight requests may finish on shutdown")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", 1<<20, "largest JSON request body, at most 8 MiB")
	fs.IntVar(&c.MaxImageBytes, "max-image-bytes", 1<<20, "largest badge or issuer image upload, at most 8 MiB")
	fs.Float64Var(&c.VerifyRate, "verify-rate", 10, "verifications a second each client address may make on the public verify page and API (bursts of 5×); 0 = no limit")
	fs.IntVar(&c.VerifyInFlight, "verify-in-flight", 2, "verifications each client address may have in progress at once on the public verify page and API; 0 = no limit")
	fs.Var(&c.TrustedProxies, "trusted-proxies", "comma-separated `CIDRs` of the reverse proxies in front of Laurel: only from them is X-Forwarded-For believed for a client's address (rate limits, logs); empty = the connection's address")
	fs.Var(&c.CORSOrigins, "cors-origins", "comma-separated exact `origins` (https://app.example.org) whose browser applications may call /api/v1/* with an API key; empty = none")
	fs.IntVar(&c.GCPercent, "gc-percent", 400, "Go garbage collector target (GOGC); verifying and issuing allocate a lot, and at Go's default of 100 a quarter of the CPU goes to collecting. A GOGC environment variable wins")
	fs.IntVar(&c.MemoryLimitMiB, "memory-limit", defaultMemoryLimitMiB, "soft limit, in MiB, of the memory the Go runtime holds (GOMEMLIMIT): the garbage collector runs more often near it rather than let -gc-percent grow the heap past it; 0 = no limit. A GOMEMLIMIT environment variable wins")
	fs.StringVar(&c.DebugAddr, "debug-addr", "", "address of a separate listener for Go's profiler (/debug/pprof/); empty = off. Never expose it publicly")
	fs.StringVar(&c.SMTPURL, "smtp-url", "", "mail server for e-mail: smtp://user:password@host:587 (STARTTLS, required unless the server is on loopback) or smtps://user:password@host:465; empty = messages are kept in the outbox, not sent")
	fs.StringVar(&c.MailFrom, "mail-from", "", `sender of e-mail, e.g. "Laurel <badges@example.org>"; required with -smtp-url`)
	fs.BoolVar(&c.WebhookAllowLoopback, "webhook-allow-loopback", false, "let webhooks reach receivers on this machine's loopback addresses (local development and tests)")
	fs.BoolVar(&c.WebhookAllowPrivate, "webhook-allow-private", false, "let webhooks reach receivers on private network addresses (10/8, 172.16/12, 192.168/16, fc00::/7); link-local stays refused")
	fs.BoolVar(&c.Demo, "demo", false, "on an empty database, add the demo: two communities with badges and members")
	fs.Usage = func() { printUsage(fs) }
	return fs
}

// storageFlags are the flags that say where Laurel's data and keys are,
// shared by serve and the commands that work on the data directly.
func (c *Config) storageFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.BaseURL, "base-url", "", "public origin used in every URL and credential id (default http://localhost:<port>)")
	fs.StringVar(&c.DataDir, "data-dir", "./data", "directory of the embedded database's files")
	fs.StringVar(&c.DataSync, "data-sync", "normal", "embedded database: normal (a write survives a crash of Laurel, but a power cut can lose the last writes) or full (every write waits for the disk; recording activity is about half as fast)")
	fs.StringVar(&c.MongoURI, "mongodb-uri", "", "MongoDB URI; when empty the embedded engine runs under -data-dir")
	fs.StringVar(&c.MongoDatabase, "mongodb-database", "laurel", "database name")
	fs.StringVar(&c.MasterKey, "master-key", "", "32-byte key (hex or base64) that encrypts signing keys at rest; default: the file master.key in -data-dir, created on first start")
}

// parse reads flags, then fills every flag not given on the command line
// from its environment twin.
func (c *Config) parse(args []string, getenv func(string) string, out io.Writer) error {
	if err := parseWithEnv(c.flagSet(out), args, getenv); err != nil {
		return err
	}
	switch {
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("-log-format must be text or json, not %q", c.LogFormat)
	case c.MaxBodyBytes < 1024 || c.MaxImageBytes < 1024 || c.MaxBodyBytes > maxUploadBytes || c.MaxImageBytes > maxUploadBytes:
		return fmt.Errorf("-max-body-bytes and -max-image-bytes must be from 1024 to %d", maxUploadBytes)
	case c.RequestTimeout <= 0 || c.ImportTimeout <= 0 || c.ShutdownTimeout <= 0:
		return fmt.Errorf("timeouts must be positive")
	case c.VerifyRate < 0 || c.VerifyInFlight < 0:
		return fmt.Errorf("-verify-rate and -verify-in-flight must not be negative")
	case c.GCPercent < 50:
		return fmt.Errorf("-gc-percent must be at least 50")
	case c.MemoryLimitMiB != 0 && c.MemoryLimitMiB < minMemoryLimitMiB:
		return fmt.Errorf("-memory-limit must be 0 (no limit) or at least %d MiB, not %d", minMemoryLimitMiB, c.MemoryLimitMiB)
	}
	_, err := c.mailSender()
	return err
}

// mailSender is the SMTP sender of -smtp-url and -mail-from; nil (mail not
// configured) when -smtp-url is empty.
func (c *Config) mailSender() (badges.Sender, error) {
	if c.SMTPURL == "" {
		return nil, nil
	}
	cfg, err := mail.ParseSMTPURL(c.SMTPURL)
	if err != nil {
		return nil, err
	}
	if c.MailFrom == "" {
		return nil, fmt.Errorf("%s is required with %s", mail.SettingMailFrom, mail.SettingSMTPURL)
	}
	from, err := mail.ParseFrom(c.MailFrom)
	if err != nil {
		return nil, err
	}
	return mail.NewSMTPSender(*cfg, *from, nil, nil), nil
}

// parseWithEnv parses flags, then fills every flag not given on the
// command line from its LAUREL_* environment twin.
func parseWithEnv(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && !given[f.Name] && err == nil {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, serr)
			}
		}
	})
	return err
}

func printUsage(fs *flag.FlagSet) {
	fmt.Fprintf(fs.Output(), "Usage: laurel [serve] [flags]\n\nRuns the Laurel Open Badges 3.0 service.\n\nFlags (each also read from the environment variable shown):\n")
	printFlags(fs)
}

// printFlags lists flags with their environment twins and defaults.
func printFlags(fs *flag.FlagSet) {
	w := fs.Output()
	fs.VisitAll(func(f *flag.Flag) {
		typ, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  -%s", f.Name)
		if typ != "" {
			fmt.Fprintf(w, " %s", typ)
		}
		fmt.Fprintf(w, "\n    \t%s (env %s)", usage, envName(f.Name))
		switch {
		case f.DefValue == "" || f.DefValue == "false" || f.DefValue == "0":
		case typ == "string":
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		default:
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// cidrList is a flag of comma-separated networks in CIDR notation; a bare
// address stands for itself alone.
type cidrList []*net.IPNet

func (l *cidrList) String() string {
	if l == nil {
		return ""
	}
	parts := make([]string, len(*l))
	for i, n := range *l {
		parts[i] = n.String()
	}
	return strings.Join(parts, ",")
}

func (l *cidrList) Set(v string) error {
	var nets cidrList
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if ip := net.ParseIP(part); ip != nil {
			part += map[bool]string{true: "/32", false: "/128"}[ip.To4() != nil]
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return fmt.Errorf("%q is not a network such as 10.0.0.0/8 or an address", part)
		}
		nets = append(nets, n)
	}
	*l = nets
	return nil
}

// originList is a flag of comma-separated origins; one that is not an
// origin (a path, a wildcard, no scheme) is an error naming it.
type originList []string

func (l *originList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *originList) Set(v string) error {
	var origins originList
	for _, part := range strings.Split(v, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		o, err := api.ParseOrigin(part)
		if err != nil {
			return err
		}
		origins = append(origins, o)
	}
	*l = origins
	return nil
}
