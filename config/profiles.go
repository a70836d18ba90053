package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

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

// ProfileFiles returns the profile files at path, as ReadProfiles reads
// them: the file itself, or the .yaml and .yml files of a directory whose
// names do not start with a dot, in name order.
func ProfileFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("config: profiles: %w", err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("config: profiles: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && isProfileFile(e.Name()) {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	return files, nil
}

// ReadProfiles parses the profile file or directory at path.
func ReadProfiles(path string) ([]matcher.Spec, error) {
	files, err := ProfileFiles(path)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("config: profiles: directory %s holds no .yaml files", path)
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
