package mongodb

import "sync"

// maxKeyHolders bounds the key holders a member service remembers: about
// 100 bytes each.
const maxKeyHolders = 50000

// keyHolders remembers which member held a key (an e-mail address or an
// external id) when it was last read. It only saves a read: a member
// found through it is used only if their record still has the key's
// value, which no other member's record can have meanwhile (a key is
// claimed before a record takes its value and released after the record
// gives it up).
type keyHolders struct {
	mu      sync.Mutex
	holders map[string]string
}

func (h *keyHolders) get(key string) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id, ok := h.holders[key]
	return id, ok
}

func (h *keyHolders) put(key, memberID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.holders == nil || len(h.holders) >= maxKeyHolders {
		h.holders = map[string]string{}
	}
	h.holders[key] = memberID
}
