/*
 * KVM_IRQ_LINE / KVM_IRQ_LINE_STATUS and the kvm_set_irq return
 * convention, with the statuses measured on 6.18 (kernel-notes 4.3);
 * they need the IOAPIC and PIC of the ioapic team.
 */
#include "irqchip_test.h"

#define LEVEL	(1ULL << 15)
#define MASKED	(1ULL << 16)
#define REMOTE_IRR (1ULL << 14)

static void test_no_irqchip_enxio(void)
{
	struct kvm_irq_level l = { .irq = 0, .level = 1 };

	vm_setup(VM_NO_IRQCHIP, 1);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_IRQ_LINE, (unsigned long)&l), -ENXIO);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_IRQ_LINE_STATUS, (unsigned long)&l), -ENXIO);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_IRQ_LINE, 0), -EFAULT);
	vm_teardown();
}

static void test_status_copied_only_for_status_variant(void)
{
	struct kvm_irq_level l = { .irq = 100, .level = 1 };

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	/* status shares a union with irq: KVM_IRQ_LINE leaves irq as it was */
	CU_ASSERT_EQUAL(vm_ioctl(KVM_IRQ_LINE, (unsigned long)&l), 0);
	CU_ASSERT_EQUAL(l.irq, 100);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_IRQ_LINE_STATUS, (unsigned long)&l), 0);
	CU_ASSERT_EQUAL(l.status, -1);
	CU_ASSERT_EQUAL(stat("irq_line"), 2);
	vm_teardown();
}

/* GSI 0: IOAPIC pin masked (-1, ignored) + PIC unmasked edge (1); de-assert: 1 + 1 */
static void test_default_gsi0_statuses(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	CU_ASSERT_EQUAL(irq_line(0, 1), 1);
	CU_ASSERT_EQUAL(irq_line(0, 1), 1);	/* PIC quirk: line already high */
	CU_ASSERT_EQUAL(irq_line(0, 0), 2);
	/* a new edge while the PIC's IRR bit is still pending (nobody acked): coalesced */
	CU_ASSERT_EQUAL(irq_line(0, 1), 0);
	vm_teardown();
}

/* IOAPIC level pin, delivered: remote IRR blocks re-delivery until EOI */
static void test_ioapic_level_statuses_and_eoi(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	ioapic_write_entry(16, LEVEL | 0x30);		/* dest 0, physical, fixed */
	CU_ASSERT_EQUAL(irq_line(16, 1), 1);
	CU_ASSERT(ioapic_entry(16) & REMOTE_IRR);
	CU_ASSERT(irr_has(0, 0x30));
	CU_ASSERT(tmr_has(0, 0x30));
	CU_ASSERT_EQUAL(irq_line(16, 1), -1);
	CU_ASSERT_EQUAL(irq_line(16, 0), 1);
	CU_ASSERT_EQUAL(irq_line(16, 1), -1);		/* remote IRR still set */

	/* The guest takes it and EOIs: remote IRR clears, the high line re-delivers. */
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x30);
	CU_ASSERT(isr_has(0, 0x30));
	CU_ASSERT(!irr_has(0, 0x30));
	irqsim_guest_eoi(vcpu(0));
	CU_ASSERT(!isr_has(0, 0x30));
	CU_ASSERT(irr_has(0, 0x30));
	CU_ASSERT(ioapic_entry(16) & REMOTE_IRR);

	/* De-assert, take it, EOI: now remote IRR is clear and nothing is pending. */
	CU_ASSERT_EQUAL(irq_line(16, 0), 1);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x30);
	irqsim_guest_eoi(vcpu(0));
	CU_ASSERT(!(ioapic_entry(16) & REMOTE_IRR));
	CU_ASSERT_EQUAL(irr_count(0), 0);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), -1);
	vm_teardown();
}

static void test_ioapic_edge_statuses(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	ioapic_write_entry(17, 0x31);
	CU_ASSERT_EQUAL(irq_line(17, 1), 1);
	CU_ASSERT_EQUAL(irq_line(17, 1), 0);		/* coalesced */
	CU_ASSERT_EQUAL(irq_line(17, 0), 1);
	CU_ASSERT_EQUAL(irq_line(17, 1), 1);
	CU_ASSERT(irr_has(0, 0x31));
	CU_ASSERT(!tmr_has(0, 0x31));
	vm_teardown();
}

/* A masked pin returns -1; a re-routed pin follows its new GSI; broadcast sums acceptances. */
static void test_masked_and_sum(void)
{
	struct kvm_irq_routing_entry e[2] = {
		route_irqchip(40, KVM_IRQCHIP_IOAPIC, 18),
		route_irqchip(40, KVM_IRQCHIP_IOAPIC, 19),
	};

	vm_setup(VM_KERNEL_IRQCHIP, 2);
	lapic_setup(0, 0, 0, false);
	lapic_setup(1, 1, 0, false);
	CU_ASSERT_EQUAL(irq_line(19, 1), -1);		/* reset state: masked */
	CU_ASSERT_EQUAL(set_routing(e, 1, 0), 0);
	ioapic_write_entry(18, 0x40 | (0xffULL << 56));	/* physical broadcast */
	CU_ASSERT_EQUAL(irq_line(18, 1), -1);		/* GSI 18 no longer routed */
	CU_ASSERT_EQUAL(irq_line(40, 1), 2);		/* both LAPICs accepted */
	CU_ASSERT(irr_has(0, 0x40) && irr_has(1, 0x40));
	vm_teardown();
}

/* ExtINT: the BSP's LINT0 is ExtINT after RESET; the PIC's INTA gives the vector. */
static void test_extint_from_pic(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	pic_init_master(0x20);
	CU_ASSERT_EQUAL(irq_line(1, 1), 1);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x21);
	CU_ASSERT_EQUAL(stat("lapic.extint"), 1);
	CU_ASSERT_EQUAL(irr_count(0), 0);
	vm_teardown();
}

const struct cunit_test irq_line_tests[] = {
	{ "no_irqchip_enxio", test_no_irqchip_enxio },
	{ "status_copied_only_for_status_variant", test_status_copied_only_for_status_variant },
	{ "default_gsi0_statuses", test_default_gsi0_statuses },
	{ "ioapic_level_statuses_and_eoi", test_ioapic_level_statuses_and_eoi },
	{ "ioapic_edge_statuses", test_ioapic_edge_statuses },
	{ "masked_and_sum", test_masked_and_sum },
	{ "extint_from_pic", test_extint_from_pic },
	{ NULL, NULL },
};
