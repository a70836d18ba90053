package console

import "testing"

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/feeds", "/feeds"},
		{"/test?x=1", "/test?x=1"},
		{"", "/"},
		{"feeds", "/"},
		{"//evil.example/", "/"},
		{`/\evil.example`, "/"},
		{"https://evil.example/", "/"},
		{"/login", "/"},
		{"/x\r\nSet-Cookie: a=b", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSameSecret(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"token", "token", true},
		{"token", "tokens", false},
		{"", "token", false},
		{"Token", "token", false},
	}
	for _, tt := range tests {
		if got := sameSecret(tt.a, tt.b); got != tt.want {
			t.Errorf("sameSecret(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
	if sessionValue("a") == sessionValue("b") || sessionValue("a") == "a" {
		t.Error("session values do not depend on the token, or are the token")
	}
}
