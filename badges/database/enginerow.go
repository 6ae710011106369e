package database

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
)

// The embedded engine stores each document as one row of its collection's
// SQLite table: a JSON text in the _ferretdb_sjson column, the document's
// fields preceded by a schema giving each one's BSON type. Group commit
// (groupcommit.go) writes computed documents to those rows itself, and
// Modify reads them, so both must do exactly what the engine would; this depends on the engine's
// internals (FerretDB v1.24, internal/handler/sjson), which is why its
// version is pinned, and TestEngineRow proves the two alike.

// computedSchema is the engine's schema of a computed document as
// encodeComputed makes it: _id a string, rev a 64-bit integer, data
// binary of the generic subtype, in that order, which the engine keeps
// both in the properties and in "$k".
const computedSchema = `{"$s":{"p":{"_id":{"t":"string"},"rev":{"t":"long"},"data":{"t":"binData","s":0}},"$k":["_id","rev","data"]}`

// engineRow returns the engine's row text of a computed document in its
// stored form (see encodeComputed), and the row's _id in the engine's
// form, which its queries compare with. A document of another shape is
// an error: the caller writes it through the engine instead.
func engineRow(raw bson.Raw) (row, id string, err error) {
	elems, err := raw.Elements()
	if err != nil {
		return "", "", err
	}
	if len(elems) != 3 || elems[0].Key() != "_id" || elems[1].Key() != "rev" || elems[2].Key() != "data" {
		return "", "", fmt.Errorf("engine row: not a computed document")
	}
	idStr, ok1 := elems[0].Value().StringValueOK()
	rev, ok2 := elems[1].Value().Int64OK()
	subtype, data, ok3 := elems[2].Value().BinaryOK()
	if !ok1 || !ok2 || !ok3 || subtype != bson.TypeBinaryGeneric {
		return "", "", fmt.Errorf("engine row: not a computed document")
	}
	// The engine encodes each value with encoding/json, as here: strings
	// with its escaping, binary as standard base64.
	idJSON, err := json.Marshal(idStr)
	if err != nil {
		return "", "", err
	}
	dataJSON, err := json.Marshal(data)
	if err != nil {
		return "", "", err
	}
	b := make([]byte, 0, len(computedSchema)+len(idJSON)+len(dataJSON)+40)
	b = append(b, computedSchema...)
	b = append(b, `,"_id":`...)
	b = append(b, idJSON...)
	b = append(b, `,"rev":`...)
	b = fmt.Appendf(b, "%d", rev)
	b = append(b, `,"data":`...)
	b = append(b, dataJSON...)
	b = append(b, '}')
	return string(b), string(idJSON), nil
}

// parseEngineRow is engineRow backwards: the stored form of the computed
// document in a row, exactly as the engine would return it. ok is false
// for a row of another shape (a document of an earlier layout, say),
// which the caller reads through the engine.
func parseEngineRow(row string) (raw bson.Raw, ok bool) {
	rest, found := strings.CutPrefix(row, computedSchema)
	if !found || !strings.HasPrefix(rest, ",") {
		return nil, false
	}
	var v struct {
		ID   string `json:"_id"`
		Rev  int64  `json:"rev"`
		Data []byte `json:"data"`
	}
	dec := json.NewDecoder(strings.NewReader("{" + rest[1:]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil || len(v.Data) == 0 || dec.More() {
		return nil, false
	}
	raw, err := bson.Marshal(computed{ID: v.ID, Rev: v.Rev, Data: v.Data})
	return raw, err == nil
}

// readComputedRow reads a computed document's row straight from the
// engine's SQLite file, by the exact _id the index fix serves, without
// the engine's parsing, planning and conversions: on the way of every
// change of a record not in the cache. ok is false when the row cannot be
// read this way (see parseEngineRow); raw is nil when there is no row.
func (db *DB) readComputedRow(ctx context.Context, collection, id string) (raw bson.Raw, ok bool, err error) {
	sdb, err := db.engine.sqlReader(db.Name())
	if err != nil {
		return nil, false, err
	}
	table, err := db.engine.table(ctx, db.Name(), sdb, collection)
	if err != nil || table == "" {
		return nil, false, err
	}
	idJSON, err := json.Marshal(id)
	if err != nil {
		return nil, false, err
	}
	var row string
	q := fmt.Sprintf(`SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table)
	st, err := db.engine.prepared(ctx, sdb, q)
	if err != nil {
		return nil, false, Wrap(err, "read "+collection)
	}
	switch err := st.QueryRowContext(ctx, string(idJSON)).Scan(&row); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, true, nil
	case err != nil:
		return nil, false, Wrap(err, "read "+collection)
	}
	raw, ok = parseEngineRow(row)
	return raw, ok, nil
}
