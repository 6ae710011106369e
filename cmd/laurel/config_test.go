package main

import (
	"io"
	"strings"
	"testing"
	"time"
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

func TestConfig_ImportTimeout(t *testing.T) {
	parse := func(args []string, env map[string]string) (Config, error) {
		var c Config
		err := c.parse(args, func(k string) string { return env[k] }, io.Discard)
		return c, err
	}
	if c, err := parse(nil, nil); err != nil || c.ImportTimeout != 5*time.Minute {
		t.Fatalf("default: %v, %v; want 5m", c.ImportTimeout, err)
	}
	if c, err := parse(nil, map[string]string{"LAUREL_IMPORT_TIMEOUT": "12m"}); err != nil || c.ImportTimeout != 12*time.Minute {
		t.Fatalf("LAUREL_IMPORT_TIMEOUT=12m: %v, %v", c.ImportTimeout, err)
	}
	if _, err := parse([]string{"-import-timeout", "0s"}, nil); err == nil {
		t.Fatal("-import-timeout 0s was accepted")
	}
}

func TestConfig_BodyLimits(t *testing.T) {
	for _, args := range [][]string{
		{"-max-body-bytes", "1023"}, {"-max-image-bytes", "1023"},
		{"-max-body-bytes", "8388609"}, {"-max-image-bytes", "8388609"},
	} {
		var c Config
		if err := c.parse(args, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%s %s: %v, want an error naming the flag", args[0], args[1], err)
		}
	}
	var c Config
	if err := c.parse([]string{"-max-body-bytes", "8388608", "-max-image-bytes", "8388608"}, func(string) string { return "" }, io.Discard); err != nil {
		t.Errorf("8 MiB each: %v", err)
	}
}
