package verifier

import (
	"bytes"
	"testing"
)

func TestMemo(t *testing.T) {
	m := newMemo[int]()
	doc := []byte(`{"id":"a"}`)
	if _, ok := m.get(doc); ok {
		t.Fatal("an empty memo remembers something")
	}
	m.put(doc, 1)
	if v, ok := m.get(bytes.Clone(doc)); !ok || v != 1 {
		t.Fatalf("get = %d, %v; want 1, true", v, ok)
	}
	if _, ok := m.get([]byte(`{"id":"b"}`)); ok {
		t.Fatal("other content matched")
	}

	// Too large to keep at all.
	huge := bytes.Repeat([]byte("x"), memoBytes/4+1)
	m.put(huge, 2)
	if _, ok := m.get(huge); ok {
		t.Fatal("a document over a quarter of the bound was kept")
	}

	// Filling it past its bound starts it afresh.
	big := bytes.Repeat([]byte("y"), memoBytes/4)
	for i := range 5 {
		big[0] = byte('0' + i)
		m.put(big, i)
		if m.bytes > memoBytes {
			t.Fatalf("after %d puts the memo holds %d bytes, over %d", i+1, m.bytes, memoBytes)
		}
	}
	if _, ok := m.get(doc); ok {
		t.Fatal("the first entry survived the memo filling up")
	}
	if v, ok := m.get(big); !ok || v != 4 {
		t.Fatalf("the newest entry is gone: %d, %v", v, ok)
	}
}
