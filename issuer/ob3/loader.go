package ob3

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/laurel-badges/laurel/assets"
	"github.com/piprate/json-gold/ld"
)

// ErrContextNotEmbedded is returned (wrapped) for a JSON-LD context URL that
// is not among the embedded contexts. Such a context is never fetched: a
// verifier that fetched contexts could be made to sign or accept data whose
// meaning an attacker controls.
var ErrContextNotEmbedded = errors.New("ob3: JSON-LD context is not embedded and is never fetched")

// contextMapFile lists the embedded contexts: context URL -> path relative to
// the contexts folder.
const contextMapFile = "context-map.json"

// maxCachedContexts bounds the processed-context cache, since the @context of
// a document being verified is chosen by whoever wrote it.
const maxCachedContexts = 32

// DocumentLoader is an offline JSON-LD document loader: it serves the
// embedded contexts from memory and refuses everything else. It also holds
// the processed form of the top-level contexts documents use, so each is
// processed once rather than once per document. Safe for concurrent use.
type DocumentLoader struct {
	docs map[string]any // context URL -> parsed document; read-only

	// opts is shared by every JSON-LD call and never modified after
	// construction: processed contexts keep a pointer to it, and json-gold
	// reads SafeMode from there.
	opts *ld.JsonLdOptions

	cacheContexts bool // off only in benchmarks that measure the cache
	mu            sync.RWMutex
	active        map[string]*ld.Context // contextKey -> processed top-level context

	fast *fastScopes  // the fast path's derived contexts
	iris *iriVerdicts // the fast path's IRI verdicts
	keys *checkedKeys // signing keys found consistent
}

// NewDocumentLoader builds a loader from the contexts embedded in
// assets.Contexts, parsing each file once.
func NewDocumentLoader() (*DocumentLoader, error) {
	root, err := fs.Sub(assets.Contexts, "contexts")
	if err != nil {
		return nil, fmt.Errorf("ob3: embedded contexts: %w", err)
	}
	raw, err := fs.ReadFile(root, contextMapFile)
	if err != nil {
		return nil, fmt.Errorf("ob3: embedded contexts: %w", err)
	}
	var index map[string]any
	if err := json.Unmarshal(raw, &index); err != nil {
		return nil, fmt.Errorf("ob3: %s: %w", contextMapFile, err)
	}

	l := &DocumentLoader{
		docs:          make(map[string]any, len(index)),
		cacheContexts: true,
		active:        make(map[string]*ld.Context),
		fast:          newFastScopes(),
		iris:          newIRIVerdicts(),
		keys:          newCheckedKeys(),
	}
	parsed := make(map[string]any) // file -> document, so aliases share one parse
	for url, v := range index {
		file, ok := v.(string)
		if !ok || strings.HasPrefix(url, "_") {
			continue // comment entries
		}
		file = path.Clean(file)
		doc, done := parsed[file]
		if !done {
			b, err := fs.ReadFile(root, file)
			if err != nil {
				return nil, fmt.Errorf("ob3: context %s: %w", url, err)
			}
			doc, err = ld.DocumentFromReader(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("ob3: context %s (%s): %w", url, file, err)
			}
			m, isMap := doc.(map[string]any)
			if _, hasCtx := m["@context"]; !isMap || !hasCtx {
				return nil, fmt.Errorf("ob3: context %s (%s) has no @context", url, file)
			}
			parsed[file] = doc
		}
		l.docs[url] = doc
	}

	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = l
	opts.SafeMode = true
	opts.Algorithm = ld.AlgorithmURDNA2015
	l.opts = opts
	return l, nil
}

// LoadDocument implements ld.DocumentLoader. It never touches the network.
func (l *DocumentLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.docs[u]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrContextNotEmbedded, u)
	}
	// Copies the two levels json-gold may write to (it merges an @import
	// into the loaded "@context" object), so the shared parsed documents
	// are never modified.
	return &ld.RemoteDocument{DocumentURL: u, Document: copyJSON(doc, 2)}, nil
}

// URLs returns the context URLs the loader serves.
func (l *DocumentLoader) URLs() []string {
	urls := make([]string, 0, len(l.docs))
	for u := range l.docs {
		urls = append(urls, u)
	}
	return urls
}

// activeContext returns the processed form of a document's top-level
// @context. Contexts made only of embedded URLs are processed once and cached;
// anything else (inline context objects) is processed on every call.
func (l *DocumentLoader) activeContext(local any) (*ld.Context, error) {
	key, cacheable := l.contextKey(local)
	if cacheable {
		l.mu.RLock()
		c := l.active[key]
		l.mu.RUnlock()
		if c != nil {
			return c, nil
		}
	}
	c, err := ld.NewContext(nil, l.opts).Parse(local)
	if err != nil {
		return nil, err
	}
	if cacheable {
		l.mu.Lock()
		if prev := l.active[key]; prev != nil {
			c = prev
		} else if len(l.active) < maxCachedContexts {
			l.active[key] = c
		}
		l.mu.Unlock()
	}
	return c, nil
}

// contextKey names a @context made only of embedded context URLs. The
// length prefixes keep two different lists from sharing a key.
func (l *DocumentLoader) contextKey(local any) (string, bool) {
	if !l.cacheContexts {
		return "", false
	}
	var urls []any
	switch v := local.(type) {
	case string:
		urls = []any{v}
	case []any:
		urls = v
	default:
		return "", false
	}
	if len(urls) == 0 {
		return "", false
	}
	var b strings.Builder
	for _, u := range urls {
		s, ok := u.(string)
		if !ok {
			return "", false
		}
		if _, embedded := l.docs[s]; !embedded {
			return "", false
		}
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	return b.String(), true
}
