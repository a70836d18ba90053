package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/internal/yamlpos"
)

// Duration is a time.Duration written as Go writes them ("30s", "1h30m"),
// with "d" for days ("7d").
type Duration time.Duration

// ParseDuration parses Go durations and whole or fractional days ("7d",
// "1.5d", "2d12h").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, 'd'); i > 0 {
		days, err := strconv.ParseFloat(s[:i], 64)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("invalid duration %q: use Go units (30s, 15m, 12h) or days (7d)", s)
		}
		d := time.Duration(days * float64(24*time.Hour))
		if rest := s[i+1:]; rest != "" {
			r, err := time.ParseDuration(rest)
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q: use Go units (30s, 15m, 12h) or days (7d)", s)
			}
			d += r
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: use Go units (30s, 15m, 12h) or days (7d)", s)
	}
	return d, nil
}

// UnmarshalYAML decodes a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return yamlpos.NodeError(n, "%v", err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML encodes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// String formats the duration as Go does.
func (d Duration) String() string { return time.Duration(d).String() }

// ByteSize is a size in bytes, written as a number or with a unit: "512KiB",
// "10MiB", "1GiB", "10MB".
type ByteSize int64

var byteUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"B", 1},
}

// ParseByteSize parses a size such as "10MiB".
func ParseByteSize(s string) (ByteSize, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q: use bytes or a unit such as 512KiB, 10MiB", s)
	}
	return ByteSize(n * mult), nil
}

// UnmarshalYAML decodes a size.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return yamlpos.NodeError(n, "%v", err)
	}
	*b = v
	return nil
}

// hidden holds a value that prints, formats and marshals as R redacts it,
// so that it cannot leak into logs or errors by accident; Value returns the
// real string for the one place that needs it. See Secret and
// StoreLocation.
type hidden[R redactor] struct{ v string }

// redactor says how a hidden value prints.
type redactor interface{ redact(v string) string }

// Secret holds a credential, such as a token or a webhook URL. It prints,
// formats and marshals as "<secret>", or "" when empty.
type Secret = hidden[credential]

// StoreLocation is where the store is: a SQLite file path, or a PostgreSQL
// URL, which may carry a password. A path prints as it is; a URL prints with
// its user information and password parameter replaced by "<secret>".
type StoreLocation = hidden[location]

// credential redacts all of a value.
type credential struct{}

func (credential) redact(string) string { return "<secret>" }

// location redacts the credentials of a URL and leaves a path as it is.
type location struct{}

func (location) redact(v string) string {
	if !strings.Contains(v, "://") {
		return v
	}
	return feeds.RedactURL(v)
}

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return Secret{v: v} }

// NewStoreLocation wraps a store location.
func NewStoreLocation(v string) StoreLocation { return StoreLocation{v: v} }

// Value returns the value itself. Never log or format it.
func (h hidden[R]) Value() string { return h.v }

// String returns the value redacted, or "" when it is empty.
func (h hidden[R]) String() string {
	if h.v == "" {
		return ""
	}
	var r R
	return r.redact(h.v)
}

// GoString hides the value from %#v.
func (h hidden[R]) GoString() string { return h.String() }

// Format hides the value from every fmt verb.
func (h hidden[R]) Format(f fmt.State, _ rune) { fmt.Fprint(f, h.String()) }

// MarshalYAML hides the value when a configuration is written out.
func (h hidden[R]) MarshalYAML() (any, error) { return h.String(), nil }

// MarshalJSON hides the value when a configuration is written out as JSON.
func (h hidden[R]) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(h.String())), nil }

// UnmarshalYAML reads the value, without surrounding spaces.
func (h *hidden[R]) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return yamlpos.NodeError(n, "expected a string")
	}
	h.v = strings.TrimSpace(n.Value)
	return nil
}
