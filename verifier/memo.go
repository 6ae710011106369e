package verifier

import "sync"

// memoBytes bounds what one memo holds, counted in document bytes.
const memoBytes = 16 << 20

// tokenMemoBytes bounds the memo of read VC-JWTs: a decoded token takes
// several times its own size in memory, so it holds fewer bytes (about 400
// typical credentials).
const tokenMemoBytes = 2 << 20

// memo remembers what was read from a document, by the document's exact
// content. Every credential of an issuer points at the same key and status
// list documents; with a memo they are decoded once, not once per
// verification, and a changed document is simply a new entry. What a memo
// holds is shared: readers must not modify it.
type memo[T any] struct {
	mu           sync.RWMutex
	bytes, limit int
	m            map[string]T
}

func newMemo[T any]() *memo[T] { return newMemoOf[T](memoBytes) }

// newMemoOf makes a memo holding at most limit bytes of content.
func newMemoOf[T any](limit int) *memo[T] { return &memo[T]{limit: limit, m: make(map[string]T)} }

func (m *memo[T]) get(content []byte) (T, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.m[string(content)]
	return v, ok
}

// put remembers v for content. When the memo is full it starts afresh,
// which is cheap and keeps it bounded; the documents in use come back at
// once.
func (m *memo[T]) put(content []byte, v T) {
	if len(content) > m.limit/4 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bytes+len(content) > m.limit {
		clear(m.m)
		m.bytes = 0
	}
	if _, ok := m.m[string(content)]; !ok {
		m.bytes += len(content)
	}
	m.m[string(content)] = v
}
