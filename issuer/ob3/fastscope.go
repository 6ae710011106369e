package ob3

import (
	"sync"

	"github.com/piprate/json-gold/ld"
)

// maxFastScopes bounds the contexts the fast path derives and keeps: a
// document under verification chooses its types, so the combinations it
// asks for are not ours to trust. Laurel's own documents need a handful.
const maxFastScopes = 256

// fastScope is an active context as the fast path walks a document:
// json-gold's processed context, and the context nested node objects
// return to. JSON-LD 1.1 type-scoped contexts apply to the properties of
// the typed node only; json-gold records that in a private field, so the
// fast path keeps its own record of it.
type fastScope struct {
	ctx  *ld.Context
	prev *fastScope // what nested node objects revert to; nil: this scope
}

// reverted is the scope a nested node object starts from.
func (s *fastScope) reverted() *fastScope {
	if s.prev != nil {
		return s.prev
	}
	return s
}

// scopeKey names a derived scope: the type-scoped context of term typ
// (looked up in entry, the node's starting scope) applied over acc, or with
// entry nil the property-scoped context of term typ applied over acc.
type scopeKey struct {
	acc, entry *fastScope
	typ        string
}

// fastScopes remembers the scopes derived so far, so each type-scoped
// context is processed once, not once per typed node. Safe for concurrent
// use.
type fastScopes struct {
	mu      sync.RWMutex
	tops    map[*ld.Context]*fastScope
	derived map[scopeKey]*fastScope
}

func newFastScopes() *fastScopes {
	return &fastScopes{tops: make(map[*ld.Context]*fastScope), derived: make(map[scopeKey]*fastScope)}
}

// top wraps a processed top-level context. Only contexts the loader caches
// come here, so their number is bounded by the loader's cache.
func (f *fastScopes) top(c *ld.Context) *fastScope {
	f.mu.RLock()
	s := f.tops[c]
	f.mu.RUnlock()
	if s != nil {
		return s
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if s = f.tops[c]; s == nil {
		s = &fastScope{ctx: c}
		if len(f.tops) < maxCachedContexts {
			f.tops[c] = s
		}
	}
	return s
}

// withType applies the type-scoped context of term typ, as defined in
// entry, over acc. ok is false when the fast path does not cover the
// context (it is not a plain context object, it sets @propagate, json-gold
// refuses it, or too many scopes exist already).
func (f *fastScopes) withType(acc, entry *fastScope, typ string) (*fastScope, bool) {
	td := entry.ctx.GetTermDefinition(typ)
	if td == nil || !td.HasContext {
		return acc, true
	}
	return f.derive(scopeKey{acc: acc, entry: entry, typ: typ}, td, acc.reverted())
}

// withProperty applies the property-scoped context of term key, as acc
// defines it, over acc. json-gold processes it allowing protected terms to
// be redefined; Parse does not, and where it refuses the fast path does not
// answer. Where it accepts, the definitions are the same.
func (f *fastScopes) withProperty(acc *fastScope, key string) (*fastScope, bool) {
	td := acc.ctx.GetTermDefinition(key)
	if td == nil || !td.HasContext {
		return acc, true
	}
	return f.derive(scopeKey{acc: acc, typ: key}, td, acc.prev)
}

// derive processes td's scoped context over key.acc once; prev is what
// nested node objects of the result revert to.
func (f *fastScopes) derive(key scopeKey, td *ld.TermDefinition, prev *fastScope) (*fastScope, bool) {
	f.mu.RLock()
	s := f.derived[key]
	f.mu.RUnlock()
	if s != nil {
		return s, true
	}
	local, isMap := td.Context.(map[string]any)
	if !isMap {
		return nil, false
	}
	if _, has := local["@propagate"]; has {
		return nil, false
	}
	// Parse propagates; the scope's prev records what json-gold's
	// non-propagating processing of a type-scoped context records as the
	// previous context.
	c, err := key.acc.ctx.Parse(local)
	if err != nil {
		return nil, false
	}
	s = &fastScope{ctx: c, prev: prev}
	f.mu.Lock()
	defer f.mu.Unlock()
	if prev := f.derived[key]; prev != nil {
		return prev, true
	}
	if len(f.derived) >= maxFastScopes {
		return nil, false
	}
	f.derived[key] = s
	return s, true
}
