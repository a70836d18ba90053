// Package yamlpos decodes YAML strictly and reports every problem with its
// position, as "file:line:col: message", so that an operator can jump to it.
//
// Decode rejects unknown keys (listing the known ones), reports syntax and type
// errors, and collects all of them instead of stopping at the first. Custom
// types decoded with UnmarshalYAML should return an *Error (see NodeError) so
// their message carries the node's position too.
package yamlpos

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem at one position in one file.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

// Error formats the problem as "file:line:col: message".
func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, e.Line, e.Col, e.Msg)
}

// NodeError returns an *Error positioned at n. The file is filled in by
// Decode; use it from UnmarshalYAML methods.
func NodeError(n *yaml.Node, format string, args ...any) *Error {
	return &Error{Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
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
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, List{syntaxError(file, err)}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	return root, DecodeNode(file, root, out)
}

// DecodeNode decodes n into out strictly, like Decode.
func DecodeNode(file string, n *yaml.Node, out any) List {
	var errs List
	checkKeys(file, n, reflect.TypeOf(out), &errs)
	if len(errs) > 0 {
		return errs
	}
	if err := n.Decode(out); err != nil {
		errs = append(errs, decodeErrors(file, n, err)...)
	}
	return errs
}

func syntaxError(file string, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: file, Line: 1, Col: 1, Msg: "invalid YAML: " + msg}
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			e.Col, _ = strconv.Atoi(m[2])
		}
		e.Msg = "invalid YAML: " + strings.Replace(msg, m[0], "", 1)
	}
	return e
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
		e := &Error{File: file, Line: root.Line, Col: root.Column, Msg: msg}
		if m := lineRe.FindStringSubmatch(msg); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = strings.Replace(msg, m[0], "", 1)
			e.Col = columnAt(root, e.Line, e.Msg)
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

// checkKeys reports mapping keys that do not name a field of t, recursively.
func checkKeys(file string, n *yaml.Node, t reflect.Type, errs *List) {
	if n == nil || t == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
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
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // the decoder reports the type mismatch
		}
		fields := structFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				errs.Add(file, k, "duplicate key %q", k.Value)
				continue
			}
			seen[k.Value] = true
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
			for i := 1; i < len(n.Content); i += 2 {
				checkKeys(file, n.Content[i], t.Elem(), errs)
			}
		}
	}
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
