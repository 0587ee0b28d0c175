#!/bin/sh
# Every *.scn in DIR must be registered in tests/scenarios/meson.build.
#   check_listed.sh DIR NAME...
set -u
dir=$1
shift
fail=0
for f in "$dir"/*.scn; do
	[ -e "$f" ] || continue
	name=$(basename "$f")
	found=0
	for n in "$@"; do
		[ "$n" = "$name" ] && found=1
	done
	if [ $found -eq 0 ]; then
		echo "FAIL: $f is not listed in tests/scenarios/meson.build"
		fail=1
	fi
done
exit $fail
