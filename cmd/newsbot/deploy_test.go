package main

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/newsbot/newsbot/config"
)

// The packaging files must agree with each other: the image the Makefile
// builds is the one the manifests name, the port the image's configuration
// listens on is the one it exposes and the probes use, and base images and
// the images the manifests pull are named in full. These tests read the files as shipped.

// repoRoot is the repository, from this package's directory.
const repoRoot = "../.."

func readRepo(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// imageName is the tag `make image` gives the image.
const imageName = "newsbot:local"

func TestDockerfileBaseImagesFullyQualified(t *testing.T) {
	df := readRepo(t, "Dockerfile")
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(df, -1)
	if len(froms) == 0 {
		t.Fatal("no FROM line in the Dockerfile")
	}
	for _, m := range froms {
		name := m[1]
		if name == "scratch" {
			continue
		}
		if !fullyQualified(name) {
			t.Errorf("FROM %s: not fully qualified (registry/namespace/name:tag)", name)
		}
	}
	if m := regexp.MustCompile(`(?m)^# syntax=(\S+)`).FindStringSubmatch(df); m != nil && !strings.Contains(strings.Split(m[1], "/")[0], ".") {
		t.Errorf("# syntax=%s: not fully qualified", m[1])
	}
	for _, want := range []string{"ARG VERSION", "org.opencontainers.image.version", "org.opencontainers.image.revision", "HEALTHCHECK", `"health"`} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// fullyQualified reports whether the image name names its registry and
// namespace (docker.io/library/postgres:16), as podman needs without a
// registries configuration.
func fullyQualified(name string) bool {
	host, _, ok := strings.Cut(name, "/")
	return ok && strings.ContainsAny(host, ".:") && strings.Count(name, "/") >= 2
}

func TestFullyQualified(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"docker.io/library/postgres:16", true},
		{"docker.io/library/golang:1.26-bookworm", true},
		{"localhost:5000/team/newsbot:1", true},
		{"postgres:16", false},
		{"library/postgres:16", false},
		{"docker.io/postgres:16", false},
	}
	for _, tt := range tests {
		if got := fullyQualified(tt.name); got != tt.want {
			t.Errorf("fullyQualified(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDockerignore(t *testing.T) {
	lines := strings.Fields(readRepo(t, ".dockerignore"))
	for _, want := range []string{".git", "bin/", "*.db", "*.db-wal"} {
		found := false
		for _, l := range lines {
			found = found || l == want
		}
		if !found {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
}

func TestManifestsNameTheBuiltImage(t *testing.T) {
	if mk := readRepo(t, "Makefile"); !strings.Contains(mk, "-t "+imageName) {
		t.Fatalf("Makefile's image target does not tag %s", imageName)
	}
	if !strings.Contains(readRepo(t, "README.md"), "make image") {
		t.Error("README does not give `make image` as the build command")
	}
	files := []string{"deploy/compose.yaml", "deploy/kubernetes/deployment.yaml", "deploy/kubernetes/cronjob.yaml"}
	for _, f := range files {
		images := regexp.MustCompile(`(?m)^\s*image:\s*(\S+)`).FindAllStringSubmatch(readRepo(t, f), -1)
		n := 0
		for _, m := range images {
			if strings.Contains(m[1], "newsbot") {
				n++
				if m[1] != imageName {
					t.Errorf("%s names image %s, want %s (what `make image` builds)", f, m[1], imageName)
				}
			} else if !fullyQualified(m[1]) {
				// Other images (PostgreSQL) are pulled: named in full, as
				// the Dockerfile's base images.
				t.Errorf("%s names image %s: not fully qualified (registry/namespace/name:tag)", f, m[1])
			}
		}
		if n == 0 {
			t.Errorf("%s names no newsbot image", f)
		}
	}
}

// listenPort returns the port of http.listen in a newsbot configuration.
func listenPort(t *testing.T, name, doc string) string {
	t.Helper()
	var c struct {
		HTTP struct {
			Listen string `yaml:"listen"`
		} `yaml:"http"`
	}
	if err := yaml.Unmarshal([]byte(doc), &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	_, port, err := net.SplitHostPort(c.HTTP.Listen)
	if err != nil {
		t.Fatalf("%s: http.listen %q: %v", name, c.HTTP.Listen, err)
	}
	return port
}

func TestOnePortEverywhere(t *testing.T) {
	df := readRepo(t, "Dockerfile")
	m := regexp.MustCompile(`(?m)^EXPOSE\s+(\d+)`).FindStringSubmatch(df)
	if m == nil {
		t.Fatal("no EXPOSE in the Dockerfile")
	}
	port := m[1]
	if port == "9090" {
		t.Fatal("the image exposes 9090, Prometheus's own port")
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal([]byte(readRepo(t, "deploy/kubernetes/configmap.yaml")), &cm); err != nil {
		t.Fatal(err)
	}
	configs := map[string]string{
		"deploy/docker/newsbot.yaml":       readRepo(t, "deploy/docker/newsbot.yaml"),
		"deploy/newsbot.yaml":              readRepo(t, "deploy/newsbot.yaml"),
		"deploy/kubernetes/configmap.yaml": cm.Data["newsbot.yaml"],
	}
	for name, doc := range configs {
		if got := listenPort(t, name, doc); got != port {
			t.Errorf("%s listens on %s, the image exposes %s", name, got, port)
		}
	}
	for f, pattern := range map[string]string{
		"deploy/kubernetes/deployment.yaml": `containerPort:\s*(\d+)`,
		"deploy/compose.yaml":               `expose:\s*\n\s*-\s*"(\d+)"`,
	} {
		m := regexp.MustCompile(pattern).FindStringSubmatch(readRepo(t, f))
		if m == nil || m[1] != port {
			t.Errorf("%s: port %v, want %s", f, m, port)
		}
	}
}

func TestImageConfigurationIsValid(t *testing.T) {
	cfg, err := config.Load(filepath.Join(repoRoot, "deploy/docker/newsbot.yaml"))
	if err != nil {
		t.Fatalf("the image's configuration: %v", err)
	}
	if cfg.Store.Value() != "/var/lib/newsbot/newsbot.db" {
		t.Errorf("store = %q, want it in the image's volume /var/lib/newsbot", cfg.Store)
	}
	if _, err := healthURL(cfg.HTTP.Listen); err != nil {
		t.Errorf("`newsbot health` cannot probe the image's configuration: %v", err)
	}
}

func TestSystemdUnitsHardened(t *testing.T) {
	for _, f := range []string{"newsbot.service", "newsbot-once.service"} {
		unit := readRepo(t, "deploy/systemd/"+f)
		for _, want := range []string{"DynamicUser=yes", "User=newsbot", "StateDirectory=newsbot", "ProtectSystem=strict",
			"NoNewPrivileges=yes", "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service"} {
			if !strings.Contains(unit, want) {
				t.Errorf("%s lacks %q", f, strings.TrimSpace(want))
			}
		}
	}
	if !strings.Contains(readRepo(t, "deploy/systemd/newsbot.service"), " run\n") {
		t.Error("newsbot.service does not start `newsbot run`")
	}
	if !strings.Contains(readRepo(t, "deploy/systemd/newsbot-once.service"), " once\n") {
		t.Error("newsbot-once.service does not start `newsbot once`")
	}
	if !strings.Contains(readRepo(t, "deploy/systemd/newsbot-once.timer"), "OnCalendar=") {
		t.Error("newsbot-once.timer has no OnCalendar=")
	}
}
