# The habits, one command each. CI runs .ci/run: go build, `make lint`, then
# `make test` with a private PostgreSQL server (.ci/postgres.sh).
GO ?= go
PKGS := ./...
FUZZTIME ?= 30s

.PHONY: test lint bench build fuzz image

test:
	@if [ -z "$$NEWSBOT_TEST_POSTGRES" ]; then echo "make test: NEWSBOT_TEST_POSTGRES is not set: the PostgreSQL tests will be skipped (run \`source .ci/postgres.sh && make test\` to include them)"; fi
	$(GO) test -race -count=1 $(PKGS)

lint:
	$(GO) vet $(PKGS)
	$(GO) mod tidy -diff
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)
	$(GO) run ./cmd/loadtest -feeds 500 -cycles 2 -changed 0.1 -baseline

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$$(git describe --tags --always 2>/dev/null || echo dev)" -o bin/newsbot ./cmd/newsbot

# The container image, tagged newsbot:local (the name deploy/ uses).
# DOCKER=podman works too.
DOCKER ?= docker
image:
	$(DOCKER) build --build-arg VERSION=$$(git describe --tags --always 2>/dev/null || echo dev) \
		--build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
		--build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) -t newsbot:local .

# Every fuzz target in the tree (func FuzzX in a _test.go file), each for
# FUZZTIME: `go test -fuzz` takes one target at a time.
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "$$t in $$(dirname $$f)"; \
			$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) ./$$(dirname $$f); \
		done; \
	done
