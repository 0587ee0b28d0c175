#!/bin/bash
# Proof that irqsim's checkers find bugs: build each historic-bug switch
# (-Dhistoric_bug=NAME, meson_options.txt) in its own build directory, run
# the bug's detector from tests/bugs/ and assert that it FAILS with the
# expected checker report; then assert that the same detectors PASS on a
# clean build. Prints a table: bug, detector, report, schedules and seconds
# to detection. Not part of `make check` (a few minutes: six builds).
#
#   tests/bugs/check_all.sh [--gcc] [--full] [BUG...]
#
#   --gcc   build with gcc and no sanitizer: use-after-free is then seen
#           through the sched backend's 0x6b poison (a wild read, SIGSEGV,
#           or a poisoned lock word, a deadlock report) instead of ASan
#   --full  also measure the other detectors: the scenario and model
#           suites, `irqsim explore` (random, and --fine), the fuzz corpus
#           replays and, with clang, each libFuzzer target for 60 s
#   BUG     only these switches (default: all five)
#
# Environment: BUILD_ROOT (default: the source root) holds the build
# directories build-bugs-<NAME> (-gcc suffixed with --gcc); JOBS (default 2).
# Exit status: 0 when every switch was detected and the clean build passed.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/bugs
root=${BUILD_ROOT:-$src}
jobs=${JOBS:-2}
mode=asan
full=0
bugs=()
for a in "$@"; do
	case $a in
	--gcc) mode=gcc ;;
	--full) full=1 ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	-*) echo "check_all.sh: unknown option $a" >&2; exit 2 ;;
	*) bugs+=("$a") ;;
	esac
done
all=(resampler_no_gp eventfd_err_as_null iobus_no_sync fastpath_no_seqcount resampler_lock_order)
[ ${#bugs[@]} -gt 0 ] || bugs=("${all[@]}")

# what each bug's detector must report (grep -E over stdout+stderr)
declare -A want
if [ $mode = asan ]; then
	want[resampler_no_gp]='heap-use-after-free'
	want[eventfd_err_as_null]='SEGV on unknown address'
	want[iobus_no_sync]='heap-use-after-free'
else
	want[resampler_no_gp]='SIGSEGV|use-after-free'
	want[eventfd_err_as_null]='SIGSEGV'
	want[iobus_no_sync]='BUG: deadlock|use-after-free|SIGSEGV'
fi
want[fastpath_no_seqcount]='expected (none|0x41\|none|0x42\|none), got 0x4[12]'
want[resampler_lock_order]='possible circular locking dependency detected'

log=$(mktemp -d) || exit 1
trap 'rm -rf "$log"' EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# build DIR BUG: configure (once) and build what the detectors need
build() {
	local dir=$1 bug=$2 args
	args=(-Dhistoric_bug="$bug")
	# ASan alone: UBSan is no detector of these bugs
	[ $mode = asan ] && args+=(-Db_sanitize=address -Db_lundef=false)
	# fuzz/targets compiles its own copy of the model: give it the define too
	[ "$bug" != none ] && args+=(-Dc_args="-DIRQSIM_BUG_${bug^^}=1")
	if [ ! -f "$dir/build.ninja" ]; then
		if [ $mode = asan ]; then
			CC=${CC:-clang} meson setup "$dir" "$src" "${args[@]}" >"$log/setup" 2>&1
		else
			CC=${CC:-gcc} meson setup "$dir" "$src" "${args[@]}" >"$log/setup" 2>&1
		fi || { cat "$log/setup"; return 1; }
	else
		meson configure "$dir" "${args[@]}" >"$log/setup" 2>&1 || { cat "$log/setup"; return 1; }
	fi
	ninja -C "$dir" -j"$jobs" irqsim >"$log/build" 2>&1 || { tail -30 "$log/build"; return 1; }
}

# detect DIR BUG: run the bug's detector; sets rc, out, t
detect() {
	local dir=$1 bug=$2 t0
	t0=$(now)
	if [ "$bug" = fastpath_no_seqcount ]; then
		(cd "$here" && "$dir/irqsim" explore --fine --schedules 300 --seed 1 \
			"bug_$bug.scn") >"$log/out" 2>&1
	else
		(cd "$here" && "$dir/irqsim" run "bug_$bug.scn") >"$log/out" 2>&1
	fi
	rc=$?
	t=$(secs "$t0" "$(now)")
	[ $rc -gt 128 ] && echo "killed by $(kill -l $((rc - 128)) 2>/dev/null | sed 's/^/SIG/')" >>"$log/out"
	out=$log/out
}

# first_seed DIR BUG: the first schedule (seed) of `run schedules=N seed=1` that fails
first_seed() {
	local dir=$1 bug=$2 n s
	n=$(sed -n 's/^run schedules=\([0-9]*\).*/\1/p' "$here/bug_$bug.scn")
	if [ -z "$n" ]; then
		if [ "$bug" = fastpath_no_seqcount ]; then
			sed -n 's/.*(schedule \([0-9]*\) of.*/\1/p' "$log/out" | head -n 1
		else
			echo 1
		fi
		return
	fi
	for s in $(seq 1 "$n"); do
		if ! (cd "$here" && "$dir/irqsim" run --seed "$s" "bug_$bug.scn") >/dev/null 2>&1; then
			echo "$s"
			return
		fi
	done
	echo "-"
}

report_of() {
	grep -oE "${want[$1]}" "$2" | head -n 1
}

fail=0
rows=()
sep=$'\t'	# the reports contain '|' (expected 0x41|none, ...)
for bug in "${bugs[@]}"; do
	[ -n "${want[$bug]:-}" ] || { echo "check_all.sh: unknown bug $bug" >&2; exit 2; }
	dir=$root/build-bugs-$bug
	[ $mode = gcc ] && dir=$dir-gcc
	echo "== $bug: building $dir" >&2
	if ! build "$dir" "$bug"; then
		rows+=("$bug${sep}build failed${sep}-${sep}-${sep}-")
		fail=1
		continue
	fi
	detect "$dir" "$bug"
	what="irqsim run bug_$bug.scn"
	[ "$bug" = fastpath_no_seqcount ] && what="irqsim explore --fine bug_$bug.scn"
	if [ $rc -ne 0 ] && grep -qE "${want[$bug]}" "$out"; then
		seed=$(first_seed "$dir" "$bug")
		rows+=("$bug${sep}$what${sep}$(report_of "$bug" "$out")${sep}$seed${sep}$t")
	else
		echo "FAIL: $bug was not detected (exit $rc); output:" >&2
		head -n 40 "$out" >&2
		rows+=("$bug${sep}$what${sep}NOT DETECTED (exit $rc)${sep}-${sep}$t")
		fail=1
	fi
	if [ $full -eq 1 ]; then
		"$here/measure_other.sh" "$dir" "$bug" >>"$log/full" 2>&1
	fi
done

# the clean build: every detector passes
dir=$root/build-bugs-none
[ $mode = gcc ] && dir=$dir-gcc
echo "== clean: building $dir" >&2
if build "$dir" none; then
	for bug in "${bugs[@]}"; do
		detect "$dir" "$bug"
		if [ $rc -ne 0 ]; then
			echo "FAIL: the clean build fails $bug's detector:" >&2
			head -n 40 "$out" >&2
			rows+=("clean${sep}bug_$bug.scn${sep}FAILED on the clean build${sep}-${sep}$t")
			fail=1
		else
			rows+=("clean${sep}bug_$bug.scn${sep}passes${sep}all${sep}$t")
		fi
	done
else
	fail=1
fi

printf '\n%-22s | %-50s | %-46s | %-9s | %s\n' bug detector "report" schedule seconds
printf '%s\n' "$(printf '%.0s-' $(seq 1 150))"
for r in "${rows[@]}"; do
	IFS=$sep read -r b d w s t <<<"$r"
	printf '%-22s | %-50s | %-46s | %-9s | %s\n' "$b" "$d" "$w" "$s" "$t"
done
[ -f "$log/full" ] && { echo; cat "$log/full"; }
echo
[ $fail -eq 0 ] && echo "all ${#bugs[@]} historic bugs detected; clean build passes" ||
	echo "check_all.sh: FAILED"
exit $fail
