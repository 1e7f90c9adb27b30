# Kindred: everyday entry points. `make run` serves a demo instance on 127.0.0.1:8080;
# `make test` is what CI runs (.ci/run). Both install what they need first (scripts/setup.sh).
SHELL := /bin/bash
.DEFAULT_GOAL := build

JOBS     ?= 2
LISTEN   ?= 127.0.0.1:8080
BASE_URL ?= http://$(LISTEN)
DATA_DIR ?= ./data

RELEASE_DIR := build/release
ASAN_DIR    := build/asan
FUZZ_DIR    := build/fuzz
FUZZ_TIME   ?= 30
CTEST_FLAGS := --output-on-failure --no-tests=error -j $(JOBS)

.NOTPARALLEL:
.PHONY: setup configure build build-server run test test-unit test-asan test-fuzz test-e2e asan bench fuzz clean

setup:
	scripts/setup.sh

configure: setup
	cmake --preset release

# Everything: the server, every test and benchmark.
build: configure
	cmake --build $(RELEASE_DIR) -j $(JOBS)

# Only the server: what `make run` and the end-to-end tests need.
build-server: configure
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target kindred

run: build-server
	exec $(RELEASE_DIR)/kindred serve --listen $(LISTEN) --data-dir $(DATA_DIR) --base-url $(BASE_URL) --demo

# Unit tests (release), the same unit tests under ASan+UBSan, 20 s of fuzzing the multipart
# parser (when clang is installed), then the end-to-end tests
# against the release binary.
test: test-unit test-asan test-fuzz test-e2e

test-unit: build
	ctest --test-dir $(RELEASE_DIR) $(CTEST_FLAGS)

asan: setup
	cmake --preset asan
	cmake --build $(ASAN_DIR) -j $(JOBS)

test-asan: asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_DIR) $(CTEST_FLAGS)

test-e2e: build-server
	npm test

bench: build
	@if [[ -f bench/run.sh ]]; then bash bench/run.sh; else echo "bench: no bench/run.sh yet"; fi

# libFuzzer on the multipart parser for FUZZ_TIME seconds (clang-14 and libclang-rt-14-dev; not
# part of `make test`). New inputs go to build/fuzz/corpus/, crashes to build/fuzz/crash-*; the
# seeds in tests/fuzz/corpus/ are only read. Turn each crash into a seed once it is fixed.
fuzz:
	@if ! command -v clang++-14 >/dev/null 2>&1; then \
	  echo "fuzz: clang++-14 not found; skipping (apt-get install clang-14 libclang-rt-14-dev)"; \
	  exit 0; \
	fi; \
	set -euo pipefail; \
	scripts/setup.sh; \
	cmake --preset fuzz; \
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target multipart_fuzz; \
	mkdir -p $(FUZZ_DIR)/corpus/multipart; \
	$(FUZZ_DIR)/multipart_fuzz -max_total_time=$(FUZZ_TIME) -artifact_prefix=$(FUZZ_DIR)/ \
	  -dict=tests/fuzz/multipart.dict \
	  $(FUZZ_DIR)/corpus/multipart tests/fuzz/corpus/multipart

# A short fuzzing run of the multipart parser as part of `make test` (skipped without clang).
test-fuzz:
	$(MAKE) fuzz FUZZ_TIME=20

clean:
	rm -rf build
