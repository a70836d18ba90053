# The habits, one command each. `make test` is what CI runs.
GO ?= go
PKGS := ./...

.PHONY: test lint bench build fuzz

test:
	$(GO) test -race -count=1 $(PKGS)

lint:
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)
	$(GO) run ./cmd/loadtest -feeds 500 -cycles 2 -changed 0.1 -baseline

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$$(git describe --tags --always 2>/dev/null || echo dev)" -o bin/newsbot ./cmd/newsbot

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./feeds
	$(GO) test -run '^$$' -fuzz FuzzMatch -fuzztime 30s ./matcher
	$(GO) test -run '^$$' -fuzz FuzzLoadProfiles -fuzztime 30s ./config
