package database

import (
	"encoding/json"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
)

// The embedded engine stores each document as one row of its collection's
// SQLite table: a JSON text in the _ferretdb_sjson column, the document's
// fields preceded by a schema giving each one's BSON type. Group commit
// (groupcommit.go) writes computed documents to those rows itself, so it
// must produce exactly what the engine would; this depends on the engine's
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
	if !ok1 || !ok2 || !ok3 || subtype != bsontype.BinaryGeneric {
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
