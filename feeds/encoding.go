package feeds

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// maxPrologScan bounds how far into a document the XML declaration and
// DOCTYPE are looked for.
const maxPrologScan = 64 << 10

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16BE = []byte{0xFE, 0xFF}
	bomUTF16LE = []byte{0xFF, 0xFE}
)

// toUTF8 returns the document as UTF-8 without an XML declaration, a
// DOCTYPE or characters XML forbids, ready for gofeed.
//
// It follows Miniflux: bytes that are valid UTF-8 are UTF-8 whatever the
// prolog claims; otherwise the charset of the HTTP Content-Type wins, then
// the prolog's encoding, then windows-1252. A byte-order mark overrides all
// of them. The declaration is removed so that the XML decoder never
// converts the (already converted) text a second time.
func toUTF8(data []byte, contentType string) []byte {
	data = decodeCharset(data, contentType)
	data = stripProlog(data)
	return dropBadCharRefs(filterXMLChars(data))
}

// decodeCharset converts data to UTF-8 as toUTF8 describes.
func decodeCharset(data []byte, contentType string) []byte {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return bytes.ToValidUTF8(data[len(bomUTF8):], []byte("\uFFFD"))
	case bytes.HasPrefix(data, bomUTF16BE), bytes.HasPrefix(data, bomUTF16LE):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err == nil {
			return out
		}
	}
	if utf8.Valid(data) {
		return data
	}
	claimedUTF8 := false
	for _, label := range []string{contentTypeCharset(contentType), prologEncoding(data)} {
		if label == "" {
			continue
		}
		enc, name := charset.Lookup(label)
		switch {
		case enc == nil:
			continue
		case name == "utf-8":
			claimedUTF8 = true
			continue
		case strings.HasPrefix(name, "utf-16"):
			// A prolog readable as ASCII is not UTF-16 without a BOM.
			continue
		}
		if out, err := enc.NewDecoder().Bytes(data); err == nil {
			return out
		}
	}
	if claimedUTF8 {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return out
}

// contentTypeCharset returns the charset parameter of an HTTP Content-Type,
// or "".
func contentTypeCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// xmlDecl returns the bounds of a leading XML declaration
// (`<?xml ... ?>`), allowing for whitespace before it, or ok false.
func xmlDecl(data []byte) (start, end int, ok bool) {
	start = len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	rest := data[start:]
	if len(rest) < 6 || !bytes.HasPrefix(rest, []byte("<?xml")) {
		return 0, 0, false
	}
	if c := rest[5]; c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '?' {
		return 0, 0, false // a processing instruction such as <?xml-stylesheet
	}
	limit := min(len(rest), maxPrologScan)
	i := bytes.Index(rest[:limit], []byte("?>"))
	if i < 0 {
		return 0, 0, false
	}
	return start, start + i + 2, true
}

// prologEncoding returns the encoding named in the XML declaration, or "".
func prologEncoding(data []byte) string {
	start, end, ok := xmlDecl(data)
	if !ok {
		return ""
	}
	decl := data[start:end]
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return ""
	}
	v := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if len(v) == 0 || v[0] != '=' {
		return ""
	}
	v = bytes.TrimLeft(v[1:], " \t\r\n")
	if len(v) == 0 || (v[0] != '"' && v[0] != '\'') {
		return ""
	}
	j := bytes.IndexByte(v[1:], v[0])
	if j < 0 {
		return ""
	}
	return string(v[1 : j+1])
}

// stripProlog removes the XML declaration and a DOCTYPE from the prolog.
// Without the declaration the XML decoder reads the text as UTF-8; without
// the DOCTYPE no entity declarations survive, however hostile, and the root
// element moves within reach of gofeed's format detection.
func stripProlog(data []byte) []byte {
	if _, end, ok := xmlDecl(data); ok {
		data = data[end:]
	}
	i := 0
	for i < len(data) && i < maxPrologScan {
		rest := data[i:]
		switch {
		case rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n':
			i++
		case bytes.HasPrefix(rest, []byte("<!--")):
			j := bytes.Index(rest[4:], []byte("-->"))
			if j < 0 {
				return data
			}
			i += 4 + j + 3
		case bytes.HasPrefix(rest, []byte("<?")):
			j := bytes.Index(rest, []byte("?>"))
			if j < 0 {
				return data
			}
			i += j + 2
		case len(rest) >= 9 && bytes.EqualFold(rest[:9], []byte("<!DOCTYPE")):
			n := doctypeLen(rest)
			out := make([]byte, 0, len(data)-n)
			out = append(out, data[:i]...)
			return append(out, rest[n:]...)
		default:
			return data
		}
	}
	return data
}

// doctypeLen returns the length of the DOCTYPE declaration at the start of
// b, internal subset and quoted strings included, or len(b) when it never
// ends.
func doctypeLen(b []byte) int {
	var quote byte
	depth := 0
	for i := 2; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
		case c == '>' && depth == 0:
			return i + 1
		}
	}
	return len(b)
}

// filterXMLChars drops the characters XML 1.0 forbids: C0 controls other
// than tab, newline and carriage return, U+FFFE and U+FFFF. data must be
// valid UTF-8. It copies only when something must go.
func filterXMLChars(data []byte) []byte {
	clean := true
	for _, c := range data {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xEF {
			clean = false
			break
		}
	}
	if clean {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if validXMLChar(r) {
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	return out
}

// dropBadCharRefs removes numeric character references to characters XML
// forbids, such as "&#1;", on which the XML decoder would give up.
func dropBadCharRefs(data []byte) []byte {
	if !bytes.Contains(data, []byte("&#")) {
		return data
	}
	var out []byte // nil until something must go
	last := 0
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("&#"))
		if j < 0 {
			break
		}
		start := i + j
		end, r, ok := charRef(data[start:])
		i = start + 2
		if !ok || validXMLChar(r) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(data))
		}
		out = append(out, data[last:start]...)
		last = start + end
		i = last
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}

// charRef parses the numeric character reference at the start of b
// ("&#65;" or "&#x41;") and returns its length and value.
func charRef(b []byte) (n int, r rune, ok bool) {
	i, base := 2, 10
	if i < len(b) && (b[i] == 'x' || b[i] == 'X') {
		i, base = 3, 16
	}
	digits := i
	var v int64
	for ; i < len(b) && i-digits < 9; i++ {
		d := int64(-1)
		switch c := b[i]; {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = int64(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = int64(c-'A') + 10
		}
		if d < 0 {
			break
		}
		v = v*int64(base) + d
	}
	if i == digits || i >= len(b) || b[i] != ';' {
		return 0, 0, false
	}
	if v > utf8.MaxRune {
		v = 0 // invalid either way
	}
	return i + 1, rune(v), true
}

// validXMLChar reports whether r may appear in an XML 1.0 document.
func validXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= utf8.MaxRune
}
