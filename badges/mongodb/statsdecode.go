package mongodb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
)

// UnmarshalBSON reads a week's counters without the driver's reflection:
// a week of a large community holds thousands of members' counts, and
// the dashboard, the statistics and every measure's history read dozens
// of weeks a request. Decoding the maps element by element takes about a
// third of the time the reflective decoder does.
func (d *weekDoc) UnmarshalBSON(data []byte) error {
	if len(data) < 5 || int(binary.LittleEndian.Uint32(data)) != len(data) || data[len(data)-1] != 0 {
		return errors.New("read week counters: not a whole document")
	}
	elems, err := bson.Raw(data).Elements()
	if err != nil {
		return fmt.Errorf("read week counters: %w", err)
	}
	*d = weekDoc{}
	for _, e := range elems {
		v := e.Value()
		switch e.Key() {
		case "activities":
			d.Activities, err = countsOf(v)
		case "members":
			d.Members, err = countsOf(v)
		case "awards":
			d.Awards, err = countsOf(v)
		case "batches":
			d.Batches, err = stringsOf(v)
		}
		if err != nil {
			return fmt.Errorf("read week counters' %s: %w", e.Key(), err)
		}
	}
	return nil
}

// countsOf reads a document of counts; null is no map. It walks the
// document's bytes itself: each element is a type byte, the key ending
// with a zero byte, then the number (4 bytes for an int32, 8 for an int64
// or a double), all of them bounds-checked.
func countsOf(v bson.RawValue) (map[string]int, error) {
	if v.Type == bson.TypeNull {
		return nil, nil
	}
	doc, ok := v.DocumentOK()
	if !ok {
		return nil, fmt.Errorf("a %s, not a document", v.Type)
	}
	if len(doc) < 5 {
		return nil, errors.New("a document too short")
	}
	out := make(map[string]int, len(doc)/24)
	for i := 4; i < len(doc)-1; {
		t := bsontype.Type(doc[i])
		end := bytes.IndexByte(doc[i+1:], 0)
		if end < 0 {
			return nil, errors.New("a key without its end")
		}
		key := string(doc[i+1 : i+1+end])
		i += end + 2
		n, size, err := numberAt(doc[i:], t)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", key, err)
		}
		out[key] = n
		i += size
	}
	return out, nil
}

// numberAt reads the number of BSON type t at the start of b, and its size.
func numberAt(b []byte, t bsontype.Type) (n, size int, err error) {
	switch {
	case t == bson.TypeInt32 && len(b) >= 4:
		return int(int32(binary.LittleEndian.Uint32(b))), 4, nil
	case t == bson.TypeInt64 && len(b) >= 8:
		return int(int64(binary.LittleEndian.Uint64(b))), 8, nil
	case t == bson.TypeDouble && len(b) >= 8:
		return int(math.Float64frombits(binary.LittleEndian.Uint64(b))), 8, nil
	}
	return 0, 0, fmt.Errorf("a %s of %d bytes, not a number", t, len(b))
}

// stringsOf reads an array of strings; null is none.
func stringsOf(v bson.RawValue) ([]string, error) {
	if v.Type == bson.TypeNull {
		return nil, nil
	}
	arr, ok := v.ArrayOK()
	if !ok {
		return nil, fmt.Errorf("a %s, not an array", v.Type)
	}
	vals, err := arr.Values()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(vals))
	for i, s := range vals {
		if out[i], ok = s.StringValueOK(); !ok {
			return nil, fmt.Errorf("item %d is a %s, not a string", i, s.Type)
		}
	}
	return out, nil
}
