# l7kit: the two commands that matter on a fresh Debian 12 machine are `make serve` and
# `make test`; both install what is missing first (scripts/deps.sh).
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
SERVE_ARGS ?=

.PHONY: deps build serve test unit bench fuzz clean

deps:
	@scripts/deps.sh

build: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)
	@echo "built build/release/l7"

serve: build
	build/release/l7 serve $(SERVE_ARGS)

# Debug build with ASan + UBSan, then every test: unit, fuzz-corpus replays, interop.
test: deps
	cmake --preset dev
	cmake --build --preset dev -j $(JOBS)
	ctest --preset dev -j $(JOBS)

unit: deps
	cmake --preset dev
	cmake --build --preset dev -j $(JOBS)
	ctest --preset dev -j $(JOBS) -L 'unit|fuzz'

bench: build
	bench/run.sh build/release/l7

# libFuzzer targets (clang); each runs FUZZ_SECONDS on its corpus.
fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build
