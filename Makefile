# The habits, one command each. CI runs .ci/run: go build, `make lint`, then
# `make test` with a private PostgreSQL server (.ci/postgres.sh).
GO ?= go
PKGS := ./...

.PHONY: test lint bench build fuzz image

test:
	@if [ -z "$$NEWSBOT_TEST_POSTGRES" ]; then echo "make test: NEWSBOT_TEST_POSTGRES is not set: the PostgreSQL tests will be skipped (run \`source .ci/postgres.sh && make test\` to include them)"; fi
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

# The container image, tagged newsbot:local (the name deploy/ uses).
# DOCKER=podman works too.
DOCKER ?= docker
image:
	$(DOCKER) build --build-arg VERSION=$$(git describe --tags --always 2>/dev/null || echo dev) \
		--build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
		--build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) -t newsbot:local .

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./feeds
	$(GO) test -run '^$$' -fuzz FuzzMatch -fuzztime 30s ./matcher
