package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/newsbot/newsbot/internal/yamlpos"
)

// checkProfilesPath reports, at the profiles key, a profiles path that does
// not exist or a directory with no profile file in it. Only Load calls it:
// Parse reads no files.
func (c *Config) checkProfilesPath() yamlpos.List {
	if c.root == nil || c.Profiles == "" {
		return nil
	}
	path := c.Resolve(c.Profiles)
	var msg string
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = "no such file or directory (a relative path is relative to the configuration file)"
	case err != nil:
		msg = err.Error()
	case fi.IsDir():
		files, err := filepath.Glob(filepath.Join(path, "*.y*ml"))
		if err == nil && !slices.ContainsFunc(files, isProfileFile) {
			msg = "the directory holds no .yaml or .yml file"
		}
	}
	if msg == "" {
		return nil
	}
	var errs yamlpos.List
	errs.Add(c.fileName(), c.node("profiles"), "profiles %s: %s", path, msg)
	return errs
}

// isProfileFile reports whether ReadProfiles reads the file at path from a
// directory: a .yaml or .yml file whose name does not start with a dot.
func isProfileFile(path string) bool {
	name := filepath.Base(path)
	ext := filepath.Ext(name)
	return !strings.HasPrefix(name, ".") && (ext == ".yaml" || ext == ".yml")
}
