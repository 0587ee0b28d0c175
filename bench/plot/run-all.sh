#!/bin/bash
# `make bench`: every benchmark once, one after the other (on 2 cores they
# would compete with each other), each writing its CSV into bench/results/;
# then one PNG per bench (gnuplot, bench/plot/NAME.gp) and the tables of
# docs/benchmarks.md (bench/plot/tables.py).
#
#   bench/plot/run-all.sh [-b BUILD] [-a ASAN_BUILD] [-f FUZZ_BUILD] [-r RESULTS]
#                         [-d DOC] [-p] [-q]
#
# -b  the optimised build (default build); its bench binaries must be built
# -a  an ASan+UBSan build whose bench/explore/bench_explore is built: the
#     explorer's ASan figure (skipped without it)
# -f  the clang -Dfuzz=enabled build for bench/fuzz/bench_fuzz.sh, which
#     configures and builds it if needed (skipped without -f)
# -r  results directory (default bench/results)
# -d  the doc whose tables are regenerated (default docs/benchmarks.md)
# -p  plots and tables only, from the CSVs already in RESULTS
# -q  smoke run: every bench with a few iterations (checks the pipeline;
#     the figures mean nothing, so use it with -r and -d elsewhere)
#
# Every CSV and PNG this run produces is deleted first, so nothing stale
# survives a bench that fails. The run's date, machine and load averages go
# to RESULTS/run-machine.csv, each bench's status, duration and load to
# RESULTS/run.csv; each bench's console output to BUILD/bench-logs/NAME.txt.
# A failing bench does not stop the run; the exit status is 1 if any failed.
set -u
cd "$(dirname "$0")/../.."
build=build
asan=
fuzz=
res=bench/results
doc=docs/benchmarks.md
plots_only=0
quick=0
while getopts "b:a:f:r:d:pq" o; do
	case $o in
	b) build=$OPTARG ;;
	a) asan=$OPTARG ;;
	f) fuzz=$OPTARG ;;
	r) res=$OPTARG ;;
	d) doc=$OPTARG ;;
	p) plots_only=1 ;;
	q) quick=1 ;;
	*) sed -n '7,8p' "$0" >&2; exit 2 ;;
	esac
done
nice="nice -n ${BENCH_NICE:-5}"
logs=$build/bench-logs
failed=0

load1() { cut -d' ' -f1 /proc/loadavg; }

# run NAME CMD...: one bench, its output to the log, a row in run.csv
run() {
	local name=$1 l0 t0 rc status secs
	shift
	l0=$(load1)
	t0=$(date +%s%N)
	echo "== $name: $*"
	$nice "$@" >"$logs/$name.txt" 2>&1
	rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	case $rc in
	0) status=ok ;;
	77) status=skipped ;;
	*) status="failed (exit $rc)"; failed=1 ;;
	esac
	printf '   %s in %s s, load %s -> %s\n' "$status" "$secs" "$l0" "$(load1)"
	[ "$rc" = 0 ] || tail -n 5 "$logs/$name.txt" | sed 's/^/   | /'
	printf '%s,%s,%s,%s,%s\n' "$name" "$status" "$secs" "$l0" "$(load1)" >>"$res/run.csv"
}

# skip NAME REASON: a bench this run could not do
skip() {
	echo "== $1: skipped ($2)"
	printf '%s,skipped (%s),,,\n' "$1" "$2" >>"$res/run.csv"
}

mkdir -p "$res" "$logs"
if [ "$plots_only" = 0 ]; then
	for n in runtime delivery doorbell doorbell-kvm doorbell-compare irqfd iobus dpci \
		 scenario explore explore-asan fuzz run run-machine; do
		rm -f "$res/$n.csv" "$res/$n.png"
	done
	b=$build/bench
	# the smoke-run arguments of each bench (empty for a real run)
	q_eventfd= q_runtime= q_scenario= q_explore= q_explore_asan="--schedules 1000" q_fuzz=
	if [ "$quick" = 1 ]; then
		q_eventfd=-q q_runtime=--quick q_scenario="--statements 2000"
		q_explore="--schedules 50" q_explore_asan="--schedules 20" q_fuzz="-s 2"
	fi
	read -r l1 l5 l15 _ </proc/loadavg
	{
		echo "key,value"
		echo "date,$(date '+%Y-%m-%d %H:%M %Z')"
		echo "cores,$(nproc)"
		echo "cpu,$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1 | tr ',' ' ')"
		echo "kernel,$(uname -r)"
		echo "compiler,$(cc --version | head -1 | tr ',' ' ')"
		echo "commit,$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
		echo "nice,${BENCH_NICE:-5}"
		[ "$quick" = 1 ] && echo "mode,smoke run (-q): a few iterations; the figures mean nothing"
		echo "load_start,$l1"
		echo "load_start_5min,$l5"
		echo "load_start_15min,$l15"
	} >"$res/run-machine.csv"
	echo "bench,status,seconds,load_start,load_end" >"$res/run.csv"

	run runtime "$b/runtime/bench_runtime" $q_runtime --csv "$res/runtime.csv"
	run delivery "$b/delivery/delivery" $q_eventfd -o "$res/delivery.csv"
	# the real kernel and the simulator back to back, and 2009 beside
	run doorbell python3 bench/doorbell-kvm/compare.py "$b/doorbell-kvm/doorbell-kvm" \
		"$b/doorbell/doorbell" $q_eventfd -o "$res/doorbell-compare.csv" --keep "$res"
	run irqfd "$b/irqfd/irqfd_bench" $q_eventfd -o "$res/irqfd.csv"
	run iobus "$b/iobus/iobus_bench" $q_eventfd -o "$res/iobus.csv"
	run dpci "$b/dpci/dpci_bench" $q_eventfd -o "$res/dpci.csv"
	run scenario "$b/scenario/bench_scenario" $q_scenario --csv "$res/scenario.csv"
	run explore "$b/explore/bench_explore" $q_explore --csv "$res/explore.csv"
	if [ -n "$asan" ] && [ -x "$asan/bench/explore/bench_explore" ]; then
		ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			run explore-asan "$asan/bench/explore/bench_explore" $q_explore_asan \
				--csv "$res/explore-asan.csv"
	else
		skip explore-asan "no ASan build given (-a)"
	fi
	# configures and builds FUZZ_BUILD (clang, -Dfuzz=enabled) when missing
	if [ -x bench/fuzz/bench_fuzz.sh ] && [ -n "$fuzz" ]; then
		run fuzz bench/fuzz/bench_fuzz.sh -b "$fuzz" $q_fuzz -o "$res/fuzz.csv"
	else
		skip fuzz "no bench/fuzz/bench_fuzz.sh or no fuzz build given (-f)"
	fi
	echo "load_end,$(load1)" >>"$res/run-machine.csv"
fi

# the plots: one per CSV present
for gp in bench/plot/*.gp; do
	name=$(basename "$gp" .gp)
	[ "$name" = common ] && continue
	[ -f "$res/$name.csv" ] || { echo "plot $name: no $res/$name.csv, skipped"; continue; }
	gnuplot -c "$gp" "$res" 2>"$logs/plot-$name.txt" || {
		echo "plot $name: gnuplot failed:"; cat "$logs/plot-$name.txt"; failed=1; }
done
python3 bench/plot/tables.py -r "$res" --update "$doc" || failed=1
exit $failed
