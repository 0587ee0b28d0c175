#!/bin/sh
# Run one scenario with irqsim and check the outcome its header asks for.
#
#   run_scn.sh IRQSIM FILE
#
# Header comments understood (anywhere in the file, one per line):
#   # expect-exit: N          exit status (default 0)
#   # expect-stderr: TEXT     TEXT must appear in stderr (repeatable)
#   # expect-stdout: TEXT     TEXT must appear in stdout (repeatable)
#   # args: ARGS              extra `irqsim run` options (e.g. --seed 3)
# irqsim runs in the file's directory with the bare file name, so messages
# read `t.scn:5: ...` whatever the build directory is.
set -u
irqsim=$1
file=$2
# meson may pass paths relative to the build directory; we cd below
case $irqsim in /*) ;; *) irqsim=$(pwd)/$irqsim ;; esac
case $file in /*) ;; *) file=$(pwd)/$file ;; esac
dir=$(dirname "$file")
base=$(basename "$file")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

want_exit=$(sed -n 's/^# expect-exit: *//p' "$file" | head -n 1)
[ -n "$want_exit" ] || want_exit=0
args=$(sed -n 's/^# args: *//p' "$file" | head -n 1)

# shellcheck disable=SC2086 # args are words on purpose
(cd "$dir" && "$irqsim" run $args "$base") >"$tmp/out" 2>"$tmp/err"
rc=$?

fail=0
if [ "$rc" != "$want_exit" ]; then
	echo "FAIL: $file: exit status $rc, expected $want_exit"
	fail=1
fi
for stream in stderr stdout; do
	sed -n "s/^# expect-$stream: //p" "$file" >"$tmp/want-$stream"
	src=$tmp/err
	[ "$stream" = stdout ] && src=$tmp/out
	while IFS= read -r want; do
		if ! grep -qF -- "$want" "$src"; then
			echo "FAIL: $file: $stream lacks: $want"
			fail=1
		fi
	done <"$tmp/want-$stream"
done
if [ $fail -ne 0 ] || [ "$rc" != 0 ]; then
	echo "---- stdout"; cat "$tmp/out"
	echo "---- stderr"; cat "$tmp/err"
fi
exit $fail
