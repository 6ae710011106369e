package svgsafe

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

const root = `<svg xmlns="http://www.w3.org/2000/svg">`

// strict is the upload's policy, foreign the baked-badge reader's.
var (
	strict  = Policy{MaxDepth: 4}
	lenient = Policy{MaxDepth: 4, AllowNoNamespace: true}
	foreign = Policy{MaxDepth: 4, MaxTokens: 20, AllowNoNamespace: true, Foreign: true}
)

// readAll reads the whole of data under p and returns the first problem.
func readAll(data []byte, p Policy) error {
	r, err := NewReader(data, p)
	if err != nil {
		return err
	}
	for {
		if _, err := r.Next(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		policy Policy
		kind   Kind // 0: accepted
		msg    string
	}{
		{"OK", "\ufeff" + `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + root + `<g><!-- c --><text>a &amp; b</text></g></svg>` + "\n", strict, 0, ""},
		{"OK/ascii label", `<?xml version="1.0" encoding="US-ASCII"?>` + root + `</svg>`, strict, 0, ""},
		{"OK/no namespace when allowed", `<svg/>`, lenient, 0, ""},
		{"OK/doctype when foreign", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">` + root + `<?pi x?></svg>`, foreign, 0, ""},
		{"OK/depth at the limit", root + `<g><g><g/></g></g></svg>`, strict, 0, ""},

		{"empty", ``, strict, Malformed, "unknown file type"},
		{"not markup", `hello`, strict, Malformed, "unknown file type"},
		{"UTF-16", "\xff\xfe<\x00s\x00", strict, Malformed, "UTF-16"},
		{"invalid UTF-8", root + "<text>\xe9</text></svg>", strict, Malformed, "not valid UTF-8"},
		{"Latin-1 label", `<?xml version="1.0" encoding="ISO-8859-1"?>` + root + `</svg>`, strict, Malformed, `"ISO-8859-1"; only UTF-8`},
		{"unclosed", root + `<g>`, strict, Malformed, "not well-formed (line 1)"},
		{"unknown entity", root + `&nbsp;</svg>`, strict, Malformed, "not well-formed"},
		{"no root", `<!-- only -->`, strict, Malformed, "no root element"},
		{"two roots", root + `</svg>` + root + `</svg>`, strict, Malformed, "more than one root"},
		{"text after root", root + `</svg>junk`, strict, Malformed, "text outside the root"},
		{"repeated attribute", `<svg xmlns="http://www.w3.org/2000/svg" a="1" a="2"/>`, strict, Malformed, "repeats an attribute"},
		{"repeated expanded name", root + `<g xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/></svg>`, strict, Malformed, "repeats an attribute"},
		{"undeclared prefix", root + `<g xmlns:p=""/></svg>`, strict, Malformed, "empty namespace prefix"},

		{"root not svg", `<html xmlns="http://www.w3.org/1999/xhtml"/>`, strict, Refused, `<html> in namespace "http://www.w3.org/1999/xhtml", not <svg>`},
		{"root without namespace", `<svg/>`, strict, Refused, `<svg> in namespace ""`},
		{"root not svg when lenient", `<html/>`, lenient, Refused, "not <svg>"},
		{"too deep", root + `<g><g><g><g/></g></g></g></svg>`, strict, Refused, "deeper than 4 levels"},
		{"too many tokens", root + strings.Repeat(`<g/>`, 10) + `</svg>`, foreign, Refused, "more than 20 XML tokens"},
		{"doctype", `<!DOCTYPE svg>` + root + `</svg>`, strict, Refused, "<!DOCTYPE> declaration; DOCTYPE and ENTITY"},
		{"entity", `<!ENTITY a "b">` + root + `</svg>`, strict, Refused, "<!ENTITY>"},
		{"stylesheet", `<?xml-stylesheet href="x.css"?>` + root + `</svg>`, strict, Refused, "<?xml-stylesheet?>"},
		{"late declaration", " " + `<?xml version="1.0"?>` + root + `</svg>`, strict, Refused, "only a leading XML declaration"},
		{"foreign entities", `<!DOCTYPE svg [<!ENTITY a "b">]>` + root + `</svg>`, foreign, Refused, "entities"},
		{"foreign internal subset", `<!DOCTYPE svg [<!ATTLIST svg a CDATA "x">]>` + root + `</svg>`, foreign, Refused, "internal subset"},
		{"foreign other declaration", `<!ELEMENT svg ANY>` + root + `</svg>`, foreign, Refused, "other than <!DOCTYPE>"},
		{"foreign doctype inside", root + `<!DOCTYPE svg></svg>`, foreign, Refused, "misplaced"},
		{"foreign second doctype", `<!DOCTYPE svg><!DOCTYPE svg>` + root + `</svg>`, foreign, Refused, "repeated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := readAll([]byte(tc.doc), tc.policy)
			if tc.kind == 0 {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var se *Error
			if !errors.As(err, &se) || se.Kind != tc.kind {
				t.Fatalf("Check = %#v, want kind %d", err, tc.kind)
			}
			if !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("message %q does not mention %q", se.Msg, tc.msg)
			}
		})
	}
}

func TestReaderOffsetAndDepth(t *testing.T) {
	doc := "\ufeff" + root + `<g/></svg>`
	r, err := NewReader([]byte(doc), strict)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for {
		tok, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := tok.(xml.StartElement); ok {
			got = append(got, r.Offset(), r.Depth())
		}
	}
	// Offsets count the byte order mark; <g/> is a start (depth 2), then an end.
	want := []int{3 + len(root), 1, 3 + len(root) + len(`<g/>`), 2}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("offsets and depths = %v, want %v", got, want)
	}
	if r.Depth() != 0 {
		t.Errorf("depth after the end = %d", r.Depth())
	}
}

func TestResolve(t *testing.T) {
	doc := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:a="urn:outer"><g xmlns:q="http://www.w3.org/1999/xlink" xmlns:a="urn:inner"><set/></g><rect/></svg>`
	r, err := NewReader([]byte(doc), strict)
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]map[string]xml.Name{}
	unresolved := map[string][]string{}
	for {
		tok, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		at[el.Name.Local] = map[string]xml.Name{}
		for _, q := range []string{"href", " q:href ", "a:x", "xml:base", "z:y"} {
			if n, ok := r.Resolve(q); ok {
				at[el.Name.Local][q] = n
			} else {
				unresolved[el.Name.Local] = append(unresolved[el.Name.Local], q)
			}
		}
	}
	checks := []struct {
		element, qname string
		want           xml.Name
	}{
		{"set", "href", xml.Name{Local: "href"}},
		{"set", " q:href ", xml.Name{Space: XLinkNamespace, Local: "href"}},
		{"set", "a:x", xml.Name{Space: "urn:inner", Local: "x"}},
		{"set", "xml:base", xml.Name{Space: XMLNamespace, Local: "base"}},
		{"rect", "a:x", xml.Name{Space: "urn:outer", Local: "x"}},
	}
	for _, c := range checks {
		if got := at[c.element][c.qname]; got != c.want {
			t.Errorf("on <%s>, Resolve(%q) = %v, want %v", c.element, c.qname, got, c.want)
		}
	}
	if _, ok := at["rect"][" q:href "]; ok {
		t.Error("q: resolves on <rect>, outside the <g> that declares it")
	}
	if u := unresolved["set"]; len(u) != 1 || u[0] != "z:y" {
		t.Errorf("unresolved on <set> = %q, want only z:y", u)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(root+`<g xmlns:q="urn:q"><set attributeName="q:href"/></g></svg>`), true)
	f.Add([]byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>`), false)
	f.Add([]byte("\ufeff<?xml version=\"1.0\"?><svg/>"), true)
	f.Fuzz(func(t *testing.T, data []byte, isForeign bool) {
		p := Policy{MaxDepth: 8, MaxTokens: 1000, AllowNoNamespace: isForeign, Foreign: isForeign}
		r, err := NewReader(data, p)
		for err == nil {
			last := r.Offset()
			var tok xml.Token
			tok, err = r.Next()
			if err == nil && (r.Offset() < last || r.Offset() > len(data) || r.Depth() < 0 || r.Depth() > p.MaxDepth) {
				t.Fatalf("offset %d (was %d) of %d, depth %d", r.Offset(), last, len(data), r.Depth())
			}
			if el, ok := tok.(xml.StartElement); ok {
				for _, a := range el.Attr {
					r.Resolve(a.Value)
				}
			}
		}
		var se *Error
		if !errors.Is(err, io.EOF) && !errors.As(err, &se) {
			t.Fatalf("error %T %v is neither io.EOF nor *Error", err, err)
		}
	})
}
