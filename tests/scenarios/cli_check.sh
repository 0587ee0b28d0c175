#!/bin/sh
# Check one irqsim command line: its exit status and a text in one stream.
#
#   cli_check.sh EXIT stdout|stderr|- TEXT IRQSIM ARGS...
set -u
want_exit=$1 stream=$2 text=$3
shift 3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$@" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
fail=0
if [ "$rc" != "$want_exit" ]; then
	echo "FAIL: exit status $rc, expected $want_exit: $*"
	fail=1
fi
if [ "$stream" != - ] && ! grep -qF -- "$text" "$tmp/$stream"; then
	echo "FAIL: $stream lacks: $text"
	fail=1
fi
if [ $fail -ne 0 ]; then
	echo "---- stdout"; cat "$tmp/stdout"
	echo "---- stderr"; cat "$tmp/stderr"
fi
exit $fail
