#!/bin/sh
# diverge_guest_ack.sh IRQSIM FILE: `irqsim diff` must report a divergence
# (exit 1, "FILE:LINE: simulator: X, kernel: Y") when the kernel really
# differs. kvm_pvm EOIs at injection; forcing the guest-side acknowledge
# there makes the ISR differ. Elsewhere (or without /dev/kvm): skipped.
set -u
irqsim=$1
file=$2
out=$("$irqsim" diff "$file" 2>&1)
rc=$?
[ $rc = 77 ] && exit 77
case $out in
*"ack host"*) ;;
*) echo "the kernel does not EOI at injection here: nothing to diverge"; exit 77 ;;
esac
[ $rc = 0 ] || { echo "host-mode ack should agree (rc $rc):"; echo "$out"; exit 1; }
out=$(KVMREAL_ACK=guest "$irqsim" diff "$file" 2>&1)
rc=$?
echo "$out"
[ $rc = 1 ] || { echo "FAIL: exit $rc, expected 1"; exit 1; }
echo "$out" | grep -q "isr_after_ack.scn:9: simulator: 0x41, kernel: none" ||
	{ echo "FAIL: line 9 not reported"; exit 1; }
echo "$out" | grep -q "^DIVERGE " || { echo "FAIL: no DIVERGE line"; exit 1; }
exit 0
