// Package filetype recognises the kinds of file ctip accepts as
// attachments from their first bytes (never from the name or the declared
// type), so that domain packages need not import net/http.
package filetype

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Content types ctip accepts.
const (
	PDF     = "application/pdf"
	JPEG    = "image/jpeg"
	PNG     = "image/png"
	GIF     = "image/gif"
	WebP    = "image/webp"
	MP3     = "audio/mpeg"
	WAV     = "audio/wave"
	Ogg     = "audio/ogg"
	MP4     = "video/mp4"
	WebM    = "video/webm"
	Text    = "text/plain; charset=utf-8"
	Zip     = "application/zip"
	Doc     = "application/msword"
	Docx    = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	Xlsx    = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	Unknown = "application/octet-stream"
)

// Accepted lists the types an attachment may have.
var Accepted = []string{PDF, JPEG, PNG, GIF, WebP, MP3, WAV, Ogg, MP4, WebM, Text, Zip, Doc, Docx, Xlsx}

// Detect returns the content type of b from its signature. For ZIP
// containers the name's extension tells a Word or Excel document from a
// plain archive. Anything else is Unknown.
func Detect(b []byte, filename string) string {
	has := func(off int, sig string) bool {
		return len(b) >= off+len(sig) && string(b[off:off+len(sig)]) == sig
	}
	switch {
	case has(0, "%PDF-"):
		return PDF
	case has(0, "\xFF\xD8\xFF"):
		return JPEG
	case has(0, "\x89PNG\r\n\x1a\n"):
		return PNG
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return GIF
	case has(0, "RIFF") && has(8, "WEBP"):
		return WebP
	case has(0, "RIFF") && has(8, "WAVE"):
		return WAV
	case has(0, "ID3"), len(b) > 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0:
		return MP3
	case has(0, "OggS"):
		return Ogg
	case has(4, "ftyp"):
		return MP4
	case has(0, "\x1A\x45\xDF\xA3"):
		return WebM
	case has(0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return Doc
	case has(0, "PK\x03\x04"):
		switch strings.ToLower(ext(filename)) {
		case ".docx":
			return Docx
		case ".xlsx":
			return Xlsx
		}
		return Zip
	}
	if isText(b) {
		return Text
	}
	return Unknown
}

func ext(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// isText: valid UTF-8 without control characters other than whitespace.
func isText(b []byte) bool {
	if len(b) == 0 || !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			return false
		}
	}
	return true
}
