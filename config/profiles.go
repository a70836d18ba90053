package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newsbot/newsbot/matcher"
)

// BuiltinProfilesFile is the name the embedded profiles carry in errors.
const BuiltinProfilesFile = "<built-in profiles.yaml>"

//go:embed profiles.yaml
var builtinProfiles []byte

// BuiltinProfiles returns the embedded profile file, commented term by term.
func BuiltinProfiles() []byte { return builtinProfiles }

// LoadProfiles reads and compiles the profiles the configuration names: a
// file, every *.yaml and *.yml file of a directory (in name order), or the
// built-in profiles when none is named. Every problem in every file is
// reported at once.
func (c *Config) LoadProfiles() (*matcher.Matcher, error) {
	specs, err := c.ProfileSpecs()
	if err != nil {
		return nil, err
	}
	return matcher.Compile(specs)
}

// ProfileSpecs reads the profile files without compiling them.
func (c *Config) ProfileSpecs() ([]matcher.Spec, error) {
	if c.Profiles == "" {
		return matcher.ParseProfiles(BuiltinProfilesFile, builtinProfiles)
	}
	return ReadProfiles(c.Resolve(c.Profiles))
}

// ReadProfiles parses the profile file or directory at path.
func ReadProfiles(path string) ([]matcher.Spec, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("config: profiles: %w", err)
	}
	files := []string{path}
	if fi.IsDir() {
		files = nil
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("config: profiles: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasPrefix(name, ".") {
				continue
			}
			if ext := filepath.Ext(name); ext == ".yaml" || ext == ".yml" {
				files = append(files, filepath.Join(path, name))
			}
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("config: profiles: directory %s holds no .yaml files", path)
		}
	}
	var specs []matcher.Spec
	var errs []error
	for _, f := range files {
		data, err := readProfileFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("config: profiles: %w", err))
			continue
		}
		s, err := matcher.ParseProfiles(f, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		specs = append(specs, s...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return specs, nil
}

// readProfileFile reads a profile file, but no more than one byte over
// matcher.MaxFileSize: ParseProfiles refuses a file that long without this
// reading all of a huge one.
func readProfileFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, matcher.MaxFileSize+1))
}
