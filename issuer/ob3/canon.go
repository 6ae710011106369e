package ob3

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/piprate/json-gold/ld"
)

// ErrCanonicalization is returned (wrapped) when a document cannot be
// canonicalized, including when part of it would be silently left out of the
// canonical form and so out of what is signed.
var ErrCanonicalization = errors.New("ob3: JSON-LD canonicalization failed")

// Canonicalize returns the RDFC-1.0 (URDNA2015) canonical N-Quads of a
// JSON-LD document, using only the embedded contexts. It runs in safe mode:
// anything JSON-LD would silently drop (an undefined term, a relative or
// malformed IRI, an invalid language tag) is an error instead, because
// dropped data would go unsigned. A document past the size limits is
// refused (ErrTooLarge) before any JSON-LD processing, and the work stops
// between its steps once ctx ends, returning ctx's error. doc is not
// modified.
func (l *DocumentLoader) Canonicalize(ctx context.Context, doc map[string]any) ([]byte, error) {
	if doc == nil {
		return nil, fmt.Errorf("%w: no document", ErrCanonicalization)
	}
	if err := checkSize(doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	expanded, err := l.expand(doc)
	if err != nil {
		return nil, l.expansionError(ctx, doc, err)
	}
	iris := make(map[string]bool)
	if err := checkExpanded(expanded, iris); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	if err := checkPropertyValues(expanded); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	dataset, err := ld.NewJsonLdApi().ToRDF(expanded, l.opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	if err := checkDropped(dataset, iris); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	if err := checkBlankNodes(dataset); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	return serializeCanonical(ctx, dataset)
}

// stopped returns ctx's error, once it has ended, as the reason
// canonicalization stopped. It is not ErrCanonicalization: the document may
// be fine.
func stopped(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ob3: canonicalization stopped: %w", err)
	}
	return nil
}

// expansionError words a failed expansion, naming the undefined terms
// when safe mode refused some.
func (l *DocumentLoader) expansionError(ctx context.Context, doc map[string]any, err error) error {
	if !isInvalidProperty(err) {
		return fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	located := l.locateUndefined(ctx, doc)
	if err := stopped(ctx); err != nil {
		return err
	}
	if located != nil {
		return fmt.Errorf("%w: %w", ErrCanonicalization, located)
	}
	// Too large to narrow down: still an undefined term.
	return fmt.Errorf("%w: %w: %w", ErrCanonicalization, ErrUndefinedTerm, err)
}

// expand is JSON-LD expansion in safe mode with the top-level @context taken
// from the cache. Expanding the document without its @context under the
// already-processed context is what the expansion algorithm does itself.
func (l *DocumentLoader) expand(doc map[string]any) ([]any, error) {
	body := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "@context" {
			body[k] = v
		}
	}
	active := ld.NewContext(nil, l.opts)
	if local, ok := doc["@context"]; ok {
		var err error
		if active, err = l.activeContext(local); err != nil {
			return nil, err
		}
	}
	out, err := ld.NewJsonLdApi().Expand(active, "", body, l.opts, false, nil)
	if err != nil {
		return nil, err
	}
	// The final step of the expansion algorithm.
	switch v := out.(type) {
	case nil:
		return []any{}, nil
	case []any:
		return v, nil
	case map[string]any:
		if len(v) == 0 {
			return []any{}, nil
		}
		if g, ok := v["@graph"]; ok && len(v) == 1 {
			if list, ok := g.([]any); ok {
				return list, nil
			}
			return []any{g}, nil
		}
	}
	return []any{out}, nil
}

// serializeCanonical runs URDNA2015 on the dataset and writes the sorted,
// relabelled quads. json-gold's own N-Quads output concatenates strings
// (quadratic in the document size); this writes each quad once.
func serializeCanonical(ctx context.Context, ds *ld.RDFDataset) ([]byte, error) {
	na := ld.NewNormalisationAlgorithm(ld.AlgorithmURDNA2015)
	na.Normalize(ds)
	var buf bytes.Buffer
	ser := &ld.NQuadRDFSerializer{}
	one := ld.NewRDFDataset()
	for i, q := range na.Quads() {
		if i%1024 == 0 {
			if err := stopped(ctx); err != nil {
				return nil, err
			}
		}
		graph := "@default"
		if q.Graph != nil {
			graph = q.Graph.GetValue()
		}
		clear(one.Graphs)
		one.Graphs[graph] = []*ld.Quad{q}
		if err := ser.SerializeTo(&buf, one); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
		}
	}
	return buf.Bytes(), nil
}
