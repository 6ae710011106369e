package main

import (
	"io"
	"strings"
	"testing"
)

func TestConfig_TrustedProxies(t *testing.T) {
	parse := func(t *testing.T, args []string, env map[string]string) (Config, error) {
		t.Helper()
		var c Config
		err := c.parse(args, func(k string) string { return env[k] }, io.Discard)
		return c, err
	}
	t.Run("none by default", func(t *testing.T) {
		c, err := parse(t, nil, nil)
		if err != nil || len(c.TrustedProxies) != 0 || c.VerifyInFlight != 2 {
			t.Fatalf("default: %v, %v, in flight %d", c.TrustedProxies, err, c.VerifyInFlight)
		}
	})
	t.Run("from the environment", func(t *testing.T) {
		c, err := parse(t, nil, map[string]string{"LAUREL_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,2001:db8::/32"})
		if err != nil || c.TrustedProxies.String() != "10.0.0.0/8,192.0.2.7/32,2001:db8::/32" {
			t.Fatalf("LAUREL_TRUSTED_PROXIES: %q, %v", c.TrustedProxies.String(), err)
		}
	})
	t.Run("bad network", func(t *testing.T) {
		_, err := parse(t, []string{"-trusted-proxies", "10.0.0.0/8,proxy.example"}, nil)
		if err == nil || !strings.Contains(err.Error(), "proxy.example") {
			t.Fatalf("-trusted-proxies proxy.example: %v", err)
		}
	})
}
