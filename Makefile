# The habits, one command each. `make test` is what CI runs.
GO ?= go
PKGS := ./...
FUZZTIME ?= 30s

.PHONY: test lint bench build fuzz

test:
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

# Every fuzz target in the tree (func FuzzX in a _test.go file), each for
# FUZZTIME: `go test -fuzz` takes one target at a time.
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "$$t in $$(dirname $$f)"; \
			$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) ./$$(dirname $$f); \
		done; \
	done
