#!/bin/bash
# fuzz-repro over the committed corpora (meson test fuzz_repro_corpus,
# suite fuzz-corpus):
#   repro_corpus.sh IRQSIM CORPUS_DIR WORK_DIR
# 1. every input of every target becomes a scenario (irqsim fuzz-repro)
#    that must PASS with `irqsim run` on the clean model;
# 2. the planted finding: corpus/fuzz_iobus/regress-bsearch-noncontiguous-datamatch
#    converted with --strict states the reference's answer where the kernel's
#    kvm_io_bus bsearch misses a matching ioeventfd (docs/fuzzing.md, finding 1),
#    so its scenario must FAIL (exit 1) naming the guest write and
#    "expected kernel, got exit".
set -u
irqsim=$1 corpus=$2 work=$3/fuzz-repro
rm -rf "$work"
mkdir -p "$work"
bad=0 total=0
for t in fuzz_api fuzz_routing fuzz_iobus fuzz_msi; do
	n=0
	for f in "$corpus/$t"/*; do
		[ -f "$f" ] || continue
		scn=$work/$t-$(basename "$f").scn
		total=$((total + 1)) n=$((n + 1))
		if ! "$irqsim" fuzz-repro "$t" "$f" -o "$scn" 2> "$scn.err"; then
			echo "FAIL: fuzz-repro $t $f"; cat "$scn.err"; bad=$((bad + 1)); continue
		fi
		if ! "$irqsim" run "$scn" > "$scn.out" 2>&1; then
			echo "FAIL: $scn (from $f) on the clean model:"; cat "$scn.out"
			bad=$((bad + 1))
		fi
	done
	echo "$t: $n corpus input(s) converted and run"
	[ "$n" -gt 0 ] || { echo "FAIL: no corpus for $t"; bad=$((bad + 1)); }
done

planted=$corpus/fuzz_iobus/regress-bsearch-noncontiguous-datamatch
scn=$work/planted-strict.scn
"$irqsim" fuzz-repro --strict fuzz_iobus "$planted" -o "$scn" 2> /dev/null
"$irqsim" run "$scn" > "$scn.out" 2>&1
rc=$?
line=$(grep -o "^$scn:[0-9]*: expected kernel, got exit" "$scn.out" | head -n 1 | cut -d: -f2)
if [ $rc -ne 1 ] || [ -z "$line" ] ||
   ! sed -n "${line}p" "$scn" | grep -q '^vcpu 0 mmio write .* => kernel$'; then
	echo "FAIL: the planted finding did not fail as expected (exit $rc):"
	cat "$scn.out"
	bad=$((bad + 1))
else
	echo "planted finding reproduced: $(grep 'expected kernel' "$scn.out" | head -n 1)"
	echo "  line $line: $(sed -n "${line}p" "$scn")"
fi
# the command line: help, and usage errors exit 2 with a message
"$irqsim" fuzz-repro --help | grep -q '^Usage: irqsim fuzz-repro' || { echo "FAIL: --help"; bad=$((bad + 1)); }
"$irqsim" fuzz-repro nosuch "$planted" 2> "$work/err"; rc=$?
{ [ $rc -eq 2 ] && grep -q "unknown target 'nosuch'" "$work/err"; } ||
	{ echo "FAIL: unknown target gave $rc: $(cat "$work/err")"; bad=$((bad + 1)); }
"$irqsim" fuzz-repro fuzz_api "$work/no-such-file" 2> "$work/err"; rc=$?
{ [ $rc -eq 2 ] && grep -q "no-such-file" "$work/err"; } ||
	{ echo "FAIL: missing file gave $rc"; bad=$((bad + 1)); }
"$irqsim" fuzz-repro fuzz_api 2> /dev/null; [ $? -eq 2 ] || { echo "FAIL: no FILE"; bad=$((bad + 1)); }

echo "$total scenario(s), $bad failure(s)"
[ $bad -eq 0 ]
