package ob3

import (
	"context"

	"github.com/piprate/json-gold/ld"
)

// CanonicalizeOwn is Canonicalize for documents of the shapes Laurel itself
// builds and signs. Those are walked straight to RDF with the processed
// contexts (see fastWalker) instead of going through JSON-LD expansion,
// which processes type-scoped contexts again for every typed node and tests
// every IRI with a large regular expression. Anything the walk does not
// cover goes through Canonicalize, safe mode and all, so the answer is
// always Canonicalize's: the same bytes, or the same refusal. A property
// test holds the two to byte equality over generated credentials.
func (l *DocumentLoader) CanonicalizeOwn(ctx context.Context, doc map[string]any) ([]byte, error) {
	if out, ok := l.canonicalizeFast(ctx, doc); ok {
		return out, nil
	}
	return l.Canonicalize(ctx, doc)
}

// CanonicalizeFast is the fast path of CanonicalizeOwn alone; ok is false
// when the general path must answer, including for every document the
// general path refuses. It is exported so that the builders of Laurel's
// documents can test that their output takes it.
func (l *DocumentLoader) CanonicalizeFast(ctx context.Context, doc map[string]any) ([]byte, bool) {
	return l.canonicalizeFast(ctx, doc)
}

func (l *DocumentLoader) canonicalizeFast(ctx context.Context, doc map[string]any) ([]byte, bool) {
	if doc == nil || ctx.Err() != nil || checkSize(doc) != nil {
		return nil, false
	}
	quads, ok := l.fastQuads(doc)
	if !ok {
		return nil, false
	}
	if out, simple := canonicalSimple(quads); simple {
		return out, true
	}
	ds := ld.NewRDFDataset()
	ds.Graphs["@default"] = quads
	if checkBlankNodes(ds) != nil {
		return nil, false
	}
	out, err := serializeCanonical(ctx, ds)
	if err != nil {
		return nil, false
	}
	return out, true
}
