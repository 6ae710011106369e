package main

import (
	"io"
	"strings"
	"testing"
)

func TestConfig_MemoryLimit(t *testing.T) {
	parse := func(args []string, env map[string]string) (Config, error) {
		var c Config
		err := c.parse(args, func(k string) string { return env[k] }, io.Discard)
		return c, err
	}
	if c, err := parse(nil, nil); err != nil || c.MemoryLimitMiB != defaultMemoryLimitMiB {
		t.Fatalf("default: %d MiB, %v; want %d", c.MemoryLimitMiB, err, defaultMemoryLimitMiB)
	}
	if c, err := parse(nil, map[string]string{"LAUREL_MEMORY_LIMIT": "512"}); err != nil || c.MemoryLimitMiB != 512 {
		t.Fatalf("LAUREL_MEMORY_LIMIT=512: %d, %v", c.MemoryLimitMiB, err)
	}
	if c, err := parse([]string{"-memory-limit", "0"}, nil); err != nil || c.MemoryLimitMiB != 0 {
		t.Fatalf("-memory-limit 0 (no limit): %d, %v", c.MemoryLimitMiB, err)
	}
	for _, bad := range []string{"10", "-1"} {
		if _, err := parse([]string{"-memory-limit", bad}, nil); err == nil || !strings.Contains(err.Error(), "-memory-limit") {
			t.Errorf("-memory-limit %s: %v, want an error naming the flag", bad, err)
		}
	}
}
