#!/bin/sh
# run_diff.sh IRQSIM FILE: `irqsim diff FILE` must agree. A file whose
# header says `# expect-exit: 2` is a script error on purpose: diff must
# then exit 2 (the results before the error still compared, none differing).
# Exit 77 (no usable /dev/kvm) is passed through: meson counts it as skipped.
set -u
irqsim=$1
file=$2
want=2
grep -q '^# expect-exit: *2' "$file" || want=0
out=$("$irqsim" diff "$file" 2>&1)
rc=$?
[ $rc = 77 ] && { echo "$out"; exit 77; }
if [ $rc != $want ] || echo "$out" | grep -q ": simulator: .*, kernel: .*]$"; then
	echo "FAIL: irqsim diff exit $rc, expected $want"
	echo "$out"
	exit 1
fi
echo "$out"
exit 0
