package main

import (
	"io"
	"strings"
	"testing"
)

func TestConfig_CORSOrigins(t *testing.T) {
	parse := func(env map[string]string) (Config, error) {
		var c Config
		err := c.parse(nil, func(k string) string { return env[k] }, io.Discard)
		return c, err
	}
	t.Run("none by default", func(t *testing.T) {
		c, err := parse(nil)
		if err != nil || len(c.CORSOrigins) != 0 {
			t.Fatalf("default: %v, %v", c.CORSOrigins, err)
		}
	})
	t.Run("from the environment", func(t *testing.T) {
		c, err := parse(map[string]string{"LAUREL_CORS_ORIGINS": "https://App.example.org, http://localhost:5173"})
		if err != nil || c.CORSOrigins.String() != "https://app.example.org,http://localhost:5173" {
			t.Fatalf("LAUREL_CORS_ORIGINS: %q, %v", c.CORSOrigins.String(), err)
		}
	})
	for _, bad := range []string{"https://app.example.org/", "app.example.org", "https://*.example.org", "ftp://files.example.org", "https://app.example.org/path"} {
		t.Run("malformed "+bad, func(t *testing.T) {
			_, err := parse(map[string]string{"LAUREL_CORS_ORIGINS": "https://ok.example.org," + bad})
			if err == nil || !strings.Contains(err.Error(), "LAUREL_CORS_ORIGINS") || !strings.Contains(err.Error(), `"`+bad+`"`) {
				t.Fatalf("LAUREL_CORS_ORIGINS=%s: %v", bad, err)
			}
		})
	}
}
