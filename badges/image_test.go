package badges

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"
	"testing"
)

const svgHead = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">`

// svgDoc wraps body in an otherwise valid SVG root.
func svgDoc(body string) []byte { return []byte(svgHead + body + "</svg>") }

// makePNG encodes a w×h gradient, enough structure for real compression.
func makePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: uint8(x ^ y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngChunk frames one PNG chunk with its length and CRC.
func pngChunk(kind string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(append(out, kind...), data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(kind), data...)))
}

// hugePNG is a hand-made PNG whose header claims width×height pixels.
func hugePNG(width, height uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, width)
	ihdr = binary.BigEndian.AppendUint32(ihdr, height)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit greyscale, no interlace
	out := append([]byte(pngSignature), pngChunk("IHDR", ihdr)...)
	return append(out, pngChunk("IEND", nil)...)
}

const bakedSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 10 10">
<openbadges:credential verify="eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"><![CDATA[
{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"]}
]]></openbadges:credential><circle cx="5" cy="5" r="4"/></svg>`

func TestValidateImageAccepts(t *testing.T) {
	pngData := makePNG(t, 16, 8)
	tests := []struct {
		name, declared string
		data           []byte
		want           ImageFormat
	}{
		{"png undeclared", "", pngData, ImagePNG},
		{"png declared with parameters", "IMAGE/PNG; q=1", pngData, ImagePNG},
		{"png at the pixel limit", "", makePNG(t, MaxImageSide, MaxImagePixels/MaxImageSide), ImagePNG},
		{"svg", "image/svg+xml; charset=utf-8", svgDoc(`<rect width="5" height="5"/>`), ImageSVG},
		{"svg with xml declaration", "", append([]byte(`<?xml version="1.0" encoding="utf-8"?>`+"\n"), svgDoc("")...), ImageSVG},
		{"svg with byte order mark", "", append([]byte(utf8BOM), svgDoc("")...), ImageSVG},
		{"svg prefixed root", "", []byte(`<s:svg xmlns:s="http://www.w3.org/2000/svg"/>`), ImageSVG},
		{"baked openbadges credential", "image/svg+xml", []byte(bakedSVG), ImageSVG},
		{"fragment and embedded png links", "", svgDoc(`<use href="#a"/><image xlink:href=" data:image/png;base64,iVBORw0KGgo="/>`), ImageSVG},
		{"gradient fill and style", "", svgDoc(`<style>/* badge */ rect { fill: url( "#g" ) }</style><rect style="fill:url(#g)" fill="url(#g)"/>`), ImageSVG},
		{"comments and entities", "", svgDoc(`<!-- drawn by hand --><text>a &amp; b &#x263A;</text>`), ImageSVG},
		{"default badge", "", DefaultBadgeSVG("Community Host"), ImageSVG},
		{"animated presentation attribute", "", svgDoc(`<rect width="5" height="5"><set attributeName="fill" to="#f00"/><animate xmlns:q="urn:q" attributeName="q:href" to="#a"/></rect>`), ImageSVG},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidateImage(tc.data, tc.declared, MaxImageBytes)
			if err != nil || got != tc.want {
				t.Fatalf("ValidateImage = %q, %v; want %q, nil", got, err, tc.want)
			}
		})
	}
}

func TestValidateImageRejects(t *testing.T) {
	pngData := makePNG(t, 32, 32)
	deep := strings.Repeat("<g>", 100) + strings.Repeat("</g>", 100)
	tests := []struct {
		name, declared string
		data           []byte
		limit          int
		code, mention  string
	}{
		{"too large", "", bytes.Repeat([]byte("x"), 101), 100, ETOOLARGE, "101 bytes; the limit is 100 bytes"},
		{"empty", "", nil, 0, EINVALID, "empty"},
		{"random bytes", "", []byte{0x13, 0x37, 0xfe, 0xed, 0x00, 0x42, 0x99, 0xa1}, 0, EINVALID, "neither a PNG nor an SVG"},
		{"not xml at all", "", []byte("hello, badge"), 0, EINVALID, "neither a PNG nor an SVG"},
		{"png declared as svg", "image/svg+xml", pngData, 0, EINVALID, "declared as image/svg+xml but is not an SVG"},
		{"svg declared as png", "image/png", svgDoc(""), 0, EINVALID, "declared as image/png but is not a PNG"},
		{"unsupported declared type", "image/gif", []byte("GIF89a"), 0, EINVALID, "Unsupported image type image/gif"},
		{"truncated png", "", pngData[:len(pngData)/2], 0, EINVALID, "Not a valid PNG"},
		{"corrupt png", "", append([]byte(pngSignature), "garbage after the signature"...), 0, EINVALID, "Not a valid PNG"},
		{"huge png", "", hugePNG(100000, 1), 0, EINVALID, "100000×1"},
		{"zero-height png", "", hugePNG(1, 0), 0, EINVALID, "Not a valid PNG"},
		// Only a header: decoding it would fail as truncated, so the
		// message shows the header alone was read.
		{"too many pixels, refused from the header", "", hugePNG(2049, 2048), 0, EINVALID, "2049×2048 pixels (4196352); the limit is 4194304 pixels"},
		{"4096×4096, refused from the header", "", hugePNG(MaxImageSide, MaxImageSide), 0, EINVALID, "the limit is 4194304 pixels"},
		{"script", "", svgDoc(`<script>alert(1)</script>`), 0, EINVALID, "<script>"},
		{"script in another namespace", "", svgDoc(`<h:SCRIPT xmlns:h="http://www.w3.org/1999/xhtml"/>`), 0, EINVALID, "SCRIPT"},
		{"onload handler", "", svgDoc(`<rect onload="alert(1)"/>`), 0, EINVALID, "onload"},
		{"upper-case handler", "", svgDoc(`<rect OnClick="x()"/>`), 0, EINVALID, "OnClick"},
		{"external xlink href", "", svgDoc(`<image xlink:href="https://evil.example/x.png"/>`), 0, EINVALID, "https://evil.example/x.png"},
		{"external use href", "", svgDoc(`<use href="http://evil.example/s.svg#a"/>`), 0, EINVALID, "http://evil.example"},
		{"embedded svg data", "", svgDoc(`<image href="data:image/svg+xml;base64,PHN2Zy8+"/>`), 0, EINVALID, "data:image/svg+xml"},
		{"foreignObject", "", svgDoc(`<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>`), 0, EINVALID, "foreignObject"},
		{"iframe", "", svgDoc(`<iframe/>`), 0, EINVALID, "iframe"},
		{"embed", "", svgDoc(`<embed/>`), 0, EINVALID, "embed"},
		{"object", "", svgDoc(`<object/>`), 0, EINVALID, "object"},
		{"billion laughs", "", []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>` +
			svgHead + `<text>&lol2;</text></svg>`), 0, EINVALID, "DOCTYPE"},
		{"bare entity declaration", "", []byte(`<!ENTITY x "y">` + string(svgDoc(""))), 0, EINVALID, "ENTITY"},
		{"stylesheet processing instruction", "", []byte(`<?xml-stylesheet href="x.css"?>` + string(svgDoc(""))), 0, EINVALID, "xml-stylesheet"},
		{"late xml declaration", "", []byte(" \n" + `<?xml version="1.0"?>` + string(svgDoc(""))), 0, EINVALID, "XML declaration"},
		{"style attribute url", "", svgDoc(`<rect style="background:url(https://x)"/>`), 0, EINVALID, "url(https://x)"},
		{"presentation attribute url", "", svgDoc(`<rect fill="URL('//x.example/p#a')"/>`), 0, EINVALID, "url(//x.example/p#a')"},
		{"style import", "", svgDoc(`<style>@import url(x)</style>`), 0, EINVALID, "@import"},
		{"style url split by cdata", "", svgDoc(`<style>a{fill:ur<![CDATA[l(https://x)]]>}</style>`), 0, EINVALID, "url(https://x)"},
		{"css escape", "", svgDoc(`<style>a{fill:\75 rl(https://x)}</style>`), 0, EINVALID, "CSS escape"},
		{"javascript href", "", svgDoc(`<a href="javascript:alert(1)"><rect/></a>`), 0, EINVALID, "javascript:"},
		{"obfuscated javascript", "", svgDoc(`<a xlink:href=" JaVa&#x09;Script:alert(1)"/>`), 0, EINVALID, "javascript:"},
		{"animated href", "", svgDoc(`<a href="#a"><set attributeName="href" to="https://x"/></a>`), 0, EINVALID, "animates the href"},
		{"animated href under another xlink prefix", "", svgDoc(`<a href="#a"><set xmlns:q="http://www.w3.org/1999/xlink" attributeName="q:href" to="https://x"/></a>`), 0, EINVALID, "animates the q:href"},
		{"animated href, prefix bound on an ancestor", "", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:L="http://www.w3.org/1999/xlink"><a L:href="#a"><animate attributeName=" L:href " values="https://x"/></a></svg>`), 0, EINVALID, "animates the L:href"},
		{"animated attribute of an undeclared prefix", "", svgDoc(`<set attributeName="p:href" to="https://x"/>`), 0, EINVALID, "undeclared prefix p"},
		{"xml:base", "", svgDoc(`<g xml:base="https://evil.example/"><use href="#a"/></g>`), 0, EINVALID, "xml:base"},
		{"animated xml:base", "", svgDoc(`<g><set attributeName="xml:base" to="https://evil.example/"/><use href="#a"/></g>`), 0, EINVALID, "animates the xml:base"},
		{"root not svg", "", []byte(`<html xmlns="http://www.w3.org/1999/xhtml"/>`), 0, EINVALID, "<html>"},
		{"svg in wrong namespace", "", []byte(`<svg xmlns="http://example.com/not-svg"/>`), 0, EINVALID, "http://example.com/not-svg"},
		{"svg without namespace", "", []byte(`<svg/>`), 0, EINVALID, `namespace ""`},
		{"two roots", "", append(svgDoc(""), svgDoc("")...), 0, EINVALID, "more than one root"},
		{"text after root", "", append(svgDoc(""), "junk"...), 0, EINVALID, "outside the root"},
		{"unclosed element", "", []byte(svgHead + "<g>"), 0, EINVALID, "Not a valid SVG"},
		{"only a comment", "", []byte("<!-- nothing -->"), 0, EINVALID, "no root element"},
		{"invalid utf-8", "", svgDoc("<text>\xff\xfe</text>"), 0, EINVALID, "UTF-8"},
		{"latin-1 encoding", "", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>` + string(svgDoc(""))), 0, EINVALID, "ISO-8859-1"},
		{"deeply nested", "", svgDoc(deep), 0, EINVALID, "deeper than 64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			limit := tc.limit
			if limit == 0 {
				limit = MaxImageBytes
			}
			got, err := ValidateImage(tc.data, tc.declared, limit)
			if got != "" || ErrorCode(err) != tc.code {
				t.Fatalf("ValidateImage = %q, %v; want code %s", got, err, tc.code)
			}
			if msg := ErrorMessage(err); !strings.Contains(msg, tc.mention) {
				t.Errorf("message %q does not mention %q", msg, tc.mention)
			}
			if f := ErrorField(err); f != "image" {
				t.Errorf("field = %q, want image", f)
			}
		})
	}
}

// contrastWithWhite is the WCAG contrast ratio of white over the #rrggbb colour.
func contrastWithWhite(t *testing.T, hex string) float64 {
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		t.Fatal(err)
	}
	linear := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	l := 0.2126*linear(v>>16) + 0.7152*linear(v>>8&0xff) + 0.0722*linear(v&0xff)
	return 1.05 / (l + 0.05)
}

func FuzzValidateImage(f *testing.F) {
	pngData := makePNG(f, 4, 4)
	f.Add(pngData, "image/png")
	f.Add(pngData[:40], "")
	f.Add(hugePNG(100000, 1), "")
	f.Add(hugePNG(MaxImageSide, MaxImageSide), "")
	f.Add(svgDoc(`<rect fill="url(#g)"/>`), "image/svg+xml")
	f.Add([]byte(bakedSVG), "")
	f.Add(svgDoc(`<script>alert(1)</script>`), "")
	f.Add(svgDoc(`<style>@import url(x)</style><a xlink:href="javascript:x"/>`), "")
	f.Add([]byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg/>`), "text/plain")
	f.Add(DefaultBadgeSVG("Community Host"), "")
	f.Fuzz(func(t *testing.T, data []byte, declared string) {
		format, err := ValidateImage(data, declared, MaxImageBytes)
		if err == nil && format != ImagePNG && format != ImageSVG {
			t.Fatalf("accepted with format %q", format)
		}
		if code := ErrorCode(err); err != nil && (format != "" || (code != EINVALID && code != ETOOLARGE)) {
			t.Fatalf("rejected with format %q and code %s: %v", format, code, err)
		}
	})
}

func BenchmarkValidateImage(b *testing.B) {
	var svg strings.Builder
	svg.WriteString(svgHead)
	for i := 0; svg.Len() < 100_000; i++ {
		fmt.Fprintf(&svg, `<rect x="%d" y="%d" width="4" height="4" fill="#%06x"/>`+"\n", i%512, i/512, i*2654435761%(1<<24))
	}
	svg.WriteString("</svg>")
	inputs := []struct {
		name string
		data []byte
	}{
		{"svg-100KB", []byte(svg.String())},
		{"png-512x512", makePNG(b, 512, 512)},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ValidateImage(in.data, "", MaxImageBytes); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
