package matcher

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/newsbot/newsbot/internal/yamlpos"
)

// Limits on one profile file. They keep loading bounded in time and memory
// whatever a file holds: parsing YAML allocates about 250 bytes per value
// (about 145 MB for the worst file under MaxFileValues, measured) and
// compiling about 1.6–2 KB per term (about 200 MB at MaxFileTerms).
const (
	// MaxFileSize is the largest profile file, in bytes (4 MiB).
	MaxFileSize = 4 << 20
	// MaxFileValues bounds the YAML values (list items, mapping keys and
	// values) of one profile file. The count is an upper bound taken before
	// parsing from the file's indicators: each "- " counts 1, each ",", ":",
	// "{" and "? " counts 2, each "[" counts 1. About 100,000 terms fit
	// written as plain strings, about 50,000 in the {term: ...} form.
	MaxFileValues = 500_000
	// MaxFileTerms is the most terms (entries of term lists, "$list"
	// references included) one profile file may hold.
	MaxFileTerms = 100_000
	// MaxFileErrors is how many problems are reported per file; the rest
	// are counted on one last line, "… and 1,234 more problems".
	MaxFileErrors = 100
)

// yamlValues returns an upper bound on the number of values data parses
// into as YAML, without parsing it. Every value but the root is introduced
// by an indicator: a block entry ("- "), a flow entry ("[" or ","), or a
// key (":" or "? ", a key and its value; "{" and "," in a flow mapping, the
// same). Indicators inside strings and comments only raise the bound.
func yamlValues(data []byte) int {
	n := 2 // the document and its root
	spaceAt := func(i int) bool {
		return i >= len(data) || data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'
	}
	for i, c := range data {
		switch c {
		case ',', ':', '{':
			n += 2
		case '[':
			n++
		case '-':
			if spaceAt(i + 1) {
				n++
			}
		case '?':
			if spaceAt(i + 1) {
				n += 2
			}
		}
	}
	return n
}

// errorList collects the problems found in profile files, at most
// MaxFileErrors per file; the rest are counted and reported as one line at
// the first of them.
type errorList struct {
	list yamlpos.List
	kept map[string]int
	more map[string]*yamlpos.Error // per file: the first problem left out, counting the rest
	n    map[string]int            // per file: problems left out
}

// add records e unless its file already has MaxFileErrors problems. A
// message quoting text with line breaks (a YAML decoder's type error) is
// kept on one line.
func (l *errorList) add(e *yamlpos.Error) {
	if strings.ContainsAny(e.Msg, "\r\n") {
		c := *e
		c.Msg = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(c.Msg)
		e = &c
	}
	if l.kept == nil {
		l.kept, l.more, l.n = map[string]int{}, map[string]*yamlpos.Error{}, map[string]int{}
	}
	if l.kept[e.File] < MaxFileErrors {
		l.kept[e.File]++
		l.list = append(l.list, e)
		return
	}
	if l.more[e.File] == nil {
		l.more[e.File] = e
	}
	l.n[e.File]++
}

// addAll records every problem of el.
func (l *errorList) addAll(el yamlpos.List) {
	for _, e := range el {
		l.add(e)
	}
}

// len returns the number of problems recorded, counted or not.
func (l *errorList) len() int {
	n := len(l.list)
	for _, k := range l.n {
		n += k
	}
	return n
}

// err returns the problems as a yamlpos.List sorted by position, each
// file's "… and N more" line last in its file, or nil.
func (l *errorList) err() error {
	if len(l.list) == 0 {
		return nil
	}
	sorted := l.list.Err().(yamlpos.List)
	if len(l.more) == 0 {
		return sorted
	}
	p := message.NewPrinter(language.English)
	out := make(yamlpos.List, 0, len(sorted)+len(l.more))
	for i, e := range sorted {
		out = append(out, e)
		if first := l.more[e.File]; first != nil && (i+1 == len(sorted) || sorted[i+1].File != e.File) {
			out = append(out, &yamlpos.Error{File: e.File, Line: first.Line, Col: first.Col,
				Msg: p.Sprintf("… and %d more problems in this file (only the first %d are shown)", l.n[e.File], MaxFileErrors)})
		}
	}
	return out
}
