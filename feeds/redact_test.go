package feeds

import (
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "https://host.example/path?page=2", "https://host.example/path?page=2"},
		{"user and password", "https://alice:hunter2@host.example/feed", "https://<secret>@host.example/feed"},
		{"user only", "https://tok3n@host.example/feed", "https://<secret>@host.example/feed"},
		{"token parameters", "https://host.example/feed?token=abc&page=2&api_key=def&Signature=ghi", "https://host.example/feed?token=<secret>&page=2&api_key=<secret>&Signature=<secret>"},
		{"password parameter", "postgres://db/newsbot?password=hunter2&sslmode=require", "postgres://db/newsbot?password=<secret>&sslmode=require"},
		{"local path", "/var/feeds/a.xml", "/var/feeds/a.xml"},
		{"unparseable", "http://[::1%zz/", "<invalid URL>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactURL(tt.in)
			if got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			for _, secret := range []string{"hunter2", "tok3n", "abc", "def", "ghi"} {
				if strings.Contains(got, secret) {
					t.Errorf("%q still holds %q", got, secret)
				}
			}
		})
	}
}
