package badges

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io"
	"strings"
)

// ImageFormat is the media type of a validated image.
type ImageFormat string

// The image formats Laurel accepts for badges and issuers.
const (
	ImagePNG ImageFormat = "image/png"
	ImageSVG ImageFormat = "image/svg+xml"
)

const (
	// MaxImageBytes is the default upper bound of an uploaded image.
	MaxImageBytes = 1 << 20
	// MaxImageSide bounds a PNG's width and height in pixels (decompression bombs).
	MaxImageSide = 4096
	// MaxImagePixels bounds a PNG's width × height: a small file of many
	// pixels costs its full size in memory whenever it is decoded
	// (4096×4096 at 16 bits is 128 MiB). 2048×2048 is ample for badge art.
	MaxImagePixels = 2048 * 2048

	pngSignature = "\x89PNG\r\n\x1a\n"
	utf8BOM      = "\xef\xbb\xbf"
)

// ValidateImage checks that data is a well-formed PNG or SVG no larger than
// maxBytes and, when declared is non-empty (a Content-Type such as
// "image/png", "image/svg+xml", possibly with parameters like "; charset=utf-8"),
// that the content is what it claims. It returns the detected format.
func ValidateImage(data []byte, declared string, maxBytes int) (ImageFormat, error) {
	if len(data) > maxBytes {
		return "", &Error{Code: ETOOLARGE, Field: "image",
			Message: fmt.Sprintf("image is %d bytes; the limit is %d bytes", len(data), maxBytes)}
	}
	if len(data) == 0 {
		return "", imageErrorf("image is empty")
	}
	claimed, err := declaredFormat(declared)
	if err != nil {
		return "", err
	}
	detected := sniffImage(data)
	if claimed != "" && claimed != detected {
		noun := map[ImageFormat]string{ImagePNG: "a PNG", ImageSVG: "an SVG"}[claimed]
		return "", imageErrorf("the upload is declared as %s but is not %s", claimed, noun)
	}
	validate := map[ImageFormat]func([]byte) error{ImagePNG: validatePNG, ImageSVG: validateSVG}[detected]
	if validate == nil {
		return "", imageErrorf("the image is neither a PNG nor an SVG")
	}
	if err := validate(data); err != nil {
		return "", err
	}
	return detected, nil
}

// imageErrorf returns an EINVALID error about the image field.
func imageErrorf(format string, args ...any) error {
	return FieldErrorf("image", format, args...)
}

// declaredFormat reduces a Content-Type to an accepted format or "" (none).
func declaredFormat(declared string) (ImageFormat, error) {
	mediaType, _, _ := strings.Cut(declared, ";")
	format := ImageFormat(strings.ToLower(strings.TrimSpace(mediaType)))
	switch format {
	case "", ImagePNG, ImageSVG:
		return format, nil
	}
	return "", imageErrorf("unsupported image type %.64s; upload PNG or SVG", format)
}

// sniffImage guesses the format from the first bytes; anything starting like
// markup is an SVG candidate, so a broken SVG is reported as such.
func sniffImage(data []byte) ImageFormat {
	rest := bytes.TrimLeft(bytes.TrimPrefix(data, []byte(utf8BOM)), " \t\r\n")
	switch {
	case bytes.HasPrefix(data, []byte(pngSignature)):
		return ImagePNG
	case bytes.HasPrefix(rest, []byte("<")):
		return ImageSVG
	}
	return ""
}

// validatePNG checks the header's size before decoding, so that a small
// file claiming many pixels is refused without allocating them.
func validatePNG(data []byte) error {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return pngError(err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide {
		return imageErrorf("the PNG is %d×%d pixels; width and height must be between 1 and %d",
			cfg.Width, cfg.Height, MaxImageSide)
	}
	if cfg.Width*cfg.Height > MaxImagePixels {
		return imageErrorf("the PNG is %d×%d pixels (%d); the limit is %d pixels, such as 2048×2048",
			cfg.Width, cfg.Height, cfg.Width*cfg.Height, MaxImagePixels)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		return pngError(err)
	}
	return nil
}

func pngError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = errors.New("the file is truncated")
	}
	return imageErrorf("not a valid PNG: %s", strings.TrimPrefix(err.Error(), "png: "))
}
