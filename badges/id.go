package badges

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"sort"
	"time"
)

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random, URL-safe identifier of 20 characters (96 bits),
// used for ids that appear in public URLs and so must not be guessable in
// sequence.
func NewID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether s has the shape of an id Laurel generates; it lets
// handlers refuse junk before it reaches the database.
func ValidID(s string) bool {
	if len(s) != 20 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// Pagination defaults and bounds.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// ListOptions selects one page of a list.
type ListOptions struct {
	Limit  int    // 1..MaxPageSize; 0 means DefaultPageSize
	Cursor string // opaque, from the previous page's NextCursor
}

// Normalize applies the default limit and checks the bounds.
func (o *ListOptions) Normalize() error {
	if o.Limit == 0 {
		o.Limit = DefaultPageSize
	}
	if o.Limit < 1 || o.Limit > MaxPageSize {
		return FieldErrorf("limit", "limit must be between 1 and %d", MaxPageSize)
	}
	return nil
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	Total      int
	NextCursor string
}

// SortKey orders list items by creation time, then id, so that pages stay
// stable while items are added.
func SortKey(created time.Time, id string) string {
	return fmt.Sprintf("%020d|%s", created.UnixNano(), id)
}

// EncodeCursor and DecodeCursor turn a sort key into an opaque cursor.
func EncodeCursor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// DecodeCursor reverses EncodeCursor, rejecting anything it did not make.
func DecodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 512 {
		return "", FieldErrorf("cursor", "cursor is not one this server issued")
	}
	return string(b), nil
}

// Paginate returns one page of items, which it sorts by key. It is for small
// collections that are read whole.
func Paginate[T any](items []T, key func(T) string, o ListOptions) (*Page[T], error) {
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	start := 0
	if o.Cursor != "" {
		after, err := DecodeCursor(o.Cursor)
		if err != nil {
			return nil, err
		}
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > after })
	}
	end := min(start+o.Limit, len(items))
	p := &Page[T]{Items: items[start:end], Total: len(items)}
	if end < len(items) {
		p.NextCursor = EncodeCursor(key(items[end-1]))
	}
	return p, nil
}
