# flametop build. The BPF objects are committed; only `generate` needs clang.
GO          ?= go
BPF_CLANG   ?= clang-14
BPF_CFLAGS  ?= -O2 -g -Wall -Werror
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
FUZZTIME    ?= 5s

export BPF_CLANG BPF_CFLAGS

.PHONY: all deps build generate check-generate test test-short lint fuzz clean bench bench-smoke

all: build

# What building the BPF objects and running the tests need, from Debian's
# packages (Go itself comes with the machine: https://go.dev/dl otherwise).
DEB_PACKAGES = clang-14 llvm-14 libbpf-dev linux-libc-dev gcc g++ make git binutils xz-utils tmux util-linux

deps:
	@if [ "$$(id -u)" -ne 0 ]; then echo "make deps installs Debian packages: run it as root (sudo make deps)"; exit 1; fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES) >/dev/null
	$(GO) version

build:
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o flametop .

# Rebuilds bpf/*.o and the Go bindings from bpf/flametop.c.
generate:
	$(GO) generate ./bpf

# Fails when the committed objects differ from what the C sources produce.
check-generate: generate
	git diff --exit-code -- bpf/ || { echo "bpf/: generated files are stale: run 'make generate' and commit"; exit 1; }

# The whole suite; the integration tests need root and skip (or, under CI=true, fail) without it.
test:
	$(GO) test -count=1 -timeout 20m ./...

test-short:
	$(GO) test -short -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# Runs each fuzz target briefly; FUZZTIME=1m for a longer run.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

clean:
	rm -f flametop
	$(GO) clean -testcache

# Side-by-side measurements against perf, bpftrace and bcc; rewrites
# BENCHMARKS.md and bench/overhead.svg. Minutes long, needs root and a quiet
# machine: not part of test or CI.
bench:
	$(GO) run ./bench -reps 5

# A few seconds of every section with one repetition: proves the harness
# still works (CI runs it).
bench-smoke:
	$(GO) run ./bench -smoke > /dev/null
