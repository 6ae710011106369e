package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqrcode "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/skip2/go-qrcode"
)

const (
	shortURL = "https://badges.example.org/c/01JD3XK9Q2M7RZ0V5B8N4T6W1Y"
	testURL  = "https://badges.example.org/credentials/01JD3XK9Q2M7RZ0V5B8N4T6W1Y?ref=social-preview"
)

// longURL is about 300 characters long.
var longURL = "https://badges.example.org/credentials/01JD3XK9Q2M7RZ0V5B8N4T6W1Y?" +
	strings.Repeat("utm_source=laurel&utm_medium=qr&", 8) + "end=1"

// decodeQR reads the QR code in img.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("binarize: %v", err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := zxqrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    Level
		wantErr bool
	}{
		{"", LevelMedium, false},
		{"L", LevelLow, false},
		{"l", LevelLow, false},
		{"M", LevelMedium, false},
		{"q", LevelQuartile, false},
		{"H", LevelHigh, false},
		{"h", LevelHigh, false},
		{"X", 0, true},
		{"LOW", 0, true},
		{" M", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestQRPNGRoundTrip(t *testing.T) {
	for _, content := range []string{shortURL, longURL} {
		for _, level := range []Level{LevelLow, LevelMedium, LevelQuartile, LevelHigh} {
			for _, size := range []int{256, 512} {
				t.Run(fmt.Sprintf("%d/%v/%d", len(content), level, size), func(t *testing.T) {
					data, err := QRPNG(content, size, level)
					if err != nil {
						t.Fatal(err)
					}
					img, err := png.Decode(bytes.NewReader(data))
					if err != nil {
						t.Fatal(err)
					}
					if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
						t.Fatalf("image is %v, want %d×%d", b, size, size)
					}
					if got := decodeQR(t, img); got != content {
						t.Errorf("decoded %q, want %q", got, content)
					}
				})
			}
		}
	}
}

func TestQRImageModulesAreWholePixels(t *testing.T) {
	code, err := qrcode.New(testURL, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	bitmap := code.Bitmap()
	const size = 512
	img, err := QRImage(testURL, size, LevelMedium)
	if err != nil {
		t.Fatal(err)
	}
	n := len(bitmap)
	scale, offset := size/n, (size-size/n*n)/2
	for y := range size {
		for x := range size {
			want := false
			if mx, my := (x-offset)/scale, (y-offset)/scale; x >= offset && y >= offset && mx < n && my < n {
				want = bitmap[my][mx]
			}
			r, _, _, _ := img.At(x, y).RGBA()
			if dark := r == 0; dark != want {
				t.Fatalf("pixel (%d, %d) dark = %v, want %v (module size %d, offset %d)", x, y, dark, want, scale, offset)
			}
		}
	}
}

func TestQRSVG(t *testing.T) {
	const size = 300
	content := `https://example.org/?a=1&b=<2>"`
	svg, err := QRSVG(content, size, LevelQuartile)
	if err != nil {
		t.Fatal(err)
	}
	code, err := qrcode.New(content, qrcode.High)
	if err != nil {
		t.Fatal(err)
	}
	want := code.Bitmap()
	n := len(want)

	var root, path, title, bg map[string]string
	var titleText string
	paths := 0
	dec := xml.NewDecoder(bytes.NewReader(svg))
	inTitle := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attrs := make(map[string]string)
			for _, a := range tok.Attr {
				attrs[a.Name.Local] = a.Value
			}
			switch tok.Name.Local {
			case "svg":
				root = attrs
			case "path":
				path = attrs
				paths++
			case "title":
				title, inTitle = attrs, true
			case "rect":
				bg = attrs
			}
		case xml.CharData:
			if inTitle {
				titleText += string(tok)
			}
		case xml.EndElement:
			inTitle = false
		}
	}
	if root == nil || title == nil || bg == nil || paths != 1 {
		t.Fatalf("want an <svg> with a <title>, a <rect> and one <path>; got %s", svg)
	}
	for attr, want := range map[string]string{
		"width": "300", "height": "300", "viewBox": fmt.Sprintf("0 0 %d %d", n, n),
		"shape-rendering": "crispEdges", "role": "img",
	} {
		if root[attr] != want {
			t.Errorf("<svg %s=%q>, want %q", attr, root[attr], want)
		}
	}
	if bg["fill"] != "#ffffff" || bg["width"] != fmt.Sprint(n) {
		t.Errorf("background rect %v, want a white %d-module square", bg, n)
	}
	if !strings.Contains(titleText, content) {
		t.Errorf("title %q does not hold the content %q", titleText, content)
	}
	got := runsToBitmap(t, path["d"], n)
	for y := range n {
		for x := range n {
			if got[y][x] != want[y][x] {
				t.Fatalf("module (%d, %d) = %v, want %v", x, y, got[y][x], want[y][x])
			}
		}
	}
}

// runsToBitmap reads back a path of "M x y h w v1 h-w z" runs.
func runsToBitmap(t *testing.T, d string, n int) [][]bool {
	t.Helper()
	bitmap := make([][]bool, n)
	for i := range bitmap {
		bitmap[i] = make([]bool, n)
	}
	for run := range strings.SplitSeq(strings.TrimSuffix(d, "z"), "z") {
		var x, y, w, w2 int
		if _, err := fmt.Sscanf(run, "M%d %dh%dv1h-%d", &x, &y, &w, &w2); err != nil || w != w2 || w < 1 {
			t.Fatalf("bad run %q in path: %v", run, err)
		}
		for i := x; i < x+w; i++ {
			if bitmap[y][i] {
				t.Fatalf("module (%d, %d) is in two runs", i, y)
			}
			bitmap[y][i] = true
		}
	}
	return bitmap
}

func TestQRErrors(t *testing.T) {
	tooLong := strings.Repeat("x", 3000)
	tests := []struct {
		name    string
		content string
		size    int
		level   Level
	}{
		{"empty", "", 256, LevelMedium},
		{"too small", shortURL, MinQRSize - 1, LevelMedium},
		{"too big", shortURL, MaxQRSize + 1, LevelMedium},
		{"zero", shortURL, 0, LevelMedium},
		{"negative", shortURL, -256, LevelMedium},
		{"bad level", shortURL, 256, Level(7)},
		{"too long", tooLong, 256, LevelLow},
		{"too long for H", strings.Repeat("x", 1300), 256, LevelHigh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, f := range map[string]func(string, int, Level) ([]byte, error){"PNG": QRPNG, "SVG": QRSVG} {
				if out, err := f(tt.content, tt.size, tt.level); err == nil {
					t.Errorf("QR%s = %d bytes, want an error", name, len(out))
				}
			}
			if _, err := QRImage(tt.content, tt.size, tt.level); err == nil {
				t.Error("QRImage succeeded, want an error")
			}
		})
	}
}

func TestQRSizeBounds(t *testing.T) {
	for _, size := range []int{MinQRSize, MaxQRSize} {
		img, err := QRImage(longURL, size, LevelHigh)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if b := img.Bounds(); b != image.Rect(0, 0, size, size) {
			t.Errorf("size %d: bounds %v", size, b)
		}
	}
}

func TestLevelString(t *testing.T) {
	for _, s := range []string{"L", "M", "Q", "H"} {
		l, err := ParseLevel(s)
		if err != nil || l.String() != s {
			t.Errorf("ParseLevel(%q).String() = %q, %v", s, l, err)
		}
	}
	if got := Level(9).String(); got != "Level(9)" {
		t.Errorf("Level(9).String() = %q", got)
	}
}
