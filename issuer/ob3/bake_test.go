package ob3

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// bakeTestJSON is a small credential whose name contains "]]>", which an SVG
// CDATA section cannot hold as is.
const bakeTestJSON = `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],` +
	`"id":"urn:uuid:8f1c3a5e-1d2b-4c6a-9e0f-3b2a1c4d5e6f","type":["VerifiableCredential","OpenBadgeCredential"],` +
	`"name":"Tricky ]]> name ]]]]> é ✓","issuer":{"id":"https://example.org/issuer","type":["Profile"]}}`

// maxErrLen bounds error messages: they must describe, not quote, the input.
const maxErrLen = 200

func bakedFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "baked", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bakeTestJWS(t testing.TB) string {
	t.Helper()
	return strings.TrimSpace(string(bakedFile(t, "simple-jwt.extracted.jwt")))
}

// pngChunkOf builds one raw chunk: length, type, data, CRC.
func pngChunkOf(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// pngSplit cuts a PNG into its raw chunks (the test's own reader, so the
// code under test is not checked against itself).
func pngSplit(t testing.TB, b []byte) [][]byte {
	t.Helper()
	if !bytes.HasPrefix(b, pngSignature) {
		t.Fatal("not a PNG")
	}
	var out [][]byte
	for off := 8; off < len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		out = append(out, b[off:off+12+n])
		if string(b[off+4:off+8]) == "IEND" {
			break
		}
		off += 12 + n
	}
	return out
}

// pngWith returns base with extra chunks inserted before IEND.
func pngWith(t testing.TB, base []byte, extra ...[]byte) []byte {
	t.Helper()
	chunks := pngSplit(t, base)
	out := append([]byte{}, pngSignature...)
	for _, c := range chunks[:len(chunks)-1] {
		out = append(out, c...)
	}
	for _, c := range extra {
		out = append(out, c...)
	}
	return append(out, chunks[len(chunks)-1]...)
}

// pngTextChunks lists the text chunks of b as "type/keyword".
func pngTextChunks(t testing.TB, b []byte) []string {
	t.Helper()
	var out []string
	for _, c := range pngSplit(t, b) {
		typ := string(c[4:8])
		if typ == "iTXt" || typ == "tEXt" || typ == "zTXt" {
			data := c[8 : len(c)-4]
			kw, _, _ := bytes.Cut(data, []byte{0})
			out = append(out, typ+"/"+string(kw))
		}
	}
	return out
}

func iTXtData(keyword string, compressed bool, text []byte) []byte {
	b := append([]byte(keyword), 0)
	if compressed {
		b = append(b, 1, 0)
	} else {
		b = append(b, 0, 0)
	}
	b = append(b, "en\x00Badge\x00"...)
	return append(b, text...)
}

func zlibBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// noisePNG encodes w×h random pixels; random data barely compresses, so the
// file size tracks w*h*4.
func noisePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jwtClaimsOf decodes the payload of a compact JWS without verifying it.
func jwtClaimsOf(t testing.TB, jws string) map[string]any {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %d segments", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func jsonID(t testing.TB, s string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("payload is not JSON: %v", err)
	}
	id, _ := m["id"].(string)
	return id
}

// svgShape is what the tests need to know about a baked SVG.
type svgShape struct {
	rootDecl []string // values of xmlns:openbadges on the root
	direct   int      // OB 3.0 credential elements that are children of the root
	badges   int      // OB 3.0 credentials and OB 2.0 assertions anywhere
	verify   []string // verify attributes of the OB 3.0 credentials
	content  string   // everything else, badge elements and the root's xmlns:openbadges left out
}

// svgInspect parses b as strict XML to the end, failing the test if it is not well-formed.
func svgInspect(t testing.TB, b []byte) svgShape {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var s svgShape
	var content, text strings.Builder
	// Text is merged across removed elements, so that dropping a badge
	// element does not look like a change to the text around it.
	emit := func(format string, args ...any) {
		if text.Len() > 0 {
			fmt.Fprintf(&content, "T%q\n", text.String())
			text.Reset()
		}
		fmt.Fprintf(&content, format, args...)
	}
	depth, skip := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("baked SVG is not well-formed: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			ob3 := e.Name.Space == "https://purl.imsglobal.org/ob/v3p0" && e.Name.Local == "credential"
			if ob3 || e.Name.Space == "http://openbadges.org" && e.Name.Local == "assertion" {
				s.badges++
				if skip == 0 {
					skip = depth
				}
			}
			if ob3 {
				if depth == 2 {
					s.direct++
				}
				for _, a := range e.Attr {
					if a.Name.Local == "verify" {
						s.verify = append(s.verify, a.Value)
					}
				}
			}
			if skip != 0 {
				continue
			}
			var attrs []xml.Attr
			for _, a := range e.Attr {
				if depth == 1 && a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
					s.rootDecl = append(s.rootDecl, a.Value)
					continue
				}
				attrs = append(attrs, a)
			}
			emit("<%v %v\n", e.Name, attrs)
		case xml.EndElement:
			if skip == 0 {
				emit("</%v>\n", e.Name)
			}
			if skip == depth {
				skip = 0
			}
			depth--
		case xml.CharData:
			if skip == 0 {
				text.Write(e)
			}
		case xml.Comment:
			emit("C%q\n", e)
		case xml.ProcInst:
			emit("P%s %q\n", e.Target, e.Inst)
		case xml.Directive:
			emit("D%q\n", e)
		}
	}
	emit("")
	if depth != 0 {
		t.Fatal("baked SVG has unclosed elements")
	}
	s.content = content.String()
	return s
}

func checkUnbaked(t testing.TB, data []byte, format, version, payload string) {
	t.Helper()
	got, err := Unbake(data)
	if err != nil {
		t.Fatalf("Unbake: %v", err)
	}
	if got.Format != format || got.Version != version || got.Payload != payload {
		t.Fatalf("Unbake = {%s %s %.60q…}, want {%s %s %.60q…}", got.Format, got.Version, got.Payload, format, version, payload)
	}
}

func TestUnbakeValidatorFiles(t *testing.T) {
	tests := []struct {
		file, format, version string
		wantFile              string // expected payload, compared after trimming
		wantJWTID             string // or: the JWS payload's id and jti
		wantJSONID            string // or: the JSON payload's id
	}{
		// The PNG's token is signed separately from the SVG's: same credential, different bytes.
		{file: "simple-jwt.png", format: "png", version: "3.0", wantJWTID: "http://example.com/credentials/3527"},
		{file: "simple-jwt_v1.png", format: "png", version: "3.0", wantFile: "simple-jwt_v1.extracted.jwt"},
		{file: "simple-jwt.svg", format: "svg", version: "3.0", wantFile: "simple-jwt.extracted.jwt"},
		{file: "simple-json.svg", format: "svg", version: "3.0", wantJSONID: "http://example.com/credentials/3527"},
		{file: "simple-badge.png", format: "png", version: "2.0", wantJSONID: "https://example.org/beths-robotics-badge.json"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := Unbake(bakedFile(t, tc.file))
			if err != nil {
				t.Fatalf("Unbake: %v", err)
			}
			if got.Format != tc.format || got.Version != tc.version {
				t.Errorf("Format, Version = %q, %q; want %q, %q", got.Format, got.Version, tc.format, tc.version)
			}
			switch {
			case tc.wantFile != "":
				if want := strings.TrimSpace(string(bakedFile(t, tc.wantFile))); got.Payload != want {
					t.Errorf("payload differs from %s", tc.wantFile)
				}
			case tc.wantJWTID != "":
				claims := jwtClaimsOf(t, got.Payload)
				if claims["id"] != tc.wantJWTID || claims["jti"] != tc.wantJWTID {
					t.Errorf("JWT id, jti = %v, %v; want %s", claims["id"], claims["jti"], tc.wantJWTID)
				}
			default:
				if id := jsonID(t, got.Payload); id != tc.wantJSONID {
					t.Errorf("JSON id = %q, want %q", id, tc.wantJSONID)
				}
			}
		})
	}
}

func TestUnbakeAccepts(t *testing.T) {
	base := bakedFile(t, "robotics-badge.png")
	jws := bakeTestJWS(t)
	comment := pngChunkOf("tEXt", []byte("Comment\x00hello"))
	many := func(n int, cred []byte) []byte {
		extra := make([][]byte, 0, n)
		extra = append(extra, cred)
		for len(extra) < n {
			extra = append(extra, comment)
		}
		return pngWith(t, base, extra...)
	}
	nested := func(depth int) []byte {
		return []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0">` +
			strings.Repeat("<g>", depth-2) + `<ob:credential verify="` + jws + `"/>` + strings.Repeat("</g>", depth-2) + `</svg>`)
	}
	tests := []struct {
		name             string
		data             []byte
		version, payload string
	}{
		{"iTXt compressed", pngWith(t, base, pngChunkOf("iTXt", iTXtData("openbadgecredential", true, zlibBytes(t, []byte(jws))))), "3.0", jws},
		{"iTXt with language tags", pngWith(t, base, pngChunkOf("iTXt", iTXtData("openbadgecredential", false, []byte(jws)))), "3.0", jws},
		{"tEXt OB 2.0", pngWith(t, base, pngChunkOf("tEXt", []byte("openbadges\x00https://example.org/assertions/1"))), "2.0", "https://example.org/assertions/1"},
		{"zTXt OB 2.0", pngWith(t, base, pngChunkOf("zTXt", append([]byte("openbadges\x00\x00"), zlibBytes(t, []byte(jws))...))), "2.0", jws},
		{"first chunk wins", pngWith(t, base,
			pngChunkOf("iTXt", iTXtData("openbadgecredential", false, []byte("first"))),
			pngChunkOf("iTXt", iTXtData("openbadgecredential", false, []byte("second")))), "3.0", "first"},
		{"OB 3.0 tEXt keyword ignored", pngWith(t, base,
			pngChunkOf("tEXt", []byte("openbadgecredential\x00not read")),
			pngChunkOf("iTXt", iTXtData("openbadges", false, []byte("v2")))), "2.0", "v2"},
		{"exactly 10,000 chunks", many(10000-5, pngChunkOf("iTXt", iTXtData("openbadgecredential", false, []byte(jws)))), "3.0", jws},
		{"data after IEND ignored", append(pngWith(t, base, pngChunkOf("iTXt", iTXtData("openbadgecredential", false, []byte(jws)))), "junk"...), "3.0", jws},
		{"SVG OB 2.0 verify URL", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">` +
			`<openbadges:assertion verify="https://example.org/assertions/1"><![CDATA[{"id":"x"}]]></openbadges:assertion></svg>`), "2.0", "https://example.org/assertions/1"},
		{"SVG split CDATA", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">` +
			"<openbadges:credential>\n <![CDATA[{\"a\":\"]]]]><![CDATA[>\"}]]>\n</openbadges:credential></svg>"), "3.0", `{"a":"]]>"}`},
		{"SVG BOM and declaration", []byte("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">" +
			`<credential xmlns="https://purl.imsglobal.org/ob/v3p0" verify=" ` + jws + ` "/></svg>`), "3.0", jws},
		{"SVG nested 64 deep", nested(64), "3.0", jws},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			format := "png"
			if !bytes.HasPrefix(tc.data, pngSignature) {
				format = "svg"
			}
			checkUnbaked(t, tc.data, format, tc.version, tc.payload)
		})
	}
}

func TestUnbakeRejects(t *testing.T) {
	plain := bakedFile(t, "robotics-badge.png")
	baked := bakedFile(t, "simple-jwt.png")
	jws := bakeTestJWS(t)
	comment := pngChunkOf("tEXt", []byte("Comment\x00hello"))

	badCRC := bytes.Clone(baked)
	badCRC[300] ^= 0xFF // inside the first IDAT
	pastEnd := bytes.Clone(plain)
	idat := bytes.Index(pastEnd, []byte("IDAT")) - 4
	binary.BigEndian.PutUint32(pastEnd[idat:], 1<<20)
	hugeChunk := bytes.Clone(plain)
	binary.BigEndian.PutUint32(hugeChunk[idat:], 9<<20)
	chunks := make([][]byte, 10001-5)
	for i := range chunks {
		chunks[i] = comment
	}
	tooMany := pngWith(t, plain, chunks...)
	noIHDR := bytes.Clone(pngSignature)
	for _, c := range pngSplit(t, plain)[1:] {
		noIHDR = append(noIHDR, c...)
	}
	afterIEND := append(bytes.Clone(plain), pngChunkOf("iTXt", iTXtData("openbadgecredential", false, []byte(jws)))...)

	laughs := "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n <!ENTITY lol \"lol\">\n"
	prev := "lol"
	for i := 1; i <= 9; i++ {
		laughs += " <!ENTITY lol" + string(rune('0'+i)) + " \"" + strings.Repeat("&"+prev+";", 10) + "\">\n"
		prev = "lol" + string(rune('0'+i))
	}
	laughs += "]>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&lol9;</text></svg>"
	svgOpen := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">`

	tests := []struct {
		name    string
		data    []byte
		want    error
		wantMsg string
	}{
		{"empty", nil, ErrImage, "unknown file type"},
		{"not an image", []byte("hello, world"), ErrImage, "unknown file type"},
		{"JPEG", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), ErrImage, "unknown file type"},
		{"over 8 MiB", append(bytes.Clone(pngSignature), make([]byte, 8<<20)...), ErrImage, "larger than 8 MiB"},
		{"large junk", bytes.Repeat([]byte("A"), 1<<20), ErrImage, "unknown file type"},
		{"PNG signature only", pngSignature, ErrImage, "without an IEND"},
		{"truncated PNG", baked[:50000], ErrImage, "past the end"},
		{"truncated chunk header", baked[:len(baked)-6], ErrImage, "truncated"},
		{"no IEND", baked[:len(baked)-12], ErrImage, "without an IEND"},
		{"bad CRC", badCRC, ErrImage, "CRC"},
		{"chunk length past the end", pastEnd, ErrImage, "past the end"},
		{"chunk over 8 MiB", hugeChunk, ErrImage, "8 MiB"},
		{"10,001 chunks", tooMany, ErrImage, "more than 10000 chunks"},
		{"no IHDR first", noIHDR, ErrImage, "IHDR"},
		{"no IDAT", append(append(bytes.Clone(pngSignature), pngSplit(t, plain)[0]...), pngChunkOf("IEND", nil)...), ErrImage, "IDAT"},
		{"bad chunk type", pngWith(t, plain, pngChunkOf("a1b2", nil)), ErrImage, "invalid type"},
		{"zlib bomb", pngWith(t, plain, pngChunkOf("iTXt", iTXtData("openbadgecredential", true, zlibBytes(t, make([]byte, 3<<20))))), ErrImage, "beyond 2 MiB"},
		{"zTXt bomb", pngWith(t, plain, pngChunkOf("zTXt", append([]byte("openbadges\x00\x00"), zlibBytes(t, make([]byte, 3<<20))...))), ErrImage, "beyond 2 MiB"},
		{"corrupt zlib", pngWith(t, plain, pngChunkOf("iTXt", iTXtData("openbadgecredential", true, []byte("not zlib")))), ErrImage, "corrupt"},
		{"unknown compression flag", pngWith(t, plain, pngChunkOf("iTXt", []byte("openbadgecredential\x00\x07\x00\x00\x00x"))), ErrImage, "compression flag"},
		{"missing iTXt fields", pngWith(t, plain, pngChunkOf("iTXt", []byte("openbadgecredential\x00\x00\x00en"))), ErrImage, "malformed"},
		{"payload not UTF-8", pngWith(t, plain, pngChunkOf("iTXt", iTXtData("openbadgecredential", false, []byte("\xff\xfe")))), ErrImage, "UTF-8"},
		{"plain PNG", plain, ErrNotBaked, "no openbadgecredential"},
		{"credential after IEND", afterIEND, ErrNotBaked, ""},
		{"empty credential chunk", pngWith(t, plain, pngChunkOf("iTXt", iTXtData("openbadgecredential", false, []byte(" \n")))), ErrNotBaked, "empty"},
		{"billion laughs", []byte(laughs), ErrImage, "entities"},
		{"external entity", []byte(`<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>`), ErrImage, "entities"},
		{"internal subset", []byte(`<!DOCTYPE svg [<!ATTLIST svg a CDATA "x">]><svg xmlns="http://www.w3.org/2000/svg"/>`), ErrImage, "internal subset"},
		{"undeclared entity", []byte(`<svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>`), ErrImage, "not well-formed"},
		{"DOCTYPE after root", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><!DOCTYPE svg></svg>`), ErrImage, "misplaced"},
		{"other directive", []byte(`<!ELEMENT svg ANY><svg xmlns="http://www.w3.org/2000/svg"/>`), ErrImage, "other than <!DOCTYPE>"},
		{"nested 1,000 deep", []byte(svgOpen + strings.Repeat("<g>", 1000) + strings.Repeat("</g>", 1000) + "</svg>"), ErrImage, "deeper than 64 levels"},
		{"nested 65 deep", []byte(svgOpen + strings.Repeat("<g>", 63) + `<openbadges:credential verify="a.b.c"/>` + strings.Repeat("</g>", 63) + "</svg>"), ErrImage, "deeper than 64 levels"},
		{"too many tokens", []byte(svgOpen + strings.Repeat("<a/>", maxSVGTokens/2) + "</svg>"), ErrImage, "XML tokens"},
		{"unclosed", []byte(svgOpen + "<g>"), ErrImage, "not well-formed"},
		{"mismatched tags", []byte(svgOpen + "<g></h></svg>"), ErrImage, "line 1"},
		{"not SVG", []byte(`<html><body/></html>`), ErrImage, "not <svg>"},
		{"two roots", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/><svg/>`), ErrImage, "more than one root"},
		{"text outside root", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/> junk`), ErrImage, "outside"},
		{"comment only", []byte(`<!-- nothing -->`), ErrImage, "no root"},
		{"Latin-1 declared", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"/>`), ErrImage, "only UTF-8"},
		{"invalid UTF-8", []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"><title>\xe9</title></svg>"), ErrImage, "UTF-8"},
		{"UTF-16", []byte("\xFF\xFE<\x00s\x00v\x00g\x00"), ErrImage, "UTF-16"},
		{"prefix undeclared", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g xmlns:openbadges=""/></svg>`), ErrImage, "empty namespace prefix"},
		{"duplicate attribute", []byte(`<svg xmlns="http://www.w3.org/2000/svg" a="1" a="2"/>`), ErrImage, "repeats an attribute"},
		{"truncated SVG", bakedFile(t, "simple-jwt.svg")[:700], ErrImage, "not well-formed"},
		{"SVG without credential", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>`), ErrNotBaked, "no Open Badges"},
		{"empty credential element", []byte(svgOpen + `<openbadges:credential verify=""> </openbadges:credential></svg>`), ErrNotBaked, "empty"},
		{"credential in another namespace", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://example.org/ob"><openbadges:credential verify="a.b.c"/></svg>`), ErrNotBaked, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Unbake(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Unbake = %+v, %v; want %v", got, err, tc.want)
			}
			if got != nil {
				t.Errorf("Unbake returned %+v with an error", got)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tc.wantMsg)
			}
			if len(err.Error()) > maxErrLen {
				t.Errorf("error message is %d bytes long", len(err.Error()))
			}
		})
	}
}

func TestBakePNGRoundTrip(t *testing.T) {
	jws := bakeTestJWS(t)
	tests := []struct {
		name string
		base []byte
		cred string
	}{
		{"plain PNG, JWS", bakedFile(t, "robotics-badge.png"), jws},
		{"plain PNG, JSON", bakedFile(t, "robotics-badge.png"), bakeTestJSON},
		{"replaces OB 3.0 chunk", bakedFile(t, "simple-jwt.png"), bakeTestJSON},
		{"replaces OB 2.0 chunk", bakedFile(t, "simple-badge.png"), jws},
		{"generated PNG, padded JWS", noisePNG(t, 16, 16), " " + jws + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := bytes.Clone(tc.base)
			baked, err := BakePNG(tc.base, tc.cred)
			if err != nil {
				t.Fatalf("BakePNG: %v", err)
			}
			if !bytes.Equal(tc.base, orig) {
				t.Fatal("BakePNG modified its input")
			}
			want := strings.TrimSpace(tc.cred)
			checkUnbaked(t, baked, "png", "3.0", want)

			chunks := pngSplit(t, baked)
			last := chunks[len(chunks)-2]
			if wantChunk := pngChunkOf("iTXt", append([]byte("openbadgecredential\x00\x00\x00\x00\x00"), want...)); !bytes.Equal(last, wantChunk) {
				t.Error("the chunk before IEND is not the expected uncompressed iTXt")
			}
			var badges []string
			for _, c := range pngTextChunks(t, baked) {
				if strings.HasSuffix(c, "/openbadgecredential") || strings.HasSuffix(c, "/openbadges") {
					badges = append(badges, c)
				}
			}
			if len(badges) != 1 {
				t.Errorf("badge text chunks = %v, want one", badges)
			}

			// Re-baking replaces the chunk.
			again, err := BakePNG(baked, jws+"\n")
			if err != nil {
				t.Fatalf("BakePNG again: %v", err)
			}
			checkUnbaked(t, again, "png", "3.0", jws)
			if n := strings.Count(strings.Join(pngTextChunks(t, again), " "), "openbadge"); n != 1 {
				t.Errorf("%d badge chunks after re-baking, want 1", n)
			}

			checkSamePixels(t, tc.base, baked)
		})
	}
}

func checkSamePixels(t testing.TB, a, b []byte) {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatalf("decode original: %v", err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode baked: %v", err)
	}
	if ia.Bounds() != ib.Bounds() {
		t.Fatalf("bounds %v, want %v", ib.Bounds(), ia.Bounds())
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				t.Fatalf("pixel (%d,%d) changed", x, y)
			}
		}
	}
}

func TestBakeSVGRoundTrip(t *testing.T) {
	jws := bakeTestJWS(t)
	bases := []struct {
		name string
		svg  []byte
	}{
		{"validator JWS SVG", bakedFile(t, "simple-jwt.svg")},
		{"validator JSON SVG", bakedFile(t, "simple-json.svg")},
		{"self-closing root", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)},
		{"prefixed root", []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<s:svg xmlns:s=\"http://www.w3.org/2000/svg\" xmlns:ob='https://purl.imsglobal.org/ob/v3p0'>" +
			`<ob:credential verify="a.b.c"/><s:g><ob:credential><![CDATA[{}]]></ob:credential></s:g></s:svg>`)},
		{"OB 2.0 prefix", []byte("\xEF\xBB\xBF<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\" title=\"a &amp; &quot;b&quot;\n\">" +
			`<openbadges:assertion verify="https://example.org/a/1"/><circle r="1"/></svg>`)},
	}
	creds := []struct {
		name string
		cred string
		jws  bool
	}{
		{"JWS", jws, true},
		{"JSON with ]]>", bakeTestJSON, false},
	}
	for _, base := range bases {
		for _, cr := range creds {
			t.Run(base.name+"/"+cr.name, func(t *testing.T) {
				orig := bytes.Clone(base.svg)
				baked, err := BakeSVG(base.svg, cr.cred)
				if err != nil {
					t.Fatalf("BakeSVG: %v", err)
				}
				if !bytes.Equal(base.svg, orig) {
					t.Fatal("BakeSVG modified its input")
				}
				checkUnbaked(t, baked, "svg", "3.0", cr.cred)
				s := svgInspect(t, baked)
				if len(s.rootDecl) != 1 || s.rootDecl[0] != "https://purl.imsglobal.org/ob/v3p0" {
					t.Errorf("root xmlns:openbadges = %q", s.rootDecl)
				}
				if s.direct != 1 || s.badges != 1 {
					t.Errorf("%d credentials directly in the root, %d badge elements in all; want 1 and 1", s.direct, s.badges)
				}
				if cr.jws != (len(s.verify) == 1) {
					t.Errorf("verify attributes = %d, JWS = %v", len(s.verify), cr.jws)
				}
				if cr.jws && !bytes.Contains(baked, []byte(`<openbadges:credential verify="`+jws+`"/>`)) {
					t.Error("baked SVG lacks the literal <openbadges:credential verify=…/> element")
				}
				if s.content != svgInspect(t, orig).content {
					t.Error("baking changed more than the badge elements and the namespace declaration")
				}

				// Re-baking replaces the element.
				again, err := BakeSVG(baked, jws)
				if err != nil {
					t.Fatalf("BakeSVG again: %v", err)
				}
				checkUnbaked(t, again, "svg", "3.0", jws)
				if s := svgInspect(t, again); s.badges != 1 || s.direct != 1 {
					t.Errorf("after re-baking: %d badge elements, %d direct; want 1 and 1", s.badges, s.direct)
				}
			})
		}
	}
}

// TestBakeSVGPrefixCapture covers elements that only become badge elements
// because baking binds the "openbadges" prefix on the root.
func TestBakeSVGPrefixCapture(t *testing.T) {
	jws := bakeTestJWS(t)
	tests := []struct {
		name string
		svg  string
	}{
		{"unbound prefix", `<svg><openbadges:credential>old</openbadges:credential><openbadges:assertion verify="x"/></svg>`},
		{"OB 2.0 binding, credential name", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><g><openbadges:credential verify="old"/></g></svg>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			baked, err := BakeSVG([]byte(tc.svg), jws)
			if err != nil {
				t.Fatalf("BakeSVG: %v", err)
			}
			checkUnbaked(t, baked, "svg", "3.0", jws)
			if s := svgInspect(t, baked); s.badges != 1 || s.direct != 1 {
				t.Errorf("%d badge elements, %d direct; want 1 and 1", s.badges, s.direct)
			}
		})
	}
}

func TestBakeRejects(t *testing.T) {
	plainPNG := bakedFile(t, "robotics-badge.png")
	plainSVG := []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)
	jws := bakeTestJWS(t)
	// A PNG just under the size limit, so that adding the credential crosses it.
	filler := pngChunkOf("tEXt", append([]byte("Comment\x00"), bytes.Repeat([]byte("x"), MaxBakedImageSize-len(plainPNG)-100)...))
	bigPNG := pngWith(t, plainPNG, filler)

	tests := []struct {
		name      string
		bake      func([]byte, string) ([]byte, error)
		image     []byte
		cred      string
		wantImage bool // the error must wrap ErrImage
		wantMsg   string
	}{
		{"PNG: not a PNG", BakePNG, plainSVG, jws, true, "not a PNG"},
		{"PNG: truncated", BakePNG, plainPNG[:100], jws, true, "past the end"},
		{"PNG: bad CRC", BakePNG, append(bytes.Clone(plainPNG[:len(plainPNG)-1]), 0), jws, true, "CRC"},
		{"PNG: over 8 MiB", BakePNG, make([]byte, MaxBakedImageSize+1), jws, true, "8 MiB"},
		{"PNG: result over 8 MiB", BakePNG, bigPNG, jws, false, "larger than 8 MiB"},
		{"PNG: empty credential", BakePNG, plainPNG, " \n", false, "empty"},
		{"PNG: not JWS or JSON", BakePNG, plainPNG, "hello", false, "compact JWS or a JSON object"},
		{"PNG: JSON array", BakePNG, plainPNG, `[{"id":"x"}]`, false, "compact JWS or a JSON object"},
		{"PNG: broken JSON", BakePNG, plainPNG, `{"id":`, false, "compact JWS or a JSON object"},
		{"PNG: two segments", BakePNG, plainPNG, "a.b", false, "compact JWS or a JSON object"},
		{"PNG: NUL", BakePNG, plainPNG, "a.b\x00.c", false, "compact JWS or a JSON object"},
		{"PNG: invalid UTF-8", BakePNG, plainPNG, "{\"a\":\"\xff\"}", false, "UTF-8"},
		{"SVG: a PNG", BakeSVG, plainPNG, jws, true, "unknown file type"},
		{"SVG: entities", BakeSVG, []byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>`), jws, true, "entities"},
		{"SVG: not SVG", BakeSVG, []byte(`<html/>`), jws, true, "not <svg>"},
		{"SVG: malformed after a credential", BakeSVG, []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="https://purl.imsglobal.org/ob/v3p0"><o:credential verify="a.b.c"/><g></svg>`), jws, true, "not well-formed"},
		{"SVG: non-XML character", BakeSVG, plainSVG, "{\"a\":\"\uFFFF\"}", false, "XML cannot carry"},
		{"SVG: not JWS or JSON", BakeSVG, plainSVG, "https://example.org/a/1", false, "compact JWS or a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.bake(tc.image, tc.cred)
			if err == nil {
				t.Fatalf("baked %d bytes, want an error", len(out))
			}
			if errors.Is(err, ErrImage) != tc.wantImage {
				t.Errorf("error %q: wraps ErrImage = %v, want %v", err, !tc.wantImage, tc.wantImage)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tc.wantMsg)
			}
			if len(err.Error()) > maxErrLen {
				t.Errorf("error message is %d bytes long", len(err.Error()))
			}
		})
	}
}

func FuzzUnbake(f *testing.F) {
	for _, name := range []string{"simple-jwt.png", "simple-jwt_v1.png", "simple-json.svg", "simple-jwt.svg", "simple-badge.png", "robotics-badge.png"} {
		f.Add(bakedFile(f, name))
	}
	plain := bakedFile(f, "robotics-badge.png")
	f.Add(pngWith(f, plain, pngChunkOf("iTXt", iTXtData("openbadgecredential", true, zlibBytes(f, []byte("a.b.c"))))))
	f.Add(pngWith(f, plain, pngChunkOf("zTXt", append([]byte("openbadges\x00\x00"), zlibBytes(f, []byte("https://example.org/a"))...))))
	f.Add(noisePNG(f, 3, 2))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>`))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a"/></svg>`))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="https://purl.imsglobal.org/ob/v3p0"><o:credential><![CDATA[{"a":1}]]></o:credential></svg>`))
	f.Add([]byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>`))
	f.Add([]byte(`<s:svg xmlns:s="http://www.w3.org/2000/svg"/>`))
	f.Add([]byte(`<svg><openbadges:credential></openbadges:credential></svg>`))
	f.Add([]byte(""))
	f.Add(pngSignature)
	f.Add([]byte("\xFF\xD8\xFF junk"))

	jws := "eyJhbGciOiJFUzI1NiJ9.eyJpZCI6IngifQ.c2ln"
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Unbake(data)
		if err != nil {
			if got != nil {
				t.Fatalf("result %+v with error %v", got, err)
			}
			if !errors.Is(err, ErrImage) && !errors.Is(err, ErrNotBaked) {
				t.Fatalf("error %q wraps neither ErrImage nor ErrNotBaked", err)
			}
			if len(err.Error()) > maxErrLen {
				t.Fatalf("error message is %d bytes long", len(err.Error()))
			}
		} else {
			if got.Format != "png" && got.Format != "svg" || got.Version != "3.0" && got.Version != "2.0" {
				t.Fatalf("Format, Version = %q, %q", got.Format, got.Version)
			}
			if got.Payload == "" || !utf8.ValidString(got.Payload) || got.Payload != strings.TrimSpace(got.Payload) {
				t.Fatalf("bad payload %q", got.Payload)
			}
		}

		// Whatever the bakers accept must unbake to exactly what was baked.
		if out, berr := BakePNG(data, jws); berr == nil {
			checkUnbaked(t, out, "png", "3.0", jws)
		} else if !errors.Is(berr, ErrImage) {
			t.Fatalf("BakePNG: %v", berr)
		}
		if out, berr := BakeSVG(data, bakeTestJSON); berr == nil {
			if errors.Is(err, ErrImage) {
				t.Fatalf("BakeSVG accepted an SVG that Unbake rejects: %v", err)
			}
			checkUnbaked(t, out, "svg", "3.0", bakeTestJSON)
			if s := svgInspect(t, out); s.badges != 1 || s.direct != 1 {
				t.Fatalf("baked SVG has %d badge elements, %d direct", s.badges, s.direct)
			}
		} else if !errors.Is(berr, ErrImage) {
			t.Fatalf("BakeSVG: %v", berr)
		}
	})
}

func BenchmarkUnbakePNG(b *testing.B) {
	// 224×224 random RGBA pixels encode to about 200 KB.
	baked, err := BakePNG(noisePNG(b, 224, 224), bakeTestJWS(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(baked)))
	for b.Loop() {
		if _, err := Unbake(baked); err != nil {
			b.Fatal(err)
		}
	}
}
