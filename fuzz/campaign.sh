#!/bin/bash
# A fuzzing campaign over the libFuzzer targets, then a merge of what it
# found into the committed corpora (`make fuzz` runs this).
#
#   fuzz/campaign.sh [-b BUILDDIR] [-s SECONDS] [-j FORKS] [-n] [TARGET...]
#
# -b  a clang build dir configured with -Dfuzz=enabled (default build-fuzz;
#     configured here if missing)
# -s  seconds per target (default $FUZZ_SECONDS, else 60)
# -j  libFuzzer -fork=N jobs (default 2)
# -n  do not merge into fuzz/targets/corpus/<target> (scratch only)
#
# Each target runs in fork mode with its dictionary; new inputs land in
# BUILDDIR/fuzz/campaign/<target>/new, crashes in .../artifacts. Then
# -merge=1 copies into the committed corpus only the inputs that add
# coverage features, so the corpus stays small. LSan is off
# (-detect_leaks=0): leaks are still findings, through the simulation's own
# allocation accounting that fz_env_end checks at sim_destroy. A table of
# execs/s, coverage edges before/after and files added ends the run; exit
# status 1 if any target left a crash artifact.
set -u
cd "$(dirname "$0")/.."
src=$PWD
build=build-fuzz
secs=${FUZZ_SECONDS:-60}
forks=2
merge=1
while getopts "b:s:j:n" o; do
	case $o in
	b) build=$OPTARG ;;
	s) secs=$OPTARG ;;
	j) forks=$OPTARG ;;
	n) merge=0 ;;
	*) echo "usage: $0 [-b BUILDDIR] [-s SECONDS] [-j FORKS] [-n] [TARGET...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_routing fuzz_iobus fuzz_msi fuzz_api fuzz_chips)

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=enabled || exit 2
fi
ninja -C "$build" $(printf 'fuzz/targets/%s ' "${targets[@]}") || exit 2

# "cov: N" of the last status line libFuzzer printed
last_cov() { grep -o 'cov: [0-9]*' "$1" | tail -n 1 | awk '{print $2}'; }

rows=()
found=0
for t in "${targets[@]}"; do
	bin=$build/fuzz/targets/$t
	corpus=$src/fuzz/targets/corpus/$t
	work=$build/fuzz/campaign/$t
	rm -rf "$work"
	mkdir -p "$work/new" "$work/artifacts"
	before_files=$(ls "$corpus" | wc -l)
	# coverage of the committed corpus alone
	"$bin" -runs=0 -detect_leaks=0 -max_len=4096 "$corpus" > "$work/before.log" 2>&1
	cov0=$(last_cov "$work/before.log")
	echo "== $t: ${secs}s, -fork=$forks (log $work/fuzz.log)"
	start=$(date +%s.%N)
	ASAN_OPTIONS=detect_leaks=0 "$bin" -fork="$forks" -max_total_time="$secs" \
		-ignore_crashes=1 -detect_leaks=0 -max_len=4096 \
		-dict="$src/fuzz/targets/$t.dict" \
		-artifact_prefix="$work/artifacts/" \
		"$work/new" "$corpus" > "$work/fuzz.log" 2>&1
	end=$(date +%s.%N)
	# fork mode: "#N: cov: C ft: F corp: K exec/s: E ..." per status line
	execs=$(grep -o '^#[0-9]*' "$work/fuzz.log" | tail -n 1 | tr -d '#')
	rate=$(awk -v n="${execs:-0}" -v a="$start" -v b="$end" 'BEGIN{printf "%.0f", n / (b - a)}')
	added=0
	if [ $merge = 1 ]; then
		"$bin" -merge=1 -detect_leaks=0 -max_len=4096 "$corpus" "$work/new" \
			> "$work/merge.log" 2>&1
		added=$(( $(ls "$corpus" | wc -l) - before_files ))
		"$bin" -runs=0 -detect_leaks=0 -max_len=4096 "$corpus" > "$work/after.log" 2>&1
	else
		"$bin" -runs=0 -detect_leaks=0 -max_len=4096 "$corpus" "$work/new" \
			> "$work/after.log" 2>&1
	fi
	cov1=$(last_cov "$work/after.log")
	crashes=$(ls "$work/artifacts" | wc -l)
	[ "$crashes" -gt 0 ] && found=1
	rows+=("$(printf '%-14s %8s %10s %9s %9s %7s %8s' "$t" "$secs" "${rate}" \
		"${cov0:-?}" "${cov1:-?}" "+$added" "$crashes")")
done

echo
printf '%-14s %8s %10s %9s %9s %7s %8s\n' target seconds "execs/s" "cov.before" \
	"cov.after" "corpus" "crashes"
printf '%s\n' "${rows[@]}"
echo "(cov = libFuzzer edge coverage of the model by the committed corpus, before and after;"
echo " execs/s = all fork jobs together; corpus = files merged into fuzz/targets/corpus)"
if [ $found = 1 ]; then
	echo "crash artifacts: $build/fuzz/campaign/*/artifacts/ (irqsim fuzz-repro TARGET FILE)"
	exit 1
fi
exit 0
