/*
 * KVM_SET_GSI_ROUTING (each errno and its check order), the default
 * routing of KVM_CREATE_IRQCHIP, replace-not-merge, GSIs beyond the table
 * (kernel-notes 3.x, all confirmed on 6.18).
 */
#include <stdlib.h>
#include <string.h>
#include <kshim/srcu.h>
#include "irqchip_test.h"

/* Entries kvm_irq_map_gsi finds for gsi, under irq_srcu as readers do. */
static int map_gsi(int gsi, struct kvm_kernel_irq_routing_entry *e)
{
	int idx, n;

	idx = srcu_read_lock(&kvm->irq_srcu);
	n = kvm_irq_map_gsi(kvm, e, gsi);
	srcu_read_unlock(&kvm->irq_srcu, idx);
	return n;
}

static int chip_pin(unsigned int chip, unsigned int pin)
{
	int idx, gsi;

	idx = srcu_read_lock(&kvm->irq_srcu);
	gsi = kvm_irq_map_chip_pin(kvm, chip, pin);
	srcu_read_unlock(&kvm->irq_srcu, idx);
	return gsi;
}

static void test_no_irqchip_einval(void)
{
	struct kvm_irq_routing_entry e = route_msi(1, 0xfee00000, 0, 0x30);

	vm_setup(VM_NO_IRQCHIP, 0);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	CU_ASSERT_EQUAL(set_routing(NULL, 0, 0), -EINVAL);
	/* copy_from_user of the header comes first */
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SET_GSI_ROUTING, 0), -EFAULT);
	vm_teardown();
}

/*
 * nr > 4096 is rejected before the entries are read: the header alone is
 * passed (ASan would flag a read of the missing entries).
 */
static void test_nr_checked_before_entries(void)
{
	struct kvm_irq_routing *hdr = calloc(1, sizeof(*hdr));

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	hdr->nr = KVM_MAX_IRQ_ROUTES + 1;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SET_GSI_ROUTING, (unsigned long)hdr), -EINVAL);
	/* flags are checked before the entries too */
	hdr->nr = 4;
	hdr->flags = 1;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SET_GSI_ROUTING, (unsigned long)hdr), -EINVAL);
	free(hdr);
	vm_teardown();
}

static void test_max_routes_accepted(void)
{
	struct kvm_irq_routing_entry *e = calloc(KVM_MAX_IRQ_ROUTES, sizeof(*e));
	int i;

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	for (i = 0; i < KVM_MAX_IRQ_ROUTES; i++)
		e[i] = route_msi(i, 0xfee00000, 0, 0x30);
	CU_ASSERT_EQUAL(set_routing(e, KVM_MAX_IRQ_ROUTES, 0), 0);
	free(e);
	vm_teardown();
}

static void test_gsi_limit(void)
{
	struct kvm_irq_routing_entry e[2] = {
		route_msi(0, 0xfee00000, 0, 0x30),
		route_msi(KVM_MAX_IRQ_ROUTES, 0xfee00000, 0, 0x31),
	};
	struct kvm_kernel_irq_routing_entry m[KVM_NR_IRQCHIPS];

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	CU_ASSERT_EQUAL(set_routing(e, 2, 0), -EINVAL);
	/* the failed call left the default table in place */
	CU_ASSERT_EQUAL(map_gsi(0, m), 2);
	e[1].gsi = KVM_MAX_IRQ_ROUTES - 1;
	CU_ASSERT_EQUAL(set_routing(e, 2, 0), 0);
	CU_ASSERT_EQUAL(map_gsi(KVM_MAX_IRQ_ROUTES - 1, m), 1);
	CU_ASSERT_EQUAL(m[0].msi.data, 0x31);
	vm_teardown();
}

static void test_entry_flags(void)
{
	struct kvm_irq_routing_entry e;

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	e = route_irqchip(3, KVM_IRQCHIP_IOAPIC, 3);
	e.flags = 1;
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	e = route_msi(3, 0xfee00000, 0, 0x30);
	e.flags = KVM_MSI_VALID_DEVID;		/* accepted, ignored by x86 */
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), 0);
	e.flags = 2;
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	vm_teardown();
}

static void test_conflicts(void)
{
	struct kvm_irq_routing_entry msi = route_msi(5, 0xfee00000, 0, 0x30);
	struct kvm_irq_routing_entry io = route_irqchip(5, KVM_IRQCHIP_IOAPIC, 5);
	struct kvm_irq_routing_entry pm = route_irqchip(5, KVM_IRQCHIP_PIC_MASTER, 5);
	struct kvm_irq_routing_entry ps = route_irqchip(5, KVM_IRQCHIP_PIC_SLAVE, 5);
	struct kvm_irq_routing_entry e[3];
	struct kvm_kernel_irq_routing_entry m[KVM_NR_IRQCHIPS];

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	e[0] = msi; e[1] = msi;
	CU_ASSERT_EQUAL(set_routing(e, 2, 0), -EINVAL);
	e[0] = msi; e[1] = io;
	CU_ASSERT_EQUAL(set_routing(e, 2, 0), -EINVAL);
	e[0] = io; e[1] = msi;
	CU_ASSERT_EQUAL(set_routing(e, 2, 0), -EINVAL);
	e[0] = io; e[1] = io;
	CU_ASSERT_EQUAL(set_routing(e, 2, 0), -EINVAL);
	e[0] = io; e[1] = pm; e[2] = ps;
	CU_ASSERT_EQUAL(set_routing(e, 3, 0), 0);
	CU_ASSERT_EQUAL(map_gsi(5, m), 3);
	vm_teardown();
}

static void test_chip_and_pin_limits(void)
{
	struct kvm_irq_routing_entry e;

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	e = route_irqchip(1, KVM_IRQCHIP_IOAPIC, 24);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	e = route_irqchip(1, KVM_IRQCHIP_IOAPIC, 23);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), 0);
	e = route_irqchip(1, KVM_IRQCHIP_PIC_MASTER, 8);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	e = route_irqchip(1, KVM_IRQCHIP_PIC_SLAVE, 8);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	e = route_irqchip(1, KVM_IRQCHIP_PIC_SLAVE, 7);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), 0);
	CU_ASSERT_EQUAL(chip_pin(KVM_IRQCHIP_PIC_SLAVE, 15), 1);	/* slave pins stored + 8 */
	e = route_irqchip(1, 3, 0);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	e = route_msi(1, 0xfee00000, 0, 0);
	e.type = KVM_IRQ_ROUTING_S390_ADAPTER;
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	e.type = KVM_IRQ_ROUTING_HV_SINT;	/* compiled out, as on the test host */
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	e.type = 99;
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	vm_teardown();
}

static void test_x2apic_format_reserved_bits(void)
{
	struct kvm_irq_routing_entry e = route_msi(1, 0xfee00000, 0x100 | 0x01, 0x30);

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), 0);	/* without the API: ignored */
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_X2APIC_API, KVM_X2APIC_API_USE_32BIT_IDS), 0);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), -EINVAL);
	e.u.msi.address_hi = 0x100;
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), 0);
	vm_teardown();
}

static void test_split_irqchip_msi_only(void)
{
	struct kvm_irq_routing_entry io = route_irqchip(1, KVM_IRQCHIP_IOAPIC, 1);
	struct kvm_irq_routing_entry msi = route_msi(1, 0xfee00000, 0, 0x30);

	vm_setup(VM_SPLIT_IRQCHIP, 0);
	CU_ASSERT_EQUAL(set_routing(&io, 1, 0), -EINVAL);
	CU_ASSERT_EQUAL(set_routing(&msi, 1, 0), 0);
	vm_teardown();
}

static void test_default_routing(void)
{
	struct kvm_kernel_irq_routing_entry m[KVM_NR_IRQCHIPS];
	int gsi;

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	for (gsi = 0; gsi < 16; gsi++) {
		unsigned int pic = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;

		CU_ASSERT_EQUAL(map_gsi(gsi, m), 2);
		/* head insertion: the copy lists the later (PIC) entry first */
		CU_ASSERT_EQUAL(m[0].irqchip.irqchip, pic);
		CU_ASSERT_EQUAL(m[0].irqchip.pin, (unsigned int)gsi);
		CU_ASSERT_EQUAL(m[1].irqchip.irqchip, KVM_IRQCHIP_IOAPIC);
		CU_ASSERT_EQUAL(m[1].irqchip.pin, (unsigned int)gsi);
		CU_ASSERT_EQUAL(chip_pin(KVM_IRQCHIP_IOAPIC, gsi), gsi);
		CU_ASSERT_EQUAL(chip_pin(pic, gsi), gsi);
	}
	for (gsi = 16; gsi < 24; gsi++) {
		CU_ASSERT_EQUAL(map_gsi(gsi, m), 1);
		CU_ASSERT_EQUAL(m[0].irqchip.irqchip, KVM_IRQCHIP_IOAPIC);
		CU_ASSERT_EQUAL(chip_pin(KVM_IRQCHIP_IOAPIC, gsi), gsi);
	}
	CU_ASSERT_EQUAL(map_gsi(24, m), 0);
	CU_ASSERT_EQUAL(chip_pin(KVM_IRQCHIP_PIC_MASTER, 8), -1);
	vm_teardown();
}

static void test_replace_not_merge(void)
{
	struct kvm_irq_routing_entry e = route_msi(5, 0xfee00000, 0, 0x30);
	struct kvm_kernel_irq_routing_entry m[KVM_NR_IRQCHIPS];
	uint64_t before;

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	before = stat("routing.updates");
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), 0);
	CU_ASSERT_EQUAL(stat("routing.updates"), before + 1);
	CU_ASSERT_EQUAL(map_gsi(0, m), 0);
	CU_ASSERT_EQUAL(map_gsi(5, m), 1);
	CU_ASSERT_EQUAL(m[0].type, KVM_IRQ_ROUTING_MSI);
	CU_ASSERT_EQUAL(chip_pin(KVM_IRQCHIP_IOAPIC, 0), -1);
	CU_ASSERT_EQUAL(irq_line(0, 1), -1);	/* GSI 0 is gone */
	/* an empty table is legal and has one slot */
	CU_ASSERT_EQUAL(set_routing(NULL, 0, 0), 0);
	CU_ASSERT_EQUAL(map_gsi(5, m), 0);
	vm_teardown();
}

static void test_gsi_beyond_table(void)
{
	struct kvm_kernel_irq_routing_entry m[KVM_NR_IRQCHIPS];

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	CU_ASSERT_EQUAL(map_gsi(100000, m), 0);
	CU_ASSERT_EQUAL(irq_line(100000, 1), -1);
	CU_ASSERT_EQUAL(irq_line(24, 1), -1);
	vm_teardown();
}

static void test_two_gsis_one_pin_last_wins(void)
{
	struct kvm_irq_routing_entry e[2] = {
		route_irqchip(30, KVM_IRQCHIP_IOAPIC, 3),
		route_irqchip(31, KVM_IRQCHIP_IOAPIC, 3),
	};

	vm_setup(VM_KERNEL_IRQCHIP, 0);
	CU_ASSERT_EQUAL(set_routing(e, 2, 0), 0);
	CU_ASSERT_EQUAL(chip_pin(KVM_IRQCHIP_IOAPIC, 3), 31);
	vm_teardown();
}

const struct cunit_test routing_tests[] = {
	{ "no_irqchip_einval", test_no_irqchip_einval },
	{ "nr_checked_before_entries", test_nr_checked_before_entries },
	{ "max_routes_accepted", test_max_routes_accepted },
	{ "gsi_limit", test_gsi_limit },
	{ "entry_flags", test_entry_flags },
	{ "conflicts", test_conflicts },
	{ "chip_and_pin_limits", test_chip_and_pin_limits },
	{ "x2apic_format_reserved_bits", test_x2apic_format_reserved_bits },
	{ "split_irqchip_msi_only", test_split_irqchip_msi_only },
	{ "default_routing", test_default_routing },
	{ "replace_not_merge", test_replace_not_merge },
	{ "gsi_beyond_table", test_gsi_beyond_table },
	{ "two_gsis_one_pin_last_wins", test_two_gsis_one_pin_last_wins },
	{ NULL, NULL },
};
