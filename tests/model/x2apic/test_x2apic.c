/*
 * x2APIC through the public API: irqsim_guest_wrmsr/rdmsr on IA32_APIC_BASE
 * (kvm_apic_set_base's checks and transitions) and on the x2APIC register
 * MSRs, then MSI delivery to x2APIC-mode LAPICs. The delivery results were
 * checked on the real kernel (KVM_SET_MSRS of the APIC base with x2APIC in
 * the vCPU's CPUID, KVM_SIGNAL_MSI, KVM_GET_LAPIC; Linux 6.x host).
 */
#include <stdlib.h>
#include <string.h>
#include <CUnit/CUnit.h>
#include <irqsim/kvm.h>
#include "tests/cunit_main.h"

#define BASE_XAPIC	(0xfee00000ull | IRQSIM_APICBASE_ENABLE)
#define BASE_X2APIC	(BASE_XAPIC | IRQSIM_APICBASE_X2APIC)
#define MSR_ID		0x802u
#define MSR_TPR		0x808u
#define MSR_EOI		0x80bu
#define MSR_LDR		0x80du
#define MSR_DFR		0x80eu
#define MSR_ESR		0x828u
#define MSR_ICR		0x830u
#define MSR_SELF_IPI	0x83fu

static struct sim *sim;
static struct kvm *kvm;

static void vm_up(int nvcpus, uint64_t x2apic_api)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_X2APIC_API, .args = { x2apic_api } };

	sim = sim_create(NULL);
	CU_ASSERT_FATAL(sim != NULL);
	CU_ASSERT_FATAL(irqsim_create_vm(sim, 0, &kvm) == 0);
	CU_ASSERT_FATAL(irqsim_vm_ioctl(kvm, KVM_CREATE_IRQCHIP, 0) == 0);
	if (x2apic_api)
		CU_ASSERT_FATAL(irqsim_vm_ioctl(kvm, KVM_ENABLE_CAP, (unsigned long)&cap) == 0);
	for (int i = 0; i < nvcpus; i++) {
		CU_ASSERT_FATAL(irqsim_vm_ioctl(kvm, KVM_CREATE_VCPU, (unsigned long)i) >= 0);
		CU_ASSERT_FATAL(irqsim_guest_lapic_write(irqsim_vcpu(kvm, i), 0xf0, 0x1ff) == 0);
	}
}

static void vm_down(void)
{
	irqsim_destroy_vm(kvm);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static struct kvm_vcpu *vc(int i)
{
	return irqsim_vcpu(kvm, i);
}

static uint64_t rdmsr(int i, uint32_t msr)
{
	uint64_t v = 0xdeadbeef;

	CU_ASSERT_EQUAL(irqsim_guest_rdmsr(vc(i), msr, &v), 0);
	return v;
}

/* What Linux's x2apic_enable() does: set the enable bit in the base MSR. */
static void x2apic(int i)
{
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(i), IRQSIM_MSR_IA32_APICBASE,
					   rdmsr(i, IRQSIM_MSR_IA32_APICBASE) | IRQSIM_APICBASE_X2APIC), 0);
}

static long msi(uint32_t lo, uint32_t hi, uint32_t data)
{
	struct kvm_msi m = { .address_lo = lo, .address_hi = hi, .data = data };

	return irqsim_vm_ioctl(kvm, KVM_SIGNAL_MSI, (unsigned long)&m);
}

/* The IRR as KVM_GET_LAPIC shows it, as a bitmap of 8 words. */
static void irr(int i, uint32_t out[8])
{
	struct kvm_lapic_state st;

	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vc(i), KVM_GET_LAPIC, (unsigned long)&st), 0);
	for (int w = 0; w < 8; w++)
		memcpy(&out[w], &st.regs[0x200 + w * 0x10], 4);
}

/* IRR holds exactly the vectors of list (0-terminated). */
static bool irr_is(int i, const int *list)
{
	uint32_t got[8], want[8] = { 0 };

	for (; *list; list++)
		want[*list / 32] |= 1u << (*list % 32);
	irr(i, got);
	return !memcmp(got, want, sizeof(got));
}

#define IRR_IS(i, ...) CU_ASSERT(irr_is((i), (const int[]){ __VA_ARGS__, 0 }))
#define IRR_NONE(i) CU_ASSERT(irr_is((i), (const int[]){ 0 }))

/* RESET value; kvm_apic_set_base's refusals (the guest's #GP) and legal moves. */
static void test_apic_base_transitions(void)
{
	struct kvm_vcpu *v;

	vm_up(2, 0);
	v = vc(1);
	CU_ASSERT_EQUAL(rdmsr(0, IRQSIM_MSR_IA32_APICBASE), BASE_XAPIC | IRQSIM_APICBASE_BSP);
	CU_ASSERT_EQUAL(rdmsr(1, IRQSIM_MSR_IA32_APICBASE), BASE_XAPIC);
	/* invalid mode (x2APIC without enable), reserved bit 9, bits 63:46 */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE,
					   0xfee00000ull | IRQSIM_APICBASE_X2APIC), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE, BASE_XAPIC | 1ull << 9), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE, BASE_XAPIC | 1ull << 46), -EINVAL);
	CU_ASSERT_EQUAL(rdmsr(1, IRQSIM_MSR_IA32_APICBASE), BASE_XAPIC);
	/* writing the current value is always fine */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE, BASE_XAPIC), 0);
	/* xAPIC -> x2APIC; x2APIC -> xAPIC is refused to the guest */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE, BASE_X2APIC), 0);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE, BASE_XAPIC), -EINVAL);
	CU_ASSERT_EQUAL(rdmsr(1, IRQSIM_MSR_IA32_APICBASE), BASE_X2APIC);
	/* x2APIC -> disabled; disabled -> x2APIC is refused; disabled -> xAPIC */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE, 0xfee00000ull), 0);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE, BASE_X2APIC), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE, BASE_XAPIC), 0);
	/* a moved xAPIC window: the register page follows the base */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(v, IRQSIM_MSR_IA32_APICBASE,
					   0xfed00000ull | IRQSIM_APICBASE_ENABLE), 0);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(v, 0xfed00080, 4, 0x30), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(v, 0xfee00080, 4, 0x30), IRQSIM_ACCESS_EXIT);
	vm_down();
}

/* Bad arguments and MSRs the simulator does not model. */
static void test_msr_errors(void)
{
	uint64_t val;

	vm_up(1, 0);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(NULL, IRQSIM_MSR_IA32_APICBASE, 0), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_rdmsr(NULL, IRQSIM_MSR_IA32_APICBASE, &val), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_rdmsr(vc(0), IRQSIM_MSR_IA32_APICBASE, NULL), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(0), 0x10, 0), -EOPNOTSUPP);	/* TSC */
	CU_ASSERT_EQUAL(irqsim_guest_rdmsr(vc(0), 0x900, &val), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(irqsim_guest_rdmsr(vc(0), 0x7ff, &val), -EOPNOTSUPP);
	/* x2APIC MSRs in xAPIC mode: #GP */
	CU_ASSERT_EQUAL(irqsim_guest_rdmsr(vc(0), MSR_TPR, &val), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(0), MSR_TPR, 0x20), -EINVAL);
	vm_down();
}

/* Entering x2APIC mode: id = vCPU id, LDR derived; the register MSRs. */
static void test_x2apic_registers(void)
{
	uint64_t val;

	vm_up(3, 0);
	x2apic(2);
	CU_ASSERT_EQUAL(rdmsr(2, MSR_ID), 2);
	CU_ASSERT_EQUAL(rdmsr(2, MSR_LDR), 1u << 2);		/* cluster 0, bit 2 */
	/* ID and LDR are read-only, DFR does not exist, bits 63:32 are reserved */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_ID, 5), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_LDR, 5), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_rdmsr(vc(2), MSR_DFR, &val), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_TPR, 1ull << 32), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_TPR, 0x20), 0);
	CU_ASSERT_EQUAL(rdmsr(2, MSR_TPR), 0x20);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_TPR, 0), 0);
	/* the xAPIC window is gone: reads all-ones, writes swallowed */
	CU_ASSERT_EQUAL(irqsim_guest_mmio_read(vc(2), 0xfee00080, 4, &val), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(val, 0xffffffffu);
	/* 64-bit ICR: a fixed physical IPI to x2APIC id 1 (an xAPIC vCPU: id 1 too) */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_ICR, 1ull << 32 | 0x91), 0);
	IRR_IS(1, 0x91);
	CU_ASSERT_EQUAL(rdmsr(2, MSR_ICR), 1ull << 32 | 0x91);
	/* SELF_IPI, then ack and EOI through the EOI MSR (KVM ignores the value) */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_SELF_IPI, 0x92), 0);
	IRR_IS(2, 0x92);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vc(2)), 0x92);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_EOI, 0), 0);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vc(2)), -1);
	/* ESR: only 0 may be written in x2APIC mode */
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_ESR, 1), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_wrmsr(vc(2), MSR_ESR, 0), 0);
	/* the older entry point goes through the MSRs in x2APIC mode */
	CU_ASSERT_EQUAL(irqsim_guest_lapic_write(vc(2), 0x80, 0x30), 0);
	CU_ASSERT_EQUAL(rdmsr(2, MSR_TPR), 0x30);
	CU_ASSERT_EQUAL(irqsim_guest_lapic_write(vc(2), 0x20, 0), -EINVAL);
	vm_down();
}

/* xAPIC-format MSIs: physical to an x2APIC vCPU; addr_hi ignored without the API. */
static void test_msi_physical(void)
{
	vm_up(3, 0);
	x2apic(1);
	CU_ASSERT_EQUAL(msi(0xfee01000, 0, 0x41), 1);
	CU_ASSERT_EQUAL(msi(0xfee02000, 0, 0x42), 1);
	CU_ASSERT_EQUAL(msi(0xfee01000, 1, 0x43), 1);
	IRR_NONE(0);
	IRR_IS(1, 0x41, 0x43);
	IRR_IS(2, 0x42);
	vm_down();
}

/* Logical MSIs to x2APIC cluster 0: the low 16 bits are the member mask. */
static void test_msi_logical_cluster(void)
{
	vm_up(4, 0);
	for (int i = 0; i < 4; i++)
		x2apic(i);
	CU_ASSERT_EQUAL(msi(0xfee06004, 0, 0x51), 2);	/* 0x06: vCPUs 1 and 2 */
	CU_ASSERT_EQUAL(msi(0xfee09004, 0, 0x52), 2);	/* 0x09: vCPUs 0 and 3 */
	CU_ASSERT_EQUAL(msi(0xfee10004, 0, 0x53), 0);	/* bit 4: nobody */
	IRR_IS(0, 0x52);
	IRR_IS(1, 0x51);
	IRR_IS(2, 0x51);
	IRR_IS(3, 0x52);
	vm_down();
}

/* The broadcast quirk: dest 0xff reaches x2APIC vCPUs as 0xffffffff, physical or logical. */
static void test_msi_broadcast_quirk(void)
{
	vm_up(3, 0);
	x2apic(0);
	x2apic(1);
	CU_ASSERT_EQUAL(msi(0xfeeff000, 0, 0x61), 3);
	CU_ASSERT_EQUAL(msi(0xfeeff004, 0, 0x62), 3);
	for (int i = 0; i < 3; i++)
		IRR_IS(i, 0x61, 0x62);
	vm_down();
}

/*
 * 32-bit ids (KVM_X2APIC_API_USE_32BIT_IDS): addr_hi bits 31:8 extend the
 * destination; reserved addr_hi bits 7:0 are EINVAL. With the quirk on, a
 * 0xffffffff MSI reaches nobody (the fast path finds no such id) while
 * 0xff still broadcasts to everyone, xAPIC vCPUs included.
 */
static void test_msi_32bit_ids(void)
{
	vm_up(260, KVM_X2APIC_API_USE_32BIT_IDS);
	x2apic(0);
	x2apic(1);
	x2apic(259);
	CU_ASSERT_EQUAL(rdmsr(259, MSR_ID), 259);
	CU_ASSERT_EQUAL(rdmsr(259, MSR_LDR), 0x100008);	/* cluster 16, bit 3 */
	CU_ASSERT_EQUAL(msi(0xfee03000, 0x100, 0x71), 1);
	CU_ASSERT_EQUAL(msi(0xfee03000, 0x101, 0x72), -EINVAL);
	CU_ASSERT_EQUAL(msi(0xfeeff000, 0xffffff00, 0x73), 0);
	CU_ASSERT_EQUAL(msi(0xfeeff000, 0, 0x74), 260);
	IRR_IS(0, 0x74);
	IRR_IS(1, 0x74);
	IRR_IS(2, 0x74);
	IRR_IS(259, 0x71, 0x74);
	vm_down();
}

/* Quirk disabled: 0xff is an ordinary id, 0xffffffff the broadcast. */
static void test_msi_quirk_disabled(void)
{
	vm_up(3, KVM_X2APIC_API_USE_32BIT_IDS | KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK);
	for (int i = 0; i < 3; i++)
		x2apic(i);
	CU_ASSERT_EQUAL(msi(0xfeeff000, 0, 0x81), 0);
	CU_ASSERT_EQUAL(msi(0xfeeff000, 0xffffff00, 0x82), 3);
	for (int i = 0; i < 3; i++)
		IRR_IS(i, 0x82);
	vm_down();
}

static const struct cunit_test x2apic_tests[] = {
	{ "apic_base_transitions", test_apic_base_transitions },
	{ "msr_errors", test_msr_errors },
	{ "x2apic_registers", test_x2apic_registers },
	{ "msi_physical", test_msi_physical },
	{ "msi_logical_cluster", test_msi_logical_cluster },
	{ "msi_broadcast_quirk", test_msi_broadcast_quirk },
	{ "msi_32bit_ids", test_msi_32bit_ids },
	{ "msi_quirk_disabled", test_msi_quirk_disabled },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "x2apic", x2apic_tests, NULL, NULL },
};

CUNIT_MAIN(suites)
