// Package feeds turns a feed URL into normalised Items.
//
// A Fetcher downloads one feed over HTTP (or reads a local file) with
// conditional GET, a size limit applied after decompression and a deadline
// for the whole transfer. Parse decodes the bytes whatever their charset,
// hands UTF-8 to gofeed (RSS 0.9x/1.0/2.0, Atom and JSON Feed) and normalises
// each entry: HTML becomes plain text, links become canonical http(s) URLs
// without tracking parameters, and every item gets a stable ID. A Poller
// fetches many feeds at once with an overall and a per-host concurrency
// limit.
//
// The package knows nothing of profiles, storage or Slack. It never logs:
// every failure is returned to the caller.
package feeds
