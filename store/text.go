package store

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"sync"

	"github.com/newsbot/newsbot/feeds"
)

// The whole text of an item (feeds.Item.Text, up to feeds.MaxTextBytes) is
// kept for re-matching, gzip-compressed in items.text_gz, so that a profile
// added today finds a term deep in last week's articles. An item whose text
// is its summary, as for most short items, stores NULL there and is
// re-matched on its summary.

// gzipWriters recycles compressors. They use Huffman coding only: on news
// articles it stores about 59% of the text for a third of the CPU time of
// gzip's fastest full level (46%), and compression runs for every new item.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.HuffmanOnly)
	return w
}}

// packText returns what items.text_gz holds for it: nil when its text adds
// nothing to its summary, else the text gzip-compressed.
func packText(it feeds.Item) ([]byte, error) {
	if it.Text == "" || it.Text == it.Summary {
		return nil, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(it.Text) / 3)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := io.WriteString(zw, it.Text); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unpackText returns the text of an item from items.text_gz and its
// summary: the summary when text_gz is NULL.
func unpackText(packed []byte, summary string) (string, error) {
	if packed == nil {
		return summary, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		return "", fmt.Errorf("item text: %w", err)
	}
	// The text was capped when stored; the limit guards against a damaged
	// or hostile row.
	text, err := io.ReadAll(io.LimitReader(zr, feeds.MaxTextBytes+1))
	if err != nil {
		return "", fmt.Errorf("item text: %w", err)
	}
	return string(text[:min(len(text), feeds.MaxTextBytes)]), nil
}

// PackTexts compresses the whole text of each item for SavePolls (see
// PollResult.Texts), so that callers can do it in their own goroutines
// rather than in the single writer. An item whose text is its summary gets
// nil.
func PackTexts(items []feeds.Item) ([][]byte, error) {
	out := make([][]byte, len(items))
	for i, it := range items {
		p, err := packText(it)
		if err != nil {
			return nil, fmt.Errorf("store: pack text of %s: %w", it.ID, err)
		}
		out[i] = p
	}
	return out, nil
}
