/*
 * The guest-side acknowledge path, forced with KVMREAL_ACK=guest (meson
 * sets it): the vCPU really takes the interrupt (sti; hlt or an interrupt
 * window) and its handler reports the vector. On kvm_pvm the kernel EOIs
 * on injection, so the ISR is not checked here; the order of vectors is.
 */
#include <errno.h>
#include <stdlib.h>
#include "kvm_test.h"

static int ack(struct kvmreal_vm *vm, int n)
{
	int vec = -2;

	CU_ASSERT_EQUAL(kvmreal_guest_ack(vm, n, &vec), 0);
	return vec;
}

static void test_forced_mode(void)
{
	CU_ASSERT_NOT_EQUAL(kvmreal_ack_mode(), KVMREAL_ACK_HOST);
	printf("\n  ack mode: %s\n", kvmreal_ack_mode_name(kvmreal_ack_mode()));
}

static void test_guest_takes_highest(void)
{
	KT_VM(vm, 2, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_apic_bits b;

	CU_ASSERT_EQUAL(ack(vm, 1), -1);	/* nothing pending: no halt */
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee01000, 0, 0x41), 1);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee01000, 0, 0x61), 1);
	CU_ASSERT_EQUAL(ack(vm, 1), 0x61);
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 1), 0);
	CU_ASSERT_EQUAL(ack(vm, 1), 0x41);
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 1), 0);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 1, &b), 0);
	for (int w = 0; w < 8; w++)
		CU_ASSERT_EQUAL(b.irr[w], 0);
	CU_ASSERT_EQUAL(ack(vm, 1), -1);
	kvmreal_vm_destroy(vm);
}

static const struct cunit_test tests[] = {
	{ "forced_mode", test_forced_mode },
	{ "guest_takes_highest", test_guest_takes_highest },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "kvm_ack_guest", tests, NULL, NULL },
};

KVM_TEST_MAIN(suites)
