// Package yamlpos decodes YAML strictly and reports every problem with its
// position, as "file:line:col: message", so that an operator can jump to it.
//
// Decode rejects unknown keys (listing the known ones), duplicate keys,
// fractions where an integer is expected and files of more than one document,
// reports syntax and type errors (invalid UTF-8 at its real line and column),
// and collects all of them instead of stopping at the first. Custom types
// decoded with UnmarshalYAML should return a ValueError so their message
// carries the node's position and decoding carries on past them.
package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Error is one problem at one position in one file.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

// Error formats the problem as "file:line:col: message", on one line: line
// breaks in the message (from a quoted value) are escaped.
func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, e.Line, e.Col, oneLine.Replace(e.Msg))
}

var oneLine = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`)

// NodeError returns an *Error positioned at n, with no file.
func NodeError(n *yaml.Node, format string, args ...any) *Error {
	return &Error{Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
}

// ValueError returns the error an UnmarshalYAML method should return for a
// bad value at n: the decoder records it and carries on with the rest of the
// document, and DecodeNode reports it at n's line and column.
func ValueError(n *yaml.Node, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d, column %d: %s", n.Line, n.Column, fmt.Sprintf(format, args...))}}
}

// List is a list of problems. Its Error method prints one per line.
type List []*Error

// Error prints every problem, one per line.
func (l List) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Capped returns l sorted by position and, when it holds more than max
// problems, cut to the first max and one last problem, at the position of
// the first one left out, that counts the rest: "… and 1,234 more problems in
// this file (only the first 100 are shown)".
func (l List) Capped(max int) List {
	_ = l.Err() // sorts
	if len(l) <= max {
		return l
	}
	rest := l[max]
	out := append(l[:max:max], &Error{File: rest.File, Line: rest.Line, Col: rest.Col,
		Msg: fmt.Sprintf("… and %s more problems in this file (only the first %d are shown)", thousands(len(l)-max), max)})
	return out
}

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Add appends a problem positioned at n in file.
func (l *List) Add(file string, n *yaml.Node, format string, args ...any) {
	e := NodeError(n, format, args...)
	e.File = file
	*l = append(*l, e)
}

// Err returns l sorted by position as an error, or nil when l is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].File != l[j].File {
			return l[i].File < l[j].File
		}
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		return l[i].Col < l[j].Col
	})
	return l
}

var lineRe = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: ?`)

// Decode parses data, a single YAML document from file, into out, which must be
// a pointer to a struct. It returns the document's root mapping node (nil when
// the document is empty or cannot be parsed) and every problem found.
func Decode(file string, data []byte, out any) (*yaml.Node, List) {
	root, errs := Parse(file, data)
	if len(errs) > 0 || root == nil {
		return nil, errs
	}
	return root, DecodeNode(file, root, out)
}

// Parse parses data, which must hold at most one YAML document, and returns
// the document's root node, or nil when the document is empty. A second
// document is an error at its first line; so are syntax errors and bytes that
// are not UTF-8, at their line and column.
func Parse(file string, data []byte) (*yaml.Node, List) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, List{syntaxError(file, data, err)}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, List{syntaxError(file, data, err)}
	case !emptyDocument(&next):
		n := &next
		if len(next.Content) > 0 {
			n = next.Content[0]
		}
		return nil, List{{File: file, Line: n.Line, Col: n.Column,
			Msg: "a second YAML document starts here; the file must hold one document (remove the \"---\" line before it)"}}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// emptyDocument reports whether doc holds nothing, as a "---" at the end of a
// file does.
func emptyDocument(doc *yaml.Node) bool {
	if len(doc.Content) == 0 {
		return true
	}
	n := doc.Content[0]
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" && n.Anchor == ""
}

// DecodeNode decodes n into out strictly, like Decode. Problems in the keys
// do not stop the values from being decoded and checked: every problem is
// reported. Later duplicates of a key are removed from n.
func DecodeNode(file string, n *yaml.Node, out any) List {
	var errs List
	checkKeys(file, n, reflect.TypeOf(out), &errs)
	if err := n.Decode(out); err != nil {
		errs = append(errs, decodeErrors(file, n, err)...)
	}
	return errs
}

// syntaxError positions a parser error: at the line and column the message
// names, or, for bytes the parser refuses without a position (invalid UTF-8,
// control characters), at the first such byte of data.
func syntaxError(file string, data []byte, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: file, Line: 1, Col: 1, Msg: "invalid YAML: " + msg}
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			e.Col, _ = strconv.Atoi(m[2])
		}
		e.Msg = "invalid YAML: " + strings.Replace(msg, m[0], "", 1)
	} else if off, what := badByte(data); off >= 0 {
		e.Line, e.Col = lineCol(data, off)
		e.Msg = "invalid YAML: " + what
	}
	return e
}

// badByte returns the offset of the first byte sequence YAML refuses, and
// what is wrong with it, or -1.
func badByte(data []byte) (int, string) {
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return off, fmt.Sprintf("invalid UTF-8 (byte 0x%02x); save the file as UTF-8", data[off])
		case !printable(r) && !(off == 0 && r == '\uFEFF'):
			return off, fmt.Sprintf("control character %U is not allowed", r)
		}
		off += size
	}
	return -1, ""
}

// printable reports whether YAML allows r in a stream, as the YAML 1.2
// specification's c-printable production does.
func printable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return false
	case r == 0xfffe || r == 0xffff:
		return false
	}
	return true
}

// lineCol converts a byte offset in data into a 1-based line and a 1-based
// column counted in characters, as the YAML parser counts them.
func lineCol(data []byte, off int) (line, col int) {
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[start:])
}

func decodeErrors(file string, root *yaml.Node, err error) List {
	var pe *Error
	if errors.As(err, &pe) {
		c := *pe
		c.File = file
		return List{&c}
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return List{{File: file, Line: root.Line, Col: root.Column, Msg: err.Error()}}
	}
	var out List
	for _, msg := range te.Errors {
		if strings.Contains(msg, "already defined at line") {
			continue // checkKeys reports duplicate keys
		}
		e := &Error{File: file, Line: root.Line, Col: root.Column, Msg: msg}
		if m := lineRe.FindStringSubmatch(msg); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = strings.Replace(msg, m[0], "", 1)
			if m[2] != "" {
				e.Col, _ = strconv.Atoi(m[2])
			} else {
				e.Col = columnAt(root, e.Line, e.Msg)
			}
		}
		e.Msg = strings.Replace(e.Msg, "cannot unmarshal !!", "cannot use a ", 1)
		out = append(out, e)
	}
	return out
}

// columnAt finds the column of the node on line whose value the message
// quotes, or the first node on that line.
func columnAt(n *yaml.Node, line int, msg string) int {
	col := 0
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Line == line && (col == 0 || (n.Value != "" && strings.Contains(msg, "`"+n.Value))) {
			col = n.Column
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	if col == 0 {
		col = 1
	}
	return col
}

var (
	unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
	nodeType        = reflect.TypeOf(yaml.Node{})
)

// checkKeys reports mapping keys that do not name a field of t, duplicate
// keys (removing the later ones from n, so the decoder still decodes the
// mapping) and fractions where t wants an integer, recursively.
func checkKeys(file string, n *yaml.Node, t reflect.Type, errs *List) {
	if n == nil || t == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
		if n == nil {
			return
		}
	}
	for t.Kind() == reflect.Pointer {
		if t.Implements(unmarshalerType) {
			return
		}
		t = t.Elem()
	}
	if t == nodeType || reflect.PointerTo(t).Implements(unmarshalerType) || t.Implements(unmarshalerType) {
		return
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		// The decoder would silently truncate 2.5 to 2.
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" {
			errs.Add(file, n, "expected a whole number, got %s", n.Value)
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // the decoder reports the type mismatch
		}
		fields := structFields(t)
		for _, kv := range uniqueKeys(file, n, errs) {
			k, v := kv[0], kv[1]
			ft, ok := fields[k.Value]
			if !ok {
				errs.Add(file, k, "unknown key %q (known keys: %s)", k.Value, knownKeys(fields))
				continue
			}
			checkKeys(file, v, ft, errs)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				checkKeys(file, c, t.Elem(), errs)
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for _, kv := range uniqueKeys(file, n, errs) {
				checkKeys(file, kv[1], t.Elem(), errs)
			}
		}
	}
}

// uniqueKeys reports each key of the mapping n that repeats an earlier one,
// removes it and its value from n, and returns the remaining pairs.
func uniqueKeys(file string, n *yaml.Node, errs *List) [][2]*yaml.Node {
	seen := map[string]bool{}
	var pairs [][2]*yaml.Node
	kept := n.Content[:0:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode {
			if seen[k.Value] {
				errs.Add(file, k, "duplicate key %q", k.Value)
				continue
			}
			seen[k.Value] = true
		}
		kept = append(kept, k, v)
		pairs = append(pairs, [2]*yaml.Node{k, v})
	}
	if len(kept) != len(n.Content) {
		n.Content = kept
	}
	return pairs
}

func structFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			for k, v := range structFields(f.Type) {
				fields[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields
}

func knownKeys(fields map[string]reflect.Type) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
