/* VM creation on the real kernel: irqchip modes and the LAPIC contract. */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include "kvm_test.h"

static void test_available(void)
{
	CU_ASSERT_EQUAL(kvmreal_available(), 0);
}

static void test_bad_args(void)
{
	struct kvmreal_vm *vm = NULL;

	CU_ASSERT_EQUAL(kvmreal_vm_create(&vm, -1, KVMREAL_IRQCHIP_KERNEL), -EINVAL);
	CU_ASSERT_EQUAL(kvmreal_vm_create(&vm, KVMREAL_MAX_VCPUS + 1, KVMREAL_IRQCHIP_KERNEL), -EINVAL);
	CU_ASSERT_EQUAL(kvmreal_vm_create(NULL, 1, KVMREAL_IRQCHIP_KERNEL), -EINVAL);
	CU_ASSERT_PTR_NULL(vm);
}

/* Every LAPIC as a booted guest leaves it (scenario contract, `vm`). */
static void test_lapic_contract(void)
{
	KT_VM(vm, 3, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_apic_bits b;

	CU_ASSERT_EQUAL(kvmreal_nr_vcpus(vm), 3);
	for (int n = 0; n < 3; n++) {
		CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, n, &b), 0);
		CU_ASSERT_EQUAL(b.id, (uint32_t)n << 24);
		CU_ASSERT_EQUAL(b.ldr, 0);
		CU_ASSERT_EQUAL(b.dfr, 0xffffffff);
		CU_ASSERT_EQUAL(b.tpr, 0);
		CU_ASSERT_EQUAL(b.svr & 0x100, 0x100);
		for (int w = 0; w < 8; w++) {
			CU_ASSERT_EQUAL(b.irr[w], 0);
			CU_ASSERT_EQUAL(b.isr[w], 0);
		}
	}
	kvmreal_vm_destroy(vm);
}

/* LVTs are masked: raw KVM_GET_LAPIC of the vCPU fd. */
static void test_lvts_masked(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	struct kvm_lapic_state s;
	static const unsigned int lvts[] = { 0x320, 0x330, 0x340, 0x350, 0x360, 0x370 };
	uint32_t v;

	CU_ASSERT_EQUAL_FATAL(ioctl(kvmreal_vcpu_fd(vm, 0), KVM_GET_LAPIC, &s), 0);
	for (size_t i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++) {
		memcpy(&v, &s.regs[lvts[i]], 4);
		CU_ASSERT(v & 0x10000);
	}
	kvmreal_vm_destroy(vm);
}

/* The IOAPIC starts in its reset state: every entry masked (0x10000). */
static void test_ioapic_reset(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_ioapic_pin p;

	for (unsigned int pin = 0; pin < 24; pin++) {
		CU_ASSERT_EQUAL_FATAL(kvmreal_ioapic_pin_get(vm, pin, &p), 0);
		CU_ASSERT_EQUAL(p.entry, 0x10000);
		CU_ASSERT_FALSE(p.irr);
	}
	CU_ASSERT_EQUAL(kvmreal_ioapic_pin_get(vm, 24, &p), -EINVAL);
	kvmreal_vm_destroy(vm);
}

/* Split: LAPICs in kernel, no IOAPIC/PIC state (ENXIO), as kernel-notes 3.3. */
static void test_split(void)
{
	KT_VM(vm, 2, KVMREAL_IRQCHIP_SPLIT);
	struct kvmreal_apic_bits b;
	struct kvmreal_ioapic_pin p;

	CU_ASSERT_EQUAL(kvmreal_irqchip_mode(vm), KVMREAL_IRQCHIP_SPLIT);
	CU_ASSERT_EQUAL(kvmreal_lapic_get(vm, 1, &b), 0);
	CU_ASSERT_EQUAL(b.id, 1u << 24);
	CU_ASSERT_EQUAL(kvmreal_ioapic_pin_get(vm, 0, &p), -ENXIO);
	kvmreal_vm_destroy(vm);
}

/* No irqchip: no LAPIC; the guest program still runs (writes exit). */
static void test_none(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_NONE);
	struct kvmreal_apic_bits b;

	CU_ASSERT(kvmreal_lapic_get(vm, 0, &b) < 0);
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0x3f8, 1, 0x41), KVMREAL_ACCESS_EXIT);
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 0), -ENXIO);
	kvmreal_vm_destroy(vm);
}

static void test_zero_vcpus(void)
{
	KT_VM(vm, 0, KVMREAL_IRQCHIP_KERNEL);

	CU_ASSERT_EQUAL(kvmreal_nr_vcpus(vm), 0);
	CU_ASSERT_EQUAL(kvmreal_vcpu_fd(vm, 0), -EINVAL);
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0x80, 1, 0), -EINVAL);
	kvmreal_vm_destroy(vm);
}

/* The probe settles on one mode and names it; on kvm_pvm it must be "host". */
static void test_ack_mode(void)
{
	int mode = kvmreal_ack_mode();

	CU_ASSERT_FATAL(mode >= 0);
	CU_ASSERT_EQUAL(kvmreal_ack_mode(), mode);	/* cached */
	printf("\n  ack mode: %s\n", kvmreal_ack_mode_name(mode));
	if (access("/sys/module/kvm_pvm", F_OK) == 0 && !getenv("KVMREAL_ACK"))
		CU_ASSERT_EQUAL(mode, KVMREAL_ACK_HOST);
}

static const struct cunit_test vm_tests[] = {
	{ "available", test_available },
	{ "bad_args", test_bad_args },
	{ "lapic_contract", test_lapic_contract },
	{ "lvts_masked", test_lvts_masked },
	{ "ioapic_reset", test_ioapic_reset },
	{ "split", test_split },
	{ "none", test_none },
	{ "zero_vcpus", test_zero_vcpus },
	{ "ack_mode", test_ack_mode },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "kvm_vm", vm_tests, NULL, NULL },
};

KVM_TEST_MAIN(suites)
