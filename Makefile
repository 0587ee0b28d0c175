# The README's two commands: `make demo` and `make check`.
# Each installs what is missing, configures and builds before it runs.

PACKAGES := meson ninja-build pkg-config liburcu-dev libck-dev libcunit1-dev \
            gcovr clang libclang-rt-14-dev gnuplot-nox python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MESON_TEST := meson test --print-errorlogs --num-processes 2

.PHONY: all deps build demo check check-normal check-asan check-tsan bench fuzz clean

all: build

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends $$missing; \
	fi

build/build.ninja: | deps
	meson setup build

build-asan/build.ninja: | deps
	CC=clang meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false

build-tsan/build.ninja: | deps
	CC=clang meson setup build-tsan -Db_sanitize=thread -Db_lundef=false

build: deps build/build.ninja
	ninja -C build

# The MSI fast path, step by step: the event trace, a summary of what
# happened, and a Chrome trace to open in Perfetto (ui.perfetto.dev).
demo: build
	./build/irqsim run -v --summary --trace build/demo-trace.json examples/default.scn

# Every suite in a normal build, every suite again under ASan+UBSan, and the
# runtime and stress suites under TSan. Logs: build*/meson-logs/testlog.json.
check: check-normal check-asan check-tsan

check-normal: build
	rm -f build/meson-logs/testlog.json
	$(MESON_TEST) -C build

check-asan: deps build-asan/build.ninja
	ninja -C build-asan
	rm -f build-asan/meson-logs/testlog.json
	$(MESON_TEST) -C build-asan --no-suite bench

check-tsan: deps build-tsan/build.ninja
	ninja -C build-tsan
	rm -f build-tsan/meson-logs/testlog.json
	$(MESON_TEST) -C build-tsan --suite tsan

# libFuzzer campaign (not part of `make check`): every target for
# FUZZ_SECONDS in fork mode (-fork=2) in the clang build dir build-fuzz,
# then new coverage merged into fuzz/targets/corpus/ (-merge=1) and a table
# of execs/s and coverage per target (docs/fuzzing.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/campaign.sh -b build-fuzz -s $(FUZZ_SECONDS) -j 2

# Every benchmark once, one after the other, under nice: CSVs and PNG plots
# in bench/results/, the tables of docs/benchmarks.md (bench/plot/run-all.sh).
# The explorer's ASan figure needs only its bench binary from build-asan;
# bench/fuzz builds its fuzz targets in build-fuzz (clang, -Dfuzz=enabled;
# configured there if missing, as `make fuzz` does).
BENCH_FUZZ_BUILD ?= build-fuzz
bench: build build-asan/build.ninja
	ninja -C build-asan bench/explore/bench_explore
	bench/plot/run-all.sh -b build -a build-asan -f $(BENCH_FUZZ_BUILD)

clean:
	rm -rf build build-asan build-tsan
