// Package mail sends Laurel's e-mail: the SMTP sender the outbox hands
// messages to, and the composer that makes them from templates.
package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// The settings this package reads, named in its errors.
const (
	SettingSMTPURL  = "LAUREL_SMTP_URL"
	SettingMailFrom = "LAUREL_MAIL_FROM"
)

// SMTPConfig is where and how to hand mail over, from LAUREL_SMTP_URL:
// smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465
// (TLS from the first byte).
type SMTPConfig struct {
	Host     string // a name or an IP address, without brackets
	Port     int
	Implicit bool // smtps: TLS from the first byte
	Username string
	Password string
}

// Loopback reports whether the server is on this machine: "localhost" or
// a loopback address. A name is not resolved, so that a name pointing
// elsewhere cannot pass for the machine itself.
func (c SMTPConfig) Loopback() bool {
	if strings.EqualFold(c.Host, "localhost") {
		return true
	}
	ip := net.ParseIP(c.Host)
	return ip != nil && ip.IsLoopback()
}

// Redacted is the URL with its password hidden, for logs.
func (c SMTPConfig) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}
	if c.Implicit {
		u.Scheme = "smtps"
	}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "xxxxx")
	}
	return u.String()
}

// ParseSMTPURL reads LAUREL_SMTP_URL strictly. Its errors name the setting
// and never repeat the password.
func ParseSMTPURL(raw string) (*SMTPConfig, error) {
	if strings.ContainsFunc(raw, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return nil, settingErr("has a space or a control character")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, settingErr("is not a URL such as smtp://user:password@mail.example.org:587")
	}
	c := &SMTPConfig{Port: 587}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.Implicit, c.Port = true, 465
	default:
		return nil, settingErr("must start with smtp:// or smtps://")
	}
	switch {
	case u.Opaque != "" || u.Host == "":
		return nil, settingErr("must name the mail server, as in smtp://mail.example.org:587")
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, settingErr("must have no path, query or fragment after the server")
	}
	if c.Host = u.Hostname(); c.Host == "" || !validHost(c.Host) {
		return nil, settingErr("names a server %q that is not a host name or an IP address", c.Host)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 || p[0] == '0' {
			return nil, settingErr("has a port %q that is not from 1 to 65535", p)
		}
		c.Port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, settingErr("has an empty port")
	}
	if err := c.credentials(u); err != nil {
		return nil, err
	}
	return c, nil
}

// credentials takes the user name and password, both or neither.
func (c *SMTPConfig) credentials(u *url.URL) error {
	if u.User == nil {
		return nil
	}
	c.Username = u.User.Username()
	c.Password, _ = u.User.Password()
	if c.Username == "" || c.Password == "" {
		return settingErr("must give both a user name and a password, or neither")
	}
	return nil
}

// validHost accepts an IP address or a DNS name of letters, digits,
// hyphens and dots.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// settingErr is an error about a setting, written as the sentence an
// operator reads: "LAUREL_SMTP_URL must … ."
func settingErr(format string, args ...any) error { return namedErr(SettingSMTPURL, format, args...) }

func namedErr(setting, format string, args ...any) error {
	return errors.New(setting + " " + fmt.Sprintf(format, args...) + ".")
}

// ParseFrom reads LAUREL_MAIL_FROM: an address, with a display name or
// without ("Laurel <badges@example.org>").
func ParseFrom(raw string) (*mail.Address, error) {
	a, err := mail.ParseAddress(raw)
	if err != nil || strings.ContainsAny(raw, "\r\n") {
		return nil, namedErr(SettingMailFrom, "%q is not an address such as \"Laurel <badges@example.org>\"", raw)
	}
	addr, err := badges.NormalizeEmail(a.Address)
	if err != nil {
		return nil, namedErr(SettingMailFrom, "has an address %q that is not valid", a.Address)
	}
	return &mail.Address{Name: badges.OneLine(a.Name), Address: addr}, nil
}
