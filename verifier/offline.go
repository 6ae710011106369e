package verifier

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// An offline folder stands in for the network: DIR/MANIFEST.json maps each
// URL to a file in DIR, and a URL it does not list cannot be fetched. It
// serves air-gapped verification and reproducible tests. The manifest is
// one JSON object; each value is a file name, or an object with the file
// and the media type it is served as:
//
//	{
//	  "https://example.org/credentials/1": "credential.json",
//	  "https://example.org/keys/1": {"file": "keys/1.json", "mediaType": "application/ld+json"}
//	}

// ManifestFile is the name of an offline folder's manifest.
const ManifestFile = "MANIFEST.json"

// Bounds on an offline manifest.
const (
	MaxManifestBytes   = 1 << 20
	MaxManifestEntries = 4096
)

// ManifestEntry is one document of an offline folder: a file inside it,
// with slashes, and its media type ("" when unknown).
type ManifestEntry struct {
	File      string `json:"file"`
	MediaType string `json:"mediaType,omitempty"`
}

// Offline answers a Fetcher's requests from a folder. It holds no open
// files: each document is read when asked for, inside the folder.
type Offline struct {
	dir      string
	docs     map[string]ManifestEntry // URL without fragment -> entry
	maxBytes int64
}

// OpenOffline reads DIR/MANIFEST.json and checks that every file it names
// is a regular file inside dir. Documents are read with the given size cap
// (0 means DefaultFetchMaxBytes).
func OpenOffline(dir string, maxBytes int64) (*Offline, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultFetchMaxBytes
	}
	data, err := readInRoot(dir, ManifestFile, MaxManifestBytes)
	if err != nil {
		return nil, badges.Errorf(badges.EINVALID, "The offline folder %s has no readable %s (%v)", dir, ManifestFile, err)
	}
	docs, err := ParseManifest(data)
	if err != nil {
		return nil, err
	}
	for _, u := range sortedKeys(docs) {
		if err := checkInRoot(dir, docs[u].File); err != nil {
			return nil, badges.Errorf(badges.EINVALID, "The offline manifest's file %q for %s cannot be used: %v", docs[u].File, u, err)
		}
	}
	return &Offline{dir: dir, docs: docs, maxBytes: maxBytes}, nil
}

// ParseManifest reads an offline manifest: URLs (absolute http or https,
// the fragment ignored) to files given as relative paths with slashes that
// stay inside the folder.
func ParseManifest(data []byte) (map[string]ManifestEntry, error) {
	if len(data) > MaxManifestBytes {
		return nil, badges.Errorf(badges.ETOOLARGE, "The offline manifest is larger than %d bytes", MaxManifestBytes)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return nil, badges.Errorf(badges.EINVALID, "The offline manifest is not a JSON object of URLs to files")
	}
	if len(raw) > MaxManifestEntries {
		return nil, badges.Errorf(badges.ETOOLARGE, "The offline manifest lists %d URLs; at most %d are read", len(raw), MaxManifestEntries)
	}
	docs := make(map[string]ManifestEntry, len(raw))
	for _, key := range sortedKeys(raw) {
		u, err := checkURL(key)
		if err != nil {
			return nil, badges.Errorf(badges.EINVALID, "The offline manifest lists %q, which is not an absolute http or https URL", clip(key, 120))
		}
		u.Fragment = ""
		e, err := manifestEntry(raw[key])
		if err != nil {
			return nil, badges.Errorf(badges.EINVALID, "The offline manifest's entry for %s %v", clip(key, 120), err)
		}
		if _, dup := docs[u.String()]; dup {
			return nil, badges.Errorf(badges.EINVALID, "The offline manifest lists %s twice", clip(u.String(), 120))
		}
		docs[u.String()] = e
	}
	return docs, nil
}

// manifestEntry reads one value of the manifest: a file name or an
// object; the error completes a sentence.
func manifestEntry(raw json.RawMessage) (ManifestEntry, error) {
	var e ManifestEntry
	if err := json.Unmarshal(raw, &e.File); err != nil {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return e, errors.New(`is neither a file name nor an object {"file", "mediaType"}`)
		}
	}
	if !localFile(e.File) {
		return e, fmt.Errorf("names the file %q, which is not a relative path inside the folder (with slashes, without ..)", clip(e.File, 120))
	}
	if e.MediaType == "" {
		e.MediaType = mediaTypeByExt[strings.ToLower(path.Ext(e.File))]
	}
	return e, nil
}

// localFile admits relative slash paths that cannot leave the folder.
func localFile(name string) bool {
	return name != "" && !strings.ContainsAny(name, "\\\x00:") && !path.IsAbs(name) &&
		path.Clean(name) == name && filepath.IsLocal(filepath.FromSlash(name))
}

// mediaTypeByExt are the media types of files a manifest gives without one.
var mediaTypeByExt = map[string]string{
	".json": "application/json", ".jsonld": "application/ld+json", ".jwt": "application/vc+jwt",
	".png": "image/png", ".svg": "image/svg+xml",
}

// document is a Fetcher's answer for u, which has no fragment.
func (o *Offline) document(u *url.URL) ([]byte, string, error) {
	e, ok := o.docs[u.String()]
	if !ok {
		return nil, "", couldNotFetch(u.String(), fmt.Errorf("%s is not in the offline folder", u))
	}
	body, err := readInRoot(o.dir, e.File, o.maxBytes)
	var tooLarge *tooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return nil, "", fmt.Errorf("the offline file for %s is larger than %d bytes", u, o.maxBytes)
	case err != nil:
		return nil, "", couldNotFetch(u.String(), fmt.Errorf("the offline file for %s cannot be read", u))
	}
	return body, e.MediaType, nil
}

// tooLargeError is a file over its size cap.
type tooLargeError struct{ max int64 }

func (e *tooLargeError) Error() string { return fmt.Sprintf("it is larger than %d bytes", e.max) }

// readInRoot reads a file inside dir, through os.Root so that neither ..
// nor a symbolic link can lead out of it, and no more than max bytes.
func readInRoot(dir, name string, max int64) ([]byte, error) {
	f, err := os.OpenInRoot(dir, filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &tooLargeError{max: max}
	}
	return b, nil
}

// checkInRoot checks that name is a regular file inside dir.
func checkInRoot(dir, name string) error {
	f, err := os.OpenInRoot(dir, filepath.FromSlash(name))
	if err != nil {
		return errors.New("it is missing, or lies outside the folder")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return errors.New("it is not a regular file")
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
