package config

import (
	"errors"
	"io/fs"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/newsbot/newsbot/internal/yamlpos"
)

// node returns the node at the key path of the file the configuration came
// from, or a node at 1:1 when the file has no such key.
func (c *Config) node(path ...string) *yaml.Node {
	if n := findNode(c.root, path...); n != nil {
		return n
	}
	return &yaml.Node{Line: 1, Column: 1}
}

// checkProfilesPath reports a profiles path that cannot be read, at the
// profiles key. Only Load calls it: Parse reads no files.
func (c *Config) checkProfilesPath() yamlpos.List {
	if c.root == nil || c.Profiles == "" {
		return nil
	}
	_, err := os.Stat(c.Resolve(c.Profiles))
	if err == nil {
		return nil
	}
	msg := err.Error()
	if errors.Is(err, fs.ErrNotExist) {
		msg = "no such file or directory"
	}
	var errs yamlpos.List
	errs.Add(c.fileName(), c.node("profiles"), "profiles %s: %s (a relative path is relative to the configuration file)", c.Resolve(c.Profiles), msg)
	return errs
}
