/*
 * The local APIC from the guest's side: TPR/PPR masking of acknowledge,
 * ISR nesting and EOI order, software-disabled drops, the MMIO window,
 * KVM_GET/SET_LAPIC (kernel-notes 6.5, 6.6).
 */
#include <string.h>
#include "irqchip_test.h"

static void test_reset_state(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 2);
	CU_ASSERT_EQUAL(lapic_reg(1, APIC_ID), 1u << 24);
	CU_ASSERT_EQUAL(lapic_reg(1, APIC_SPIV), 0xff);		/* software-disabled */
	CU_ASSERT_EQUAL(lapic_reg(1, APIC_DFR), 0xffffffff);
	CU_ASSERT_EQUAL(lapic_reg(1, APIC_LVT0), APIC_LVT_MASKED);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_LVT0), APIC_DM_EXTINT);	/* the BSP's LINT0 */
	CU_ASSERT_EQUAL(lapic_reg(1, APIC_LVR), 0x14 | (5 << 16));	/* no directed EOI */
	CU_ASSERT_EQUAL(vcpu(0)->arch.apic_base,
			APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_BSP);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(1)), -1);
	vm_teardown();
}

static void test_tpr_masks_ack(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x45), 1);
	lapic_write(0, APIC_TASKPRI, 0x40);		/* blocks class 4 */
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_PROCPRI), 0x40);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), -1);
	CU_ASSERT(irr_has(0, 0x45));
	lapic_write(0, APIC_TASKPRI, 0x3f);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x45);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_PROCPRI), 0x40);	/* ISR class wins over TPR 0x3f */
	vm_teardown();
}

static void test_isr_nesting_and_eoi_order(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x35), 1);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x41), 1);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x41);	/* highest first */
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), -1);		/* 0x35 is below PPR 0x40 */
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x51), 1);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x51);	/* nests above 0x41 */
	CU_ASSERT(isr_has(0, 0x41) && isr_has(0, 0x51));
	irqsim_guest_eoi(vcpu(0));				/* retires 0x51 */
	CU_ASSERT(!isr_has(0, 0x51));
	CU_ASSERT(isr_has(0, 0x41));
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), -1);
	irqsim_guest_eoi(vcpu(0));				/* retires 0x41 */
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x35);
	irqsim_guest_eoi(vcpu(0));
	irqsim_guest_eoi(vcpu(0));				/* nothing in service: no-op */
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_PROCPRI), 0);
	CU_ASSERT_EQUAL(stat("lapic.eoi"), 3);
	CU_ASSERT_EQUAL(stat("lapic.ack"), 3);
	vm_teardown();
}

static void test_sw_disabled_drops(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	lapic_write(0, APIC_LVT1, 0x400);			/* NMI, unmasked */
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_LVT1), 0x400);
	lapic_write(0, APIC_SPIV, 0xff);			/* software-disable */
	CU_ASSERT(lapic_reg(0, APIC_LVT1) & APIC_LVT_MASKED);	/* every LVT masked */
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x45), 0);
	CU_ASSERT_EQUAL(irr_count(0), 0);
	CU_ASSERT(stat("lapic.dropped") >= 1);
	/* LVT writes while disabled stay masked */
	lapic_write(0, APIC_LVT1, 0x400);
	CU_ASSERT(lapic_reg(0, APIC_LVT1) & APIC_LVT_MASKED);
	/* NMI is still accepted by a software-disabled APIC */
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x400), 1);
	vm_teardown();
}

/* A hardware-disabled APIC (base MSR) drops out of delivery; its MMIO window reads all-ones. */
static void test_hw_disabled(void)
{
	uint64_t v;

	vm_setup(VM_KERNEL_IRQCHIP, 2);
	lapic_setup(0, 0, 0, false);
	lapic_setup(1, 1, 0, false);
	CU_ASSERT_EQUAL(set_apic_base(1, APIC_DEFAULT_PHYS_BASE), 0);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(1, 0), 0, 0x45), 0);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0xff, 0), 0, 0x46), 1);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_read(vcpu(1), 0xfee00020, 4, &v), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(v, 0xffffffff);
	/* x2APIC without enable is an invalid mode; reserved bits are refused */
	CU_ASSERT_EQUAL(set_apic_base(1, APIC_DEFAULT_PHYS_BASE | X2APIC_ENABLE), 1);
	CU_ASSERT_EQUAL(set_apic_base(1, APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE | 1), 1);
	vm_teardown();
}

static void test_mmio_window(void)
{
	uint64_t v = 0;

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(0), 0xfee00080, 4, 0x20), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_read(vcpu(0), 0xfee00080, 4, &v), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(v, 0x20);
	/* only aligned 4-byte writes reach a register; the rest is swallowed */
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(0), 0xfee00080, 2, 0x30), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(0), 0xfee00084, 4, 0x30), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TASKPRI), 0x20);
	/* byte reads within a register */
	CU_ASSERT_EQUAL(irqsim_guest_mmio_read(vcpu(0), 0xfee000f1, 1, &v), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(v, 0x01);				/* SPIV 0x1ff, byte 1 */
	/* the other vCPUs' windows are not on the bus: an unclaimed address exits */
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(0), 0xfee01000, 4, 1), IRQSIM_ACCESS_EXIT);
	vm_teardown();
}

static void test_get_set_lapic_round_trip(void)
{
	struct kvm_lapic_state s, t;
	uint32_t v;

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0x08, false);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_GET_LAPIC, (unsigned long)&s), 0);
	/* an interrupt in service (0x60) and one pending (0x70), TPR 0x10 */
	v = 1u << (0x60 % 32);
	memcpy(s.regs + APIC_ISR + 0x10 * (0x60 / 32), &v, 4);
	v = 1u << (0x70 % 32);
	memcpy(s.regs + APIC_IRR + 0x10 * (0x70 / 32), &v, 4);
	v = 0x10;
	memcpy(s.regs + APIC_TASKPRI, &v, 4);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_SET_LAPIC, (unsigned long)&s), 0);
	memset(&t, 0, sizeof(t));
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_GET_LAPIC, (unsigned long)&t), 0);
	CU_ASSERT_EQUAL(memcmp(s.regs + APIC_IRR, t.regs + APIC_IRR, 0x80), 0);
	CU_ASSERT_EQUAL(memcmp(s.regs + APIC_ISR, t.regs + APIC_ISR, 0x80), 0);
	/* a guest read of PPR recomputes it from the restored ISR */
	CU_ASSERT_EQUAL(irqsim_guest_lapic_read(vcpu(0), APIC_PROCPRI, &v), 0);
	CU_ASSERT_EQUAL(v, 0x60);
	/* the restored state works: ack 0x70, EOI it, EOI the restored 0x60 */
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x70);
	irqsim_guest_eoi(vcpu(0));
	CU_ASSERT(isr_has(0, 0x60));
	irqsim_guest_eoi(vcpu(0));
	CU_ASSERT(!isr_has(0, 0x60));
	/* errors */
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_GET_LAPIC, 0), -EFAULT);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_SET_LAPIC, 0), -EFAULT);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_GET_REGS, (unsigned long)&s), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), 0x1234, 0), -EINVAL);	/* not KVMIO */
	vm_teardown();
}

static void test_get_set_lapic_x2apic(void)
{
	struct kvm_lapic_state s;
	uint32_t id;

	vm_setup(VM_KERNEL_IRQCHIP, 3);
	enable_x2apic(2);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(2), KVM_GET_LAPIC, (unsigned long)&s), 0);
	memcpy(&id, s.regs + APIC_ID, 4);
	CU_ASSERT_EQUAL(id, 2u << 24);		/* legacy format without the x2APIC API */
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_X2APIC_API, KVM_X2APIC_API_USE_32BIT_IDS), 0);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(2), KVM_GET_LAPIC, (unsigned long)&s), 0);
	memcpy(&id, s.regs + APIC_ID, 4);
	CU_ASSERT_EQUAL(id, 2);
	id = 5;
	memcpy(s.regs + APIC_ID, &id, 4);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(2), KVM_SET_LAPIC, (unsigned long)&s), -EINVAL);
	vm_teardown();
}

static void test_no_lapic_without_irqchip(void)
{
	struct kvm_lapic_state s;

	vm_setup(VM_NO_IRQCHIP, 1);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_GET_LAPIC, (unsigned long)&s), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_lapic_write(vcpu(0), APIC_TASKPRI, 0), -ENXIO);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), -1);
	/* without an in-kernel LAPIC its window is ordinary MMIO: an exit */
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(0), 0xfee000b0, 4, 0), IRQSIM_ACCESS_EXIT);
	vm_teardown();
}

/* An edge vector's EOI is not forwarded; the IOAPIC sees only its level vectors. */
static void test_eoi_exit_bitmap(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	ioapic_write_entry(16, (1ULL << 15) | 0x30);
	CU_ASSERT_EQUAL(irq_line(16, 1), 1);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu(0)), 0x30);	/* enters: scans the IOAPIC */
	CU_ASSERT(test_bit(0x30, vcpu(0)->arch.ioapic_handled_vectors));
	CU_ASSERT(!test_bit(0x31, vcpu(0)->arch.ioapic_handled_vectors));
	CU_ASSERT(stat("lapic.scan_ioapic") >= 1);
	vm_teardown();
}

/*
 * TMICT without a timer: ignored in TSC-deadline mode, zeroed when LVTT
 * enters or leaves that mode (also by KVM_SET_LAPIC against the old mode).
 */
static void test_tmict_timer_mode(void)
{
	struct kvm_lapic_state s;
	uint32_t v;

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	lapic_write(0, APIC_TMICT, 1000);			/* one-shot: stored */
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TMICT), 1000);
	lapic_write(0, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0xec);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TMICT), 1000);	/* one-shot -> periodic keeps it */
	lapic_write(0, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0xec);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TMICT), 0);		/* into TSC deadline: zeroed */
	lapic_write(0, APIC_TMICT, 500);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TMICT), 0);		/* ignored in TSC-deadline mode */
	CU_ASSERT_EQUAL(irqsim_guest_lapic_read(vcpu(0), APIC_TMICT, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	lapic_write(0, APIC_LVTT, 0xec);			/* back to one-shot */
	lapic_write(0, APIC_TMICT, 700);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TMICT), 700);
	/* software disable masks LVTT but keeps its mode and TMICT */
	lapic_write(0, APIC_SPIV, 0xff);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TMICT), 700);
	/* SET_LAPIC with a TSC-deadline LVTT: the restored TMICT is dropped */
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_GET_LAPIC, (unsigned long)&s), 0);
	v = APIC_LVT_TIMER_TSCDEADLINE | 0xec;
	memcpy(s.regs + APIC_LVTT, &v, 4);
	v = 1234;
	memcpy(s.regs + APIC_TMICT, &v, 4);
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_SET_LAPIC, (unsigned long)&s), 0);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TMICT), 0);
	/* ...while one in the same mode as before keeps it */
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(0), KVM_SET_LAPIC, (unsigned long)&s), 0);
	CU_ASSERT_EQUAL(lapic_reg(0, APIC_TMICT), 1234);
	vm_teardown();
}

const struct cunit_test lapic_tests[] = {
	{ "tmict_timer_mode", test_tmict_timer_mode },
	{ "reset_state", test_reset_state },
	{ "tpr_masks_ack", test_tpr_masks_ack },
	{ "isr_nesting_and_eoi_order", test_isr_nesting_and_eoi_order },
	{ "sw_disabled_drops", test_sw_disabled_drops },
	{ "hw_disabled", test_hw_disabled },
	{ "mmio_window", test_mmio_window },
	{ "get_set_lapic_round_trip", test_get_set_lapic_round_trip },
	{ "get_set_lapic_x2apic", test_get_set_lapic_x2apic },
	{ "no_lapic_without_irqchip", test_no_lapic_without_irqchip },
	{ "eoi_exit_bitmap", test_eoi_exit_bitmap },
	{ NULL, NULL },
};
