package ob3

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"unicode/utf8"
)

// BakePNG returns png with the credential (a compact JWS, or credential JSON) in one iTXt chunk with
// keyword "openbadgecredential", compression flag 0, empty language and translated keyword, placed
// before IEND; an existing openbadgecredential chunk is replaced. The input must be a valid PNG.
//
// OB 2.0 "openbadges" text chunks are removed too, so that the image carries
// exactly the credential given; bytes after IEND are dropped. The input is not modified.
func BakePNG(png []byte, credential string) ([]byte, error) {
	cred, _, err := bakeCredential(credential)
	if err != nil {
		return nil, err
	}
	if len(png) > MaxBakedImageSize {
		return nil, imageError("the file is larger than 8 MiB")
	}
	chunks, err := readPNGChunks(png)
	if err != nil {
		return nil, err
	}
	text := make([]byte, 0, len(pngKeywordOB3)+5+len(cred))
	text = append(text, pngKeywordOB3...)
	// NUL after the keyword, compression flag 0, method 0, then the empty
	// language tag and translated keyword, each NUL-terminated.
	text = append(text, 0, 0, 0, 0, 0)
	text = append(text, cred...)
	if len(text) > maxPNGChunk {
		return nil, errors.New("ob3: the credential is too large to bake (8 MiB chunk limit)")
	}

	out := make([]byte, 0, len(png)+len(text)+12)
	out = append(out, pngSignature...)
	kept := 0
	for _, c := range chunks {
		if pngBadgeChunk(c) {
			continue
		}
		if c.typ == "IEND" {
			out = appendPNGChunk(out, "iTXt", text)
			kept++
		}
		out = append(out, png[c.start:c.end]...)
		kept++
	}
	if kept > maxPNGChunks {
		return nil, imageError("the PNG has too many chunks to add a credential")
	}
	if len(out) > MaxBakedImageSize {
		return nil, errors.New("ob3: the baked image would be larger than 8 MiB")
	}
	return out, nil
}

type pngChunk struct {
	typ        string
	data       []byte
	start, end int // the whole chunk: length, type, data and CRC
}

// readPNGChunks checks the chunk structure up to IEND (lengths, types, CRCs,
// IHDR first, some IDAT) without decoding pixels.
func readPNGChunks(b []byte) ([]pngChunk, error) {
	if !bytes.HasPrefix(b, pngSignature) {
		return nil, imageError("not a PNG file")
	}
	var chunks []pngChunk
	off := len(pngSignature)
	sawIDAT := false
	for {
		n := len(chunks) + 1
		rest := len(b) - off
		if rest == 0 {
			return nil, imageError("the PNG ends without an IEND chunk (truncated file?)")
		}
		if rest < 12 {
			return nil, imageError("PNG chunk %d is truncated", n)
		}
		if len(chunks) == maxPNGChunks {
			return nil, imageError("the PNG has more than %d chunks", maxPNGChunks)
		}
		length := binary.BigEndian.Uint32(b[off:])
		if length > maxPNGChunk {
			return nil, imageError("PNG chunk %d declares %d bytes, over the 8 MiB limit", n, length)
		}
		size := int(length)
		if size > rest-12 {
			return nil, imageError("PNG chunk %d runs past the end of the file (truncated file?)", n)
		}
		typ := b[off+4 : off+8]
		for _, c := range typ {
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
				return nil, imageError("PNG chunk %d has an invalid type", n)
			}
		}
		crc := binary.BigEndian.Uint32(b[off+8+size:])
		if crc32.ChecksumIEEE(b[off+4:off+8+size]) != crc {
			return nil, imageError("PNG chunk %d (%s) fails its CRC check (corrupt file)", n, typ)
		}
		c := pngChunk{typ: string(typ), data: b[off+8 : off+8+size], start: off, end: off + 12 + size}
		if n == 1 && (c.typ != "IHDR" || size != 13) {
			return nil, imageError("the PNG does not start with an IHDR chunk")
		}
		chunks = append(chunks, c)
		off = c.end
		switch c.typ {
		case "IDAT":
			sawIDAT = true
		case "IEND":
			if !sawIDAT {
				return nil, imageError("the PNG has no image data (IDAT)")
			}
			return chunks, nil
		}
	}
}

func appendPNGChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

func pngHasKeyword(data []byte, keyword string) bool {
	return len(data) > len(keyword) && data[len(keyword)] == 0 && string(data[:len(keyword)]) == keyword
}

// pngCredentialVersion tells which Open Badges version a chunk carries, or "".
func pngCredentialVersion(c pngChunk) string {
	switch c.typ {
	case "iTXt":
		if pngHasKeyword(c.data, pngKeywordOB3) {
			return "3.0"
		}
		if pngHasKeyword(c.data, pngKeywordOB2) {
			return "2.0"
		}
	case "tEXt", "zTXt":
		if pngHasKeyword(c.data, pngKeywordOB2) {
			return "2.0"
		}
	}
	return ""
}

// pngBadgeChunk reports whether baking should drop c: any text chunk with
// either badge keyword.
func pngBadgeChunk(c pngChunk) bool {
	switch c.typ {
	case "iTXt", "tEXt", "zTXt":
		return pngHasKeyword(c.data, pngKeywordOB3) || pngHasKeyword(c.data, pngKeywordOB2)
	}
	return false
}

func unbakePNG(data []byte) (*Baked, error) {
	chunks, err := readPNGChunks(data)
	if err != nil {
		return nil, err
	}
	for _, c := range chunks {
		version := pngCredentialVersion(c)
		if version == "" {
			continue
		}
		text, err := pngText(c)
		if err != nil {
			return nil, err
		}
		if text == "" {
			return nil, notBakedError("its credential text chunk is empty")
		}
		return &Baked{Format: "png", Version: version, Payload: text}, nil
	}
	return nil, notBakedError("the PNG has no openbadgecredential or openbadges text chunk")
}

// pngText returns the text of a tEXt, zTXt or iTXt chunk whose keyword has
// already been matched.
func pngText(c pngChunk) (string, error) {
	rest := c.data[bytes.IndexByte(c.data, 0)+1:]
	var text []byte
	switch c.typ {
	case "tEXt":
		text = rest
	case "zTXt":
		if len(rest) < 1 || rest[0] != 0 {
			return "", imageError("the credential chunk uses an unknown compression method")
		}
		var err error
		if text, err = pngInflate(rest[1:]); err != nil {
			return "", err
		}
	case "iTXt":
		if len(rest) < 2 {
			return "", imageError("the credential chunk is malformed")
		}
		flag, method := rest[0], rest[1]
		rest = rest[2:]
		// Skip the language tag and the translated keyword.
		for range 2 {
			i := bytes.IndexByte(rest, 0)
			if i < 0 {
				return "", imageError("the credential chunk is malformed")
			}
			rest = rest[i+1:]
		}
		switch flag {
		case 0:
			text = rest
		case 1:
			if method != 0 {
				return "", imageError("the credential chunk uses an unknown compression method")
			}
			var err error
			if text, err = pngInflate(rest); err != nil {
				return "", err
			}
		default:
			return "", imageError("the credential chunk has an invalid compression flag")
		}
	}
	if !utf8.Valid(text) {
		return "", imageError("the credential text is not valid UTF-8")
	}
	return strings.TrimSpace(string(text)), nil
}

func pngInflate(data []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, imageError("the compressed credential text is corrupt")
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, maxPNGInflate+1))
	if len(out) > maxPNGInflate {
		return nil, imageError("the compressed credential text expands beyond 2 MiB")
	}
	if err != nil {
		return nil, imageError("the compressed credential text is corrupt")
	}
	return out, nil
}
