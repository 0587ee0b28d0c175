#!/bin/sh
# `irqsim explore` and `irqsim replay` end to end: explore finds the planted
# failure, prints a minimised replay command, that command fails the same
# way, and two replays write byte-identical traces.
# usage: cli_explore.sh IRQSIM SCENARIO_DIR TMPDIR
set -u
irqsim=$1 dir=$2 tmp=$3
mkdir -p "$tmp"
fail() { echo "FAIL: $*"; exit 1; }

out=$("$irqsim" explore --strategy pct --depth 2 --schedules 2000 "$dir/race.scn" 2>"$tmp/err")
st=$?
[ $st -eq 1 ] || fail "explore exit $st, wanted 1"
echo "$out" | grep -q "^FAIL $dir/race.scn (schedule " || fail "no FAIL line: $out"
grep -q "race.scn:9: expected 1, got" "$tmp/err" || fail "the failing run's message was not printed"
cmd=$(echo "$out" | grep "irqsim replay" | tail -1 | sed 's/^ *irqsim replay //')
[ -n "$cmd" ] || fail "no replay command: $out"

# shellcheck disable=SC2086
"$irqsim" replay $cmd --trace "$tmp/a.json" >"$tmp/r1" 2>"$tmp/e1"
[ $? -eq 1 ] || fail "replay did not fail: $(cat "$tmp/r1" "$tmp/e1")"
grep -q "race.scn:9: expected 1, got" "$tmp/e1" || fail "replay failed differently: $(cat "$tmp/e1")"
# shellcheck disable=SC2086
"$irqsim" replay $cmd --trace "$tmp/b.json" >/dev/null 2>&1
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "two replays wrote different traces"
[ "$(wc -c <"$tmp/a.json")" -gt 1000 ] || fail "trace too small"

"$irqsim" explore --strategy exhaustive --depth 1 --schedules 100000 "$dir/calm.scn" >"$tmp/c" 2>&1
[ $? -eq 0 ] || fail "calm.scn failed: $(cat "$tmp/c")"
grep -q "space exhausted" "$tmp/c" || fail "calm.scn: space not exhausted: $(cat "$tmp/c")"

"$irqsim" explore --strategy bogus "$dir/calm.scn" >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad strategy must exit 2"
"$irqsim" replay "$dir/calm.scn" >/dev/null 2>&1
[ $? -eq 2 ] || fail "replay without --seed must exit 2"
"$irqsim" replay "$dir/calm.scn" --seed 1 --schedule 0z >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad schedule must exit 2"
echo "ok"
