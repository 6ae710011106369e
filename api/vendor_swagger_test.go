package api

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/assets"
)

// TestVendoredSwaggerUIHashes: the committed Swagger UI files are the ones
// VENDORED.md pins, byte for byte, and the bundle is the version it names.
func TestVendoredSwaggerUIHashes(t *testing.T) {
	rows := vendored(t, "swagger-ui")
	for file, row := range map[string]string{
		"swagger-ui-bundle.js": "file sha256", "swagger-ui.css": "style sha256", "swagger-ui.LICENSE": "licence sha256",
		"swagger-ui.NOTICE": "notice sha256", "swagger-ui-bundle.js.LICENSE.txt": "third-party licences sha256",
	} {
		b, err := fs.ReadFile(assets.Static, "static/vendor/"+file)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got, want := hex.EncodeToString(sum[:]), rows[row]; got != want {
			t.Errorf("%s has SHA-256 %s; VENDORED.md pins %q", file, got, want)
		}
	}
	js, _ := fs.ReadFile(assets.Static, "static/vendor/swagger-ui-bundle.js")
	if v := rows["version"]; v == "" || !strings.Contains(string(js), `"`+v+`"`) {
		t.Errorf("swagger-ui-bundle.js is not the version VENDORED.md names, %q", v)
	}
}
