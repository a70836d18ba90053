package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// profileReader is a reload function that reads the profile file or
// directory as config.ReadProfiles would (symlinks followed, hidden entries
// skipped) and remembers what it read.
type profileReader struct {
	path string
	mu   sync.Mutex
	read []string // what each reload read, in order
}

func (p *profileReader) reload(context.Context) (int, error) {
	var text []string
	paths := []string{p.path}
	if fi, err := os.Stat(p.path); err == nil && fi.IsDir() {
		paths = nil
		entries, err := os.ReadDir(p.path)
		if err != nil {
			return 0, err
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") && filepath.Ext(e.Name()) == ".yaml" {
				paths = append(paths, filepath.Join(p.path, e.Name()))
			}
		}
	}
	for _, f := range paths {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, err
		}
		text = append(text, strings.TrimSpace(string(b)))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read = append(p.read, strings.Join(text, "+"))
	return len(text), nil
}

// last returns what the last reload read.
func (p *profileReader) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.read) == 0 {
		return ""
	}
	return p.read[len(p.read)-1]
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func startWatching(t *testing.T, path string) (*Daemon, *profileReader, *logBuffer) {
	t.Helper()
	d, logs := newTestDaemon(t)
	r := &profileReader{path: path}
	d.Profiles(path, r.reload)
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d, r, logs
}

func TestWatchDirectoryRemovedAndCreatedAgain(t *testing.T) {
	for _, asFile := range []bool{false, true} {
		name := "profile directory"
		if asFile {
			name = "profile file"
		}
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "profiles")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "a.yaml"), "v1")
			path := dir
			if asFile {
				path = filepath.Join(dir, "a.yaml")
			}
			_, r, logs := startWatching(t, path)

			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the removal to be noticed", func() bool {
				return strings.Contains(logs.String(), "the profile directory is gone")
			})
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "a.yaml"), "v2")
			eventually(t, "the re-created profiles to be read", func() bool { return r.last() == "v2" })
			// The new directory is watched itself, not only seen created.
			write(t, filepath.Join(dir, "a.yaml"), "v3")
			eventually(t, "an edit in the re-created directory to be read", func() bool { return r.last() == "v3" })
			if !strings.Contains(logs.String(), "watching it again") {
				t.Errorf("the return of the directory was not logged:\n%s", logs)
			}
		})
	}
}

// TestWatchConfigMapSwap updates profiles the way the kubelet updates a
// ConfigMap volume: the files are symlinks through ..data, and an update
// writes a new directory and renames a new ..data symlink over the old one.
func TestWatchConfigMapSwap(t *testing.T) {
	for _, mountDir := range []bool{false, true} {
		name := "profile file in the volume"
		if mountDir {
			name = "the volume as profile directory"
		}
		t.Run(name, func(t *testing.T) {
			vol := t.TempDir()
			mustDo := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			mustDo(os.Mkdir(filepath.Join(vol, "..v1"), 0o755))
			write(t, filepath.Join(vol, "..v1", "profiles.yaml"), "v1")
			mustDo(os.Symlink("..v1", filepath.Join(vol, "..data")))
			mustDo(os.Symlink(filepath.Join("..data", "profiles.yaml"), filepath.Join(vol, "profiles.yaml")))
			path := filepath.Join(vol, "profiles.yaml")
			if mountDir {
				path = vol
			}
			_, r, _ := startWatching(t, path)

			mustDo(os.Mkdir(filepath.Join(vol, "..v2"), 0o755))
			write(t, filepath.Join(vol, "..v2", "profiles.yaml"), "v2")
			mustDo(os.Symlink("..v2", filepath.Join(vol, "..data_tmp")))
			mustDo(os.Rename(filepath.Join(vol, "..data_tmp"), filepath.Join(vol, "..data")))
			mustDo(os.RemoveAll(filepath.Join(vol, "..v1")))
			eventually(t, "the swapped profiles to be read", func() bool { return r.last() == "v2" })
		})
	}
}

func TestWatchStopsLoudlyAndSIGHUPStillReloads(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "etc")
	dir := filepath.Join(parent, "profiles")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "a.yaml"), "v1")
	_, r, logs := startWatching(t, dir)
	if err := os.RemoveAll(parent); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the end of the watch to be logged", func() bool {
		return strings.Contains(logs.String(), "stopped watching the profiles")
	})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "a.yaml"), "v2")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	eventually(t, "SIGHUP to reload", func() bool { return r.last() == "v2" })
}
