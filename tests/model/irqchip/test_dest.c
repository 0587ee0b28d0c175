/*
 * Destination matching for every mode (kernel-notes 6.2), the APIC-map
 * fast path against the slow path (6.4), and lowest-priority arbitration
 * with vector hashing (the default) and with arbitration priority (6.3).
 */
#include "irqchip_test.h"

static bool match(int idx, int shorthand, unsigned int dest, int logical, struct kvm_lapic *src)
{
	return kvm_apic_match_dest(vcpu(idx), src, shorthand, dest,
				   logical ? APIC_DEST_LOGICAL : APIC_DEST_PHYSICAL);
}

/* Deliver an MSI and return the bitmask of vCPUs (by index) whose IRR got vec. */
static unsigned int deliver(uint32_t addr, uint32_t data, int nvcpus, long *ret)
{
	unsigned int got = 0;
	int i;

	*ret = signal_msi(addr, 0, data);
	for (i = 0; i < nvcpus; i++)
		if (irr_has(i, data & 0xff))
			got |= 1u << i;
	return got;
}

static void test_physical(void)
{
	long r;

	vm_setup(VM_KERNEL_IRQCHIP, 3);
	lapic_setup(0, 5, 0, false);
	lapic_setup(1, 6, 0, false);
	lapic_setup(2, 7, 0, false);
	CU_ASSERT(match(1, APIC_DEST_NOSHORT, 6, 0, NULL));
	CU_ASSERT(!match(1, APIC_DEST_NOSHORT, 1, 0, NULL));	/* the vCPU id is not the APIC id */
	CU_ASSERT(match(1, APIC_DEST_NOSHORT, 0xff, 0, NULL));
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(6, 0), 0x50, 3, &r), 0x2);
	CU_ASSERT_EQUAL(r, 1);
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0xff, 0), 0x51, 3, &r), 0x7);
	CU_ASSERT_EQUAL(r, 3);
	/* hot-plug hack: an id > 0xff matches the x2APIC id (the vCPU id) even in xAPIC mode */
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, 0x102), 3);
	CU_ASSERT_EQUAL(lapic_reg(3, APIC_ID), 0x02u << 24);	/* xAPIC id truncated */
	CU_ASSERT(match(3, APIC_DEST_NOSHORT, 0x102, 0, NULL));
	CU_ASSERT(!match(2, APIC_DEST_NOSHORT, 0x102, 0, NULL));
	CU_ASSERT(match(3, APIC_DEST_NOSHORT, 0x02, 0, NULL));
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, 0x102), -EEXIST);
	vm_teardown();
}

static void test_logical_flat(void)
{
	long r;

	vm_setup(VM_KERNEL_IRQCHIP, 3);
	lapic_setup(0, 0, 0x01, false);
	lapic_setup(1, 1, 0x02, false);
	lapic_setup(2, 2, 0x04, false);
	CU_ASSERT(match(1, APIC_DEST_NOSHORT, 0x02, 1, NULL));
	CU_ASSERT(match(1, APIC_DEST_NOSHORT, 0x03, 1, NULL));
	CU_ASSERT(!match(1, APIC_DEST_NOSHORT, 0x05, 1, NULL));
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x05, 1), 0x52, 3, &r), 0x5);
	CU_ASSERT_EQUAL(r, 2);
	CU_ASSERT(stat("apic.delivery.fast") > 0);
	CU_ASSERT_EQUAL(stat("apic.delivery.slow"), 0);
	vm_teardown();
}

static void test_logical_cluster(void)
{
	long r;

	vm_setup(VM_KERNEL_IRQCHIP, 3);
	lapic_setup(0, 0, 0x11, true);	/* cluster 1, bit 0 */
	lapic_setup(1, 1, 0x12, true);	/* cluster 1, bit 1 */
	lapic_setup(2, 2, 0x21, true);	/* cluster 2, bit 0 */
	CU_ASSERT(match(0, APIC_DEST_NOSHORT, 0x13, 1, NULL));
	CU_ASSERT(!match(2, APIC_DEST_NOSHORT, 0x11, 1, NULL));
	CU_ASSERT(match(2, APIC_DEST_NOSHORT, 0x21, 1, NULL));
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x13, 1), 0x53, 3, &r), 0x3);
	CU_ASSERT_EQUAL(r, 2);
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x2f, 1), 0x54, 3, &r), 0x4);
	vm_teardown();
}

/* A DFR value that is neither flat nor cluster matches nothing. */
static void test_logical_bad_dfr(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0x01, false);
	CU_ASSERT(match(0, APIC_DEST_NOSHORT, 0x01, 1, NULL));
	/* the guest can only write the top nibble: 0x5fffffff */
	lapic_write(0, APIC_DFR, 0x50000000);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_DFR), 0x5fffffff);
	CU_ASSERT(!match(0, APIC_DEST_NOSHORT, 0x01, 1, NULL));
	vm_teardown();
}

static void test_x2apic(void)
{
	long r;

	vm_setup(VM_KERNEL_IRQCHIP, 18);
	/* 18 vCPUs in x2APIC mode: ids 0..17, clusters 0 (0-15) and 1 (16, 17) */
	for (int i = 0; i < 18; i++) {
		lapic_write(i, APIC_SPIV, 0x1ff);
		enable_x2apic(i);
	}
	CU_ASSERT_EQUAL(lapic_reg(17, APIC_LDR), (1u << 16) | (1u << 1));
	CU_ASSERT(match(17, APIC_DEST_NOSHORT, 17, 0, NULL));
	CU_ASSERT(match(17, APIC_DEST_NOSHORT, (1u << 16) | 2, 1, NULL));
	CU_ASSERT(!match(1, APIC_DEST_NOSHORT, (1u << 16) | 2, 1, NULL));	/* other cluster */
	CU_ASSERT(match(1, APIC_DEST_NOSHORT, 0xffffffff, 0, NULL));
	/* the broadcast quirk: a non-IPI 0xff reaches x2APIC-mode APICs */
	CU_ASSERT(match(3, APIC_DEST_NOSHORT, 0xff, 0, NULL));
	/* an IPI (source APIC) to 0xff in x2APIC mode is just id 0xff */
	CU_ASSERT(!match(3, APIC_DEST_NOSHORT, 0xff, 0, vcpu(0)->arch.apic));
	/* the guest cannot write the LDR or ID in x2APIC mode */
	CU_ASSERT_EQUAL(irqsim_guest_lapic_write(vcpu(0), APIC_LDR, 0), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_lapic_write(vcpu(0), APIC_ID, 0), -EINVAL);
	/* an MSI with 8-bit ids reaches x2APIC id 17 physically */
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(17, 0), 0x55, 18, &r), 1u << 17);
	CU_ASSERT_EQUAL(r, 1);
	/* broadcast MSI: every vCPU */
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0xff, 0), 0x56, 18, &r), (1u << 18) - 1);
	CU_ASSERT_EQUAL(r, 18);
	vm_teardown();
}

static void test_broadcast_quirk_disabled(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_X2APIC_API, KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK), 0);
	lapic_write(0, APIC_SPIV, 0x1ff);
	enable_x2apic(0);
	CU_ASSERT(!match(0, APIC_DEST_NOSHORT, 0xff, 0, NULL));
	CU_ASSERT(match(0, APIC_DEST_NOSHORT, 0xffffffff, 0, NULL));
	vm_teardown();
}

static void test_shorthands(void)
{
	struct kvm_lapic *src;

	vm_setup(VM_KERNEL_IRQCHIP, 2);
	src = vcpu(0)->arch.apic;
	CU_ASSERT(match(0, APIC_DEST_SELF, 0, 0, src));
	CU_ASSERT(!match(1, APIC_DEST_SELF, 0, 0, src));
	CU_ASSERT(match(0, APIC_DEST_ALLINC, 0, 0, src));
	CU_ASSERT(match(1, APIC_DEST_ALLINC, 0, 0, src));
	CU_ASSERT(!match(0, APIC_DEST_ALLBUT, 0, 0, src));
	CU_ASSERT(match(1, APIC_DEST_ALLBUT, 0, 0, src));
	vm_teardown();
}

/* An IPI through the ICR, all-but-self: the slow path, every other enabled APIC. */
static void test_ipi_all_but_self(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 3);
	for (int i = 0; i < 3; i++)
		lapic_setup(i, i, 0, false);
	lapic_write(1, APIC_ICR2, 0);
	lapic_write(1, APIC_ICR, APIC_DEST_ALLBUT | 0x60);
	CU_ASSERT(irr_has(0, 0x60));
	CU_ASSERT(!irr_has(1, 0x60));
	CU_ASSERT(irr_has(2, 0x60));
	lapic_write(1, APIC_ICR, APIC_DEST_SELF | 0x61);
	CU_ASSERT(irr_has(1, 0x61));
	CU_ASSERT_EQUAL(lapic_reg(1, APIC_ICR) & APIC_ICR_BUSY, 0);
	vm_teardown();
}

/*
 * Mixed logical modes disable the map's logical part: the slow path then
 * walks every vCPU and must find the same destinations.
 */
static void test_slow_path_agrees(void)
{
	long r;

	vm_setup(VM_KERNEL_IRQCHIP, 3);
	lapic_setup(0, 0, 0x01, false);
	lapic_setup(1, 1, 0x02, false);
	lapic_setup(2, 2, 0x14, true);	/* cluster mode: mixed */
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x03, 1), 0x57, 3, &r), 0x3);
	CU_ASSERT_EQUAL(r, 2);
	CU_ASSERT(stat("apic.delivery.slow") > 0);
	/* physical still uses the map */
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(2, 0), 0x58, 3, &r), 0x4);
	vm_teardown();
}

/* Aliased physical ids disable the map: both vCPUs with id 3 get the message. */
static void test_physical_alias(void)
{
	long r;

	vm_setup(VM_KERNEL_IRQCHIP, 2);
	lapic_setup(0, 3, 0, false);
	lapic_setup(1, 3, 0, false);
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(3, 0), 0x59, 2, &r), 0x3);
	CU_ASSERT_EQUAL(r, 2);
	vm_teardown();
}

/* Vector hashing: candidate number (vector mod count), in vCPU order, both paths. */
static void test_lowest_vector_hashing(void)
{
	uint64_t slow;
	long r;
	int v;

	vm_setup(VM_KERNEL_IRQCHIP, 4);
	for (int i = 0; i < 4; i++)
		lapic_setup(i, i, 1u << i, false);
	for (v = 0x80; v < 0x84; v++) {
		CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x0f, 1), 0x100 | v, 4, &r), 1u << (v % 4));
		CU_ASSERT_EQUAL(r, 1);
	}
	/* the redirection hint also means lowest priority */
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x0f, 1) | MSI_RH, 0x86, 4, &r), 1u << (0x86 % 4));
	/* fast path, vCPU 3 software-disabled: a hash landing on its slot drops */
	lapic_write(3, APIC_SPIV, 0xff);
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x0f, 1), 0x187, 4, &r), 0);
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x0f, 1), 0x185, 4, &r), 0x2);
	/* slow path (vCPU 2 in cluster mode: mixed modes): only 3 enabled candidates */
	slow = stat("apic.delivery.slow");
	lapic_write(2, APIC_DFR, 0x0fffffff);
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x0f, 1), 0x18b, 4, &r), 1u << (0x8b % 3));
	CU_ASSERT_EQUAL(r, 1);
	CU_ASSERT(stat("apic.delivery.slow") > slow);
	vm_teardown();
}

/* Without vector hashing: the lowest apic_arb_prio wins and each win raises it. */
static void test_lowest_arb_prio(void)
{
	long r;
	int k;

	kvm_vector_hashing_enabled = false;
	vm_setup(VM_KERNEL_IRQCHIP, 3);
	for (int i = 0; i < 3; i++)
		lapic_setup(i, i, 1u << i, false);
	for (k = 0; k < 3; k++)
		CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x07, 1), 0x190 + k, 3, &r), 1u << k);
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0x07, 1), 0x1a0, 3, &r), 0x1);
	vm_teardown();
	kvm_vector_hashing_enabled = true;
}

/* Physical 0xff with lowest priority is downgraded to fixed: everybody. */
static void test_lowest_phys_broadcast_downgraded(void)
{
	long r;

	vm_setup(VM_KERNEL_IRQCHIP, 3);
	for (int i = 0; i < 3; i++)
		lapic_setup(i, i, 0, false);
	CU_ASSERT_EQUAL(deliver(MSI_ADDR(0xff, 0), 0x170, 3, &r), 0x7);
	CU_ASSERT_EQUAL(r, 3);
	vm_teardown();
}

const struct cunit_test dest_tests[] = {
	{ "physical", test_physical },
	{ "logical_flat", test_logical_flat },
	{ "logical_cluster", test_logical_cluster },
	{ "logical_bad_dfr", test_logical_bad_dfr },
	{ "x2apic", test_x2apic },
	{ "broadcast_quirk_disabled", test_broadcast_quirk_disabled },
	{ "shorthands", test_shorthands },
	{ "ipi_all_but_self", test_ipi_all_but_self },
	{ "slow_path_agrees", test_slow_path_agrees },
	{ "physical_alias", test_physical_alias },
	{ "lowest_vector_hashing", test_lowest_vector_hashing },
	{ "lowest_arb_prio", test_lowest_arb_prio },
	{ "lowest_phys_broadcast_downgraded", test_lowest_phys_broadcast_downgraded },
	{ NULL, NULL },
};
