package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/newsbot/newsbot/internal/yamlpos"
)

// checkListen reports an http.listen that net.Listen could not use, at the
// key's position. It runs after validate, which may fill in a default.
func (c *Config) checkListen() yamlpos.List {
	if c.HTTP.Listen == "" {
		return nil
	}
	var errs yamlpos.List
	if err := checkListen(c.HTTP.Listen); err != nil {
		errs.Add(c.fileName(), c.node("http", "listen"), "http.listen %q: %v", c.HTTP.Listen, err)
	}
	return errs
}

// checkListen checks addr is a host:port that net.Listen can use: an
// optional host (a name or an IP address; IPv6 in brackets) and a port number
// from 0 to 65535.
func checkListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		why := err.Error()
		var ae *net.AddrError
		if errors.As(err, &ae) {
			why = ae.Err
		}
		return fmt.Errorf("not a host:port address such as :8417 or 127.0.0.1:8417 (%s)", why)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	if host == "" || net.ParseIP(host) != nil {
		return nil
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if !hostLabel(label) {
			return fmt.Errorf("host %q is neither an IP address nor a host name", host)
		}
	}
	return nil
}

// hostLabel reports whether s is one label of a host name: 1 to 63 letters,
// digits and hyphens, not starting or ending with a hyphen.
func hostLabel(s string) bool {
	if s == "" || len(s) > 63 || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		return r != '-' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	})
}
