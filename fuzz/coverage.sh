#!/bin/sh
# Line and branch coverage of model/ reached by the committed corpora
# (docs/fuzzing.md "Coverage"):  fuzz/coverage.sh [BUILDDIR]  (default build-cov)
# A gcc build with -Db_coverage=true replays every target's corpus with the
# plain replay binaries, then gcovr reports model/ only, per file.
set -e
cd "$(dirname "$0")/.."
build=${1:-build-cov}
targets="routing iobus msi api chips"
[ -f "$build/build.ninja" ] || meson setup "$build" -Db_coverage=true
ninja -C "$build" $(for t in $targets; do printf 'fuzz/targets/fuzz_%s_replay ' "$t"; done)
find "$build" -name '*.gcda' -delete
for t in $targets; do
	"$build/fuzz/targets/fuzz_${t}_replay" "fuzz/targets/corpus/fuzz_$t"
done
cd "$build"
echo "== lines"
gcovr -r .. --filter '\.\./model/' .
echo "== branches"
gcovr -r .. --filter '\.\./model/' -b .
