// Package render draws the images of Laurel's public badge pages: QR codes
// of credential links, raster versions of badge art (SVG art is drawn by
// oksvg and rasterx after a rewrite into the subset they read, with text
// as outlines of the Go fonts) and the 1200×630 social preview of a
// credential.
//
// Everything here is a pure function of its input: no HTTP, no storage, no
// fonts or files loaded at run time (the Go fonts are embedded), and the same
// input always yields the same bytes. ArtCache alone keeps state: it
// remembers BadgeImage's results, by the image's hash, for the previews.
// Work is bounded: sizes, document sizes, elements, numbers, line segments
// and painted pixels are capped, and malformed or hostile input yields an
// error, never a panic.
package render
