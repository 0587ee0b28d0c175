#!/bin/bash
# Fuzzing speed, per target, side by side (docs/fuzzing.md "Speed"):
#
#   bench/fuzz/bench_fuzz.sh [-b BUILD] [-B OLD_BUILD] [-s SECONDS] [-o CSV]
#
# Each target runs SECONDS (default 20) under libFuzzer, ASan+UBSan, one
# process, from a fixed corpus (fuzz_api: 50 generated 64-operation
# programs, -max_len=300; the others: their committed corpus), in these
# configurations:
#   baseline  the old settings: LSan after every input (-detect_leaks=1),
#             fuzz_api's invariants after every operation
#             (FUZZ_API_INVARIANTS_EVERY=1)
#   tuned     -detect_leaks=0 (leaks still found: fz_env_end fails on the
#             simulation's own allocation accounting at sim_destroy) and
#             invariants every 8th operation and at each thread's end
#   old       with -B: OLD_BUILD's binaries (e.g. a build of an earlier
#             commit) with the tuned settings, for changes that have no switch
# The machine is shared, so besides execs per wall second the table gives
# execs per CPU second (user+sys of the fuzzer): what one core would do.
# CSV (default bench/results/fuzz.csv): target,config,seconds,execs,cpu_s,
# execs_per_cpu_s,execs_per_wall_s.
set -u
cd "$(dirname "$0")/../.."
src=$PWD
build=build-fuzz
old=
secs=20
csv=$src/bench/results/fuzz.csv
while getopts "b:B:s:o:" o; do
	case $o in
	b) build=$OPTARG ;;
	B) old=$OPTARG ;;
	s) secs=$OPTARG ;;
	o) csv=$OPTARG ;;
	*) echo "usage: $0 [-b BUILD] [-B OLD_BUILD] [-s SECONDS] [-o CSV]" >&2; exit 2 ;;
	esac
done
targets=(fuzz_api fuzz_routing fuzz_iobus fuzz_msi fuzz_chips)
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=enabled || exit 2
fi
ninja -C "$build" $(printf 'fuzz/targets/%s ' "${targets[@]}") || exit 2

work=$(mktemp -d /dev/shm/irqsim-bench-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
# 64-operation fuzz_api programs, always the same ones
${CC:-cc} -O2 -std=gnu11 -D_GNU_SOURCE -Ifuzz/targets -Iinclude -Isim/kernel/include -I. \
	$(pkg-config --cflags liburcu-memb ck) bench/fuzz/gen_api_programs.c \
	fuzz/targets/fuzz_api_prog.c -o "$work/gen" || exit 2
mkdir -p "$work/api64"
"$work/gen" "$work/api64" 50 64 1 || exit 2

# run BIN TARGET CONFIG ENV... -> one CSV row
run() {
	local bin=$1 t=$2 cfg=$3 leaks=$4
	shift 4
	local corpus=$src/fuzz/targets/corpus/$t maxlen=4096 out=$work/out-$t-$cfg
	[ "$t" = fuzz_api ] && corpus=$work/api64 maxlen=300
	rm -rf "$out"
	mkdir -p "$out"
	/usr/bin/time -f "%U %S %e" -o "$work/time" env "$@" "$bin" -max_total_time="$secs" \
		-seed=1 -max_len=$maxlen -detect_leaks="$leaks" -print_final_stats=1 \
		-artifact_prefix="$work/" "$out" "$corpus" > "$work/log" 2>&1
	local execs cpu wall
	execs=$(grep -o 'number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
	read -r u s wall < "$work/time"
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}')
	if [ -z "$execs" ]; then
		echo "$t $cfg: no statistics (finding or crash?), log:" >&2
		tail -n 20 "$work/log" >&2
		execs=0
	fi
	awk -v t="$t" -v c="$cfg" -v n="$secs" -v e="$execs" -v cpu="$cpu" -v w="$wall" \
		'BEGIN{printf "%s,%s,%s,%s,%.2f,%.0f,%.0f\n", t, c, n, e, cpu,
		       (cpu > 0 ? e / cpu : 0), (w > 0 ? e / w : 0)}'
}

rows=$work/rows.csv
: > "$rows"
for t in "${targets[@]}"; do
	run "$build/fuzz/targets/$t" "$t" baseline 1 FUZZ_API_INVARIANTS_EVERY=1 >> "$rows"
	run "$build/fuzz/targets/$t" "$t" tuned 0 FUZZ_API_INVARIANTS_EVERY=8 >> "$rows"
	if [ -n "$old" ] && [ -x "$old/fuzz/targets/$t" ]; then
		run "$old/fuzz/targets/$t" "$t" old 0 FUZZ_API_INVARIANTS_EVERY=8 >> "$rows"
	fi
done
mkdir -p "$(dirname "$csv")"
{ echo "target,config,seconds,execs,cpu_s,execs_per_cpu_s,execs_per_wall_s"; cat "$rows"; } > "$csv"

printf '%-13s %-9s %8s %8s %12s %13s\n' target config execs cpu_s "execs/cpu-s" "execs/wall-s"
awk -F, '{printf "%-13s %-9s %8s %8s %12s %13s\n", $1, $2, $4, $5, $6, $7}' "$rows"
echo "CSV: $csv"
