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
.PHONY: setup configure build build-server run test test-unit test-asan test-fuzz test-e2e test-web screenshots asan bench fuzz clean test-cluster test-failover bench-cluster

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

# Unit tests (release), the same unit tests under ASan+UBSan, 30 s of fuzzing (10 s for each
# libFuzzer target, when clang is installed), the end-to-end tests against the release binary,
# then the cluster test (two nodes over Patroni, HAProxy and Redis on this machine, about 40 s).
test: test-unit test-asan test-fuzz test-e2e test-cluster

test-unit: build
	ctest --test-dir $(RELEASE_DIR) $(CTEST_FLAGS)

asan: setup
	cmake --preset asan
	cmake --build $(ASAN_DIR) -j $(JOBS)

test-asan: asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_DIR) $(CTEST_FLAGS)

# The end-to-end tests (tests/e2e/) and the browser tests of the web pages (tests/web/: Debian's
# Chromium driven by playwright-core, axe-core), against the release binary.
test-e2e: build-server
	npm test

# Only the browser tests; their screenshots land in build/test-output/web/.
test-web: build-server
	npm run test:web

# The page tests' screenshots (every page kind, signed out and signed in, phone and desktop,
# light and dark, and the memorial post without JavaScript), as JPEG, copied to docs/screenshots/; copied even when a test
# fails (to look at the failure), and then the target fails.
SCREENSHOTS_DIR ?= docs/screenshots
screenshots: build-server
	rm -f build/test-output/web/*.png build/test-output/web/*.jpeg
	status=0; KINDRED_SCREENSHOT_TYPE=jpeg node --test --test-concurrency=1 tests/web/pages.test.mjs tests/web/signed_in.test.mjs || status=$$?; \
	  mkdir -p $(SCREENSHOTS_DIR) && rm -f $(SCREENSHOTS_DIR)/*.png $(SCREENSHOTS_DIR)/*.jpeg && \
	  cp build/test-output/web/*.jpeg $(SCREENSHOTS_DIR)/ && \
	  echo "screenshots: $$(ls build/test-output/web/*.jpeg | wc -l) copied to $(SCREENSHOTS_DIR)/"; \
	  exit $$status

# The cluster on this one machine (scripts/cluster.sh: etcd, two PostgreSQL under Patroni, HAProxy,
# Redis, two Kindred nodes; state in CLUSTER_DIR, default build/cluster/, wiped first), the
# cluster test (tests/cluster/cluster.test.mjs), and the cluster stopped again, also on failure.
# See docs/SCALING.md.
CLUSTER_DIR ?= build/cluster
export CLUSTER_DIR
test-cluster: build-server
	scripts/cluster.sh down --wipe
	status=0; scripts/cluster.sh up && \
	  node --test --test-concurrency=1 tests/cluster/cluster.test.mjs || status=$$?; \
	  scripts/cluster.sh down; exit $$status

# The failover test: like and post storms through HAProxy while the primary is SIGKILLed 10 times
# (FAILOVER_KILLS); every acknowledged write is checked after each failover. Figures in
# build/cluster-failover.txt.
test-failover: build-server
	scripts/cluster.sh down --wipe
	status=0; scripts/cluster.sh up && \
	  node tests/cluster/failover.mjs || status=$$?; \
	  scripts/cluster.sh down; exit $$status

# Throughput on the cluster, side by side (bench/cluster_storms.sh starts and stops it).
bench-cluster: build-server
	bash bench/cluster_storms.sh

bench: build
	@if [[ -f bench/run.sh ]]; then bash bench/run.sh; else echo "bench: no bench/run.sh yet"; fi

# libFuzzer (clang-14 and libclang-rt-14-dev; `make test` runs it briefly, through test-fuzz):
# builds the targets in tests/fuzz/ and runs each for FUZZ_TIME seconds, one after the other:
# multipart_fuzz (http/multipart.h), http_request_fuzz (the server's request path: Beast's parser
# within the server's limits, the framing checks, Request, Router, response head and access log)
# and params_fuzz (form, query, JSON and multipart parameters and the UTF-8 text rule). Each entry
# below is target:dictionary. New inputs go to build/fuzz/corpus/<target>/, crashes to
# build/fuzz/crash-*; the seeds in tests/fuzz/corpus/<target>/ are only read. Turn each crash into
# a seed once it is fixed. The longer campaign is in docs/SECURITY.md ("Fuzzing").
FUZZERS := multipart:multipart http_request:http params:params
fuzz:
	@if ! command -v clang++-14 >/dev/null 2>&1; then \
	  echo "fuzz: clang++-14 not found; skipping (apt-get install clang-14 libclang-rt-14-dev)"; \
	  exit 0; \
	fi; \
	set -euo pipefail; \
	scripts/setup.sh; \
	cmake --preset fuzz; \
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(foreach f,$(FUZZERS),$(firstword $(subst :, ,$(f)))_fuzz); \
	for entry in $(FUZZERS); do \
	  name=$${entry%%:*}; dict=$${entry##*:}; \
	  echo "fuzz: $${name}_fuzz for $(FUZZ_TIME) s"; \
	  mkdir -p $(FUZZ_DIR)/corpus/$$name; \
	  $(FUZZ_DIR)/$${name}_fuzz -max_total_time=$(FUZZ_TIME) -artifact_prefix=$(FUZZ_DIR)/ \
	    -print_final_stats=1 -dict=tests/fuzz/$$dict.dict \
	    $(FUZZ_DIR)/corpus/$$name tests/fuzz/corpus/$$name; \
	done

# A short run of every fuzz target as part of `make test`: 10 s each, 30 s in all (skipped
# without clang).
test-fuzz:
	$(MAKE) fuzz FUZZ_TIME=10

clean:
	rm -rf build
