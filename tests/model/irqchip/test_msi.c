/*
 * KVM_SIGNAL_MSI (returns > 0, 0, -1 and its EINVALs, kernel-notes 4.4)
 * and the decoding of every MSI field (6.1).
 */
#include <string.h>
#include "irqchip_test.h"

static struct kvm_lapic_irq decode(uint32_t lo, uint32_t hi, uint32_t data)
{
	struct kvm_kernel_irq_routing_entry e;
	struct kvm_lapic_irq irq;

	memset(&e, 0, sizeof(e));
	memset(&irq, 0xa5, sizeof(irq));
	e.type = KVM_IRQ_ROUTING_MSI;
	e.msi.address_lo = lo;
	e.msi.address_hi = hi;
	e.msi.data = data;
	kvm_set_msi_irq(kvm, &e, &irq);
	return irq;
}

static void test_signal_msi_einval(void)
{
	struct kvm_msi msi = { .address_lo = 0xfee00000, .data = 0x30 };

	vm_setup(VM_NO_IRQCHIP, 1);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SIGNAL_MSI, (unsigned long)&msi), -EINVAL);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SIGNAL_MSI, 0), -EFAULT);
	vm_teardown();

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	msi.flags = 2;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SIGNAL_MSI, (unsigned long)&msi), -EINVAL);
	msi.flags = KVM_MSI_VALID_DEVID;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SIGNAL_MSI, (unsigned long)&msi), 0);	/* sw-disabled APIC */
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_X2APIC_API, KVM_X2APIC_API_USE_32BIT_IDS), 0);
	msi.flags = 0;
	msi.address_hi = 1;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SIGNAL_MSI, (unsigned long)&msi), -EINVAL);
	vm_teardown();
}

static void test_signal_msi_returns(void)
{
	/* no vCPU at all: no APIC map, the slow path finds nobody: -1 (EPERM) */
	vm_setup(VM_KERNEL_IRQCHIP, 0);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x30), -1);
	CU_ASSERT_EQUAL(-1, -EPERM);
	vm_teardown();

	vm_setup(VM_KERNEL_IRQCHIP, 2);
	/* freshly reset APICs are software-disabled: resolved, not accepted */
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x30), 0);
	CU_ASSERT_EQUAL(stat("lapic.dropped"), 1);
	lapic_setup(0, 0, 0, false);
	lapic_setup(1, 1, 0, false);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(1, 0), 0, 0x30), 1);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(1, 0), 0, 0x30), 1);	/* no coalescing report */
	CU_ASSERT(irr_has(1, 0x30));
	CU_ASSERT(!irr_has(0, 0x30));
	/* a physical id without a vCPU: the map resolves it to nobody: 0 */
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(7, 0), 0, 0x30), 0);
	/* broadcast: both */
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0xff, 0), 0, 0x31), 2);
	CU_ASSERT_EQUAL(stat("msi.delivered"), 3);
	CU_ASSERT_EQUAL(stat("signal_msi"), 5);
	vm_teardown();
}

static void test_msi_decode_fields(void)
{
	struct kvm_lapic_irq irq;

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	irq = decode(0xfee00000 | (0x5a << 12), 0, 0x41);
	CU_ASSERT_EQUAL(irq.dest_id, 0x5a);
	CU_ASSERT_EQUAL(irq.vector, 0x41);
	CU_ASSERT_EQUAL(irq.dest_mode, APIC_DEST_PHYSICAL);
	CU_ASSERT_EQUAL(irq.delivery_mode, APIC_DM_FIXED);
	CU_ASSERT_EQUAL(irq.trig_mode, 0);
	CU_ASSERT_FALSE(irq.msi_redir_hint);
	CU_ASSERT_TRUE(irq.level);
	CU_ASSERT_EQUAL(irq.shorthand, APIC_DEST_NOSHORT);

	irq = decode(0xfee00000 | MSI_RH | 4, 0, 0);
	CU_ASSERT_EQUAL(irq.dest_mode, APIC_DEST_LOGICAL);
	CU_ASSERT_TRUE(irq.msi_redir_hint);

	/* every delivery mode is shifted into APIC_DM_* */
	CU_ASSERT_EQUAL(decode(0xfee00000, 0, 0x100).delivery_mode, APIC_DM_LOWEST);
	CU_ASSERT_EQUAL(decode(0xfee00000, 0, 0x200).delivery_mode, APIC_DM_SMI);
	CU_ASSERT_EQUAL(decode(0xfee00000, 0, 0x400).delivery_mode, APIC_DM_NMI);
	CU_ASSERT_EQUAL(decode(0xfee00000, 0, 0x500).delivery_mode, APIC_DM_INIT);
	CU_ASSERT_EQUAL(decode(0xfee00000, 0, 0x700).delivery_mode, APIC_DM_EXTINT);
	/* trigger bit 15; the assert bit 14 is ignored (level is always 1) */
	CU_ASSERT_EQUAL(decode(0xfee00000, 0, 0x8033).trig_mode, 1);
	CU_ASSERT_EQUAL(decode(0xfee00000, 0, 0x4033).trig_mode, 0);
	CU_ASSERT_TRUE(decode(0xfee00000, 0, 0x0033).level);
	/* address_lo bits 11:5 (virtual extended id) and the 0xfee window are ignored */
	CU_ASSERT_EQUAL(decode(0x00000000 | (0x7f << 5) | (3 << 12), 0, 0).dest_id, 3);
	/* without the x2APIC API, address_hi is ignored */
	CU_ASSERT_EQUAL(decode(0xfee00000 | (3 << 12), 0x1200, 0).dest_id, 3);
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_X2APIC_API, KVM_X2APIC_API_USE_32BIT_IDS), 0);
	/* with it, address_hi[31:8] supplies dest bits 31:8 */
	CU_ASSERT_EQUAL(decode(0xfee00000 | (3 << 12), 0x1200, 0).dest_id, 0x1203);
	CU_ASSERT_EQUAL(decode(0xfee00000 | (3 << 12), 0xabcdef00, 0).dest_id, 0xabcdef03);
	vm_teardown();
}

static void test_msi_level_sets_tmr_and_nmi(void)
{
	uint64_t kicks;

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x8033), 1);
	CU_ASSERT(irr_has(0, 0x33));
	CU_ASSERT(tmr_has(0, 0x33));
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x34), 1);
	CU_ASSERT(!tmr_has(0, 0x34));
	/* NMI: accepted, not in IRR */
	kicks = kvm_vcpu_kicks(vcpu(0));
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x400), 1);
	CU_ASSERT_EQUAL(stat("lapic.nmi"), 1);
	CU_ASSERT_EQUAL(atomic_read(&vcpu(0)->arch.nmi_queued), 1);
	CU_ASSERT(kvm_vcpu_kicks(vcpu(0)) > kicks);
	CU_ASSERT_EQUAL(irr_count(0), 2);
	/* ExtINT through an MSI is not accepted by the LAPIC */
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0, 0), 0, 0x700), 0);
	vm_teardown();
}

/* An MSI route through kvm_set_irq: level 0 is -1, the irqfd fast-path hook agrees */
static void test_msi_route(void)
{
	struct kvm_irq_routing_entry e = route_msi(50, MSI_ADDR(0, 0), 0, 0x45);
	struct kvm_kernel_irq_routing_entry k;

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	lapic_setup(0, 0, 0, false);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), 0);
	CU_ASSERT_EQUAL(irq_line(50, 0), -1);
	CU_ASSERT_EQUAL(irq_line(50, 1), 1);
	CU_ASSERT(irr_has(0, 0x45));

	memset(&k, 0, sizeof(k));
	k.type = KVM_IRQ_ROUTING_MSI;
	k.msi.address_lo = MSI_ADDR(0, 0);
	k.msi.data = 0x46;
	CU_ASSERT_EQUAL(kvm_arch_set_irq_inatomic(&k, kvm, 0, 1, false), 1);
	CU_ASSERT(irr_has(0, 0x46));
	/* broadcast cannot use the map: the irqfd must defer to its work item */
	k.msi.address_lo = MSI_ADDR(0xff, 0);
	CU_ASSERT_EQUAL(kvm_arch_set_irq_inatomic(&k, kvm, 0, 1, false), -EWOULDBLOCK);
	k.type = KVM_IRQ_ROUTING_IRQCHIP;
	CU_ASSERT_EQUAL(kvm_arch_set_irq_inatomic(&k, kvm, 0, 1, false), -EWOULDBLOCK);
	vm_teardown();
}

const struct cunit_test msi_tests[] = {
	{ "signal_msi_einval", test_signal_msi_einval },
	{ "signal_msi_returns", test_signal_msi_returns },
	{ "msi_decode_fields", test_msi_decode_fields },
	{ "msi_level_sets_tmr_and_nmi", test_msi_level_sets_tmr_and_nmi },
	{ "msi_route", test_msi_route },
	{ NULL, NULL },
};
