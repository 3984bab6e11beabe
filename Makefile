# Haven's front door. `make run` and `make test` work from a clean clone on Debian 12.
BUILD_DIR   ?= build
FUZZ_DIR    ?= build-fuzz
DATA_DIR    ?= var
LISTEN      ?= 127.0.0.1:8443
FUZZ_SECONDS ?= 30
JOBS        ?= $(shell nproc)
# haven-loadgen points for `make bench`: publishers x subscribers [x rooms].
LOADGEN_POINTS  ?= 1x4,4x8,8x8,16x0,8x8x2,8x8x4
LOADGEN_SECONDS ?= 10

.PHONY: all deps build build-server build-web run test unit fuzz bench bench-janus bench-join format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps build-server build-web

build-server:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

build-web:
	@npm run --silent build:web

run: build
	@$(BUILD_DIR)/haven serve --data $(DATA_DIR) --listen $(LISTEN)

test: build
	@scripts/run-tests.sh $(BUILD_DIR)

unit: build-server
	@ctest --test-dir $(BUILD_DIR) --output-on-failure

fuzz:
	@scripts/install-deps.sh --fuzz
	@CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DHAVEN_TESTS=OFF -DHAVEN_FUZZ=ON \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" >/dev/null
	@cmake --build $(FUZZ_DIR) -j$(JOBS)
	@for t in $(FUZZ_DIR)/*_fuzz; do \
	  name=$$(basename $$t _fuzz); mkdir -p $(FUZZ_DIR)/corpus-$$name; \
	  echo "fuzzing $$name for $(FUZZ_SECONDS)s"; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -max_len=70000 $(FUZZ_DIR)/corpus-$$name tests/fuzz/corpus/$$name || exit 1; \
	done

# Figures for the issue notes (audit appends, sealing, routing, the SFU under load), not pass/fail.
bench: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DHAVEN_BENCH=ON >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)
	@for b in $(BUILD_DIR)/*_bench; do echo "== $$(basename $$b)"; $$b --benchmark_counters_tabular=true || exit 1; done
	@echo "== haven-loadgen (the SFU and its simulated clients on loopback, $(LOADGEN_SECONDS) s per point)"
	@$(BUILD_DIR)/haven-loadgen --points "$(LOADGEN_POINTS)" --seconds $(LOADGEN_SECONDS)

# Haven's SFU and Janus side by side, same load, same veth path, one table (root;
# docs/PERFORMANCE.md). Not part of `make test`.
JANUS_POINTS  ?= 4x8,8x8
JANUS_SECONDS ?= 10
JANUS_REPEATS ?= 3
bench-janus: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target haven-loadgen
	@BUILD_DIR=$(BUILD_DIR) JANUS_POINTS=$(JANUS_POINTS) JANUS_SECONDS=$(JANUS_SECONDS) \
	  JANUS_REPEATS=$(JANUS_REPEATS) scripts/bench-janus.sh

# Admit -> first decrypted frame in Chromium on loopback (docs/PERFORMANCE.md "Join time").
JOIN_RUNS ?= 10
bench-join: build
	@node scripts/bench-join.mjs $(JOIN_RUNS)

format:
	@clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tools/*.cpp' 'tools/*.h')

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR) web/dist tests/.logs
