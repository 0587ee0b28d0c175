#!/bin/bash
# Which of irqsim's other detectors catch a historic bug, and how fast:
# called by `check_all.sh --full` for one bug build (or by hand):
#
#   tests/bugs/measure_other.sh BUILD_DIR BUG
#
# (a) the normal suites: every scenario of tests/scenarios and examples/
#     (run_scn.sh, as `meson test --suite scenarios` runs them) and the model
#     CUnit binaries that link the model library, plus the threads-backend
#     stress test (stress_eventfd, 10 s);
# (b) the explorer: `irqsim explore` on the bug's scenario, random strategy,
#     coarse and --fine switch points;
# (c) the fuzzers: each corpus replay, and (clang builds with -Dfuzz) each
#     libFuzzer target until its first crash or FUZZ_SECONDS (default 60);
#     FUZZ_TARGETS (default all four) picks the libFuzzer targets.
# One line per detector: bug | detector | result | seconds.
set -u
dir=$(cd "$1" && pwd)
bug=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/bugs
fuzz_seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-2}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
row() { printf '%-22s | %-40s | %-52s | %s\n' "$bug" "$1" "$2" "$3"; }
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# the checker line that made a run fail, short
why() {
	grep -m1 -oE 'heap-use-after-free|SEGV on unknown address|misaligned address 0x[0-9a-f]+|possible circular locking dependency|sleeping function called from invalid context|suspicious RCU usage|BUG: deadlock|irqsim invariant broken: [a-z._]+|expected [^ ]+, got [^ ]+|use-after-free|Segmentation fault' "$1" ||
		echo "exit $2"
}

targets=(tests/model/eventfd/test_eventfd_vm tests/model/ioapic/test_ioapic
	 tests/model/irqchip/test_irqchip tests/stress-eventfd/stress_eventfd)
for t in fuzz_api fuzz_iobus fuzz_routing fuzz_msi; do
	targets+=(fuzz/targets/${t}_replay)
	grep -q "build fuzz/targets/$t:" "$dir/build.ninja" 2>/dev/null && targets+=(fuzz/targets/$t)
done
ninja -C "$dir" -j"$jobs" "${targets[@]}" >"$tmp/build" 2>&1 || { tail -20 "$tmp/build"; exit 1; }

# (a) scenarios and examples, in meson's order
t0=$(now); failed=(); first=""
for f in "$src"/tests/scenarios/*.scn "$src"/examples/*.scn; do
	if ! "$src/tests/scenarios/run_scn.sh" "$dir/irqsim" "$f" >"$tmp/out" 2>&1; then
		failed+=("$(basename "$f")")
		[ -n "$first" ] || first="$(basename "$f"): $(why "$tmp/out" 1) after $(secs "$t0" "$(now)") s"
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	row "scenario suite (${#failed[@]} fail)" "$first" "$(secs "$t0" "$(now)")"
	row "  failing" "${failed[*]}" ""
else
	row "scenario suite" "passes (not detected)" "$(secs "$t0" "$(now)")"
fi

# (a) model CUnit binaries (sched and threads backends inside)
for t in tests/model/eventfd/test_eventfd_vm tests/model/ioapic/test_ioapic \
	 tests/model/irqchip/test_irqchip; do
	t0=$(now)
	"$dir/$t" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		row "$(basename "$t")" "$(why "$tmp/out" $rc)" "$(secs "$t0" "$(now)")"
	else
		row "$(basename "$t")" "passes (not detected)" "$(secs "$t0" "$(now)")"
	fi
done
t0=$(now)
timeout 60 "$dir/tests/stress-eventfd/stress_eventfd" 10 >"$tmp/out" 2>&1
rc=$?
[ $rc -ne 0 ] && r=$(why "$tmp/out" $rc) || r="passes (not detected)"
row "stress_eventfd 10 (threads)" "$r" "$(secs "$t0" "$(now)")"

# (b) the explorer on the bug's scenario
for fine in "" --fine; do
	t0=$(now)
	(cd "$here" && "$dir/irqsim" explore $fine --schedules 1000 --no-minimise \
		"bug_$bug.scn") >"$tmp/out" 2>&1
	rc=$?
	s=$(sed -n 's/.*(schedule \([0-9]*\) of.*/schedule \1: /p' "$tmp/out" | head -n 1)
	if [ $rc -eq 0 ]; then
		r="1000 schedules pass (not detected)"
	else
		r="$s$(why "$tmp/out" $rc)"
	fi
	row "irqsim explore ${fine:-(coarse)}" "$r" "$(secs "$t0" "$(now)")"
done

# (c) corpus replays, then libFuzzer
for t in fuzz_api fuzz_iobus fuzz_routing fuzz_msi; do
	t0=$(now)
	FUZZ_QUIET=1 "$dir/fuzz/targets/${t}_replay" "$src/fuzz/targets/corpus/$t" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -ne 0 ] && r=$(why "$tmp/out" $rc) || r="corpus passes (not detected)"
	row "${t}_replay corpus" "$r" "$(secs "$t0" "$(now)")"
done
for t in ${FUZZ_TARGETS:-fuzz_api fuzz_iobus fuzz_routing fuzz_msi}; do
	[ -x "$dir/fuzz/targets/$t" ] || continue
	mkdir -p "$tmp/scratch-$t"
	t0=$(now)
	FUZZ_QUIET=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		"$dir/fuzz/targets/$t" -max_total_time="$fuzz_seconds" -max_len=4096 \
		-dict="$src/fuzz/targets/$t.dict" -artifact_prefix="$tmp/" \
		"$tmp/scratch-$t" "$src/fuzz/targets/corpus/$t" >"$tmp/out" 2>&1
	rc=$?
	execs=$(grep -oE '^#[0-9]+' "$tmp/out" | tail -n 1)
	if [ $rc -ne 0 ]; then
		r="$(why "$tmp/out" $rc) at ${execs:-#?} execs"
	else
		r="${fuzz_seconds} s, ${execs:-#?} execs: not detected"
	fi
	row "$t (libFuzzer)" "$r" "$(secs "$t0" "$(now)")"
done
