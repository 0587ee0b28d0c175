/*
 * The VM: KVM_CREATE_IRQCHIP and KVM_ENABLE_CAP(SPLIT_IRQCHIP) errnos,
 * KVM_GET/SET_IRQCHIP, KVM_CHECK_EXTENSION, vCPU creation, guest exits,
 * teardown that frees everything (also under allocation failures), and a
 * few of the tests again on the threads backend.
 */
#include <string.h>
#include "irqchip_test.h"

static void test_create_irqchip_errnos(void)
{
	vm_setup(VM_KERNEL_IRQCHIP, 0);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_IRQCHIP, 0), -EEXIST);
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_SPLIT_IRQCHIP, 24), -EEXIST);
	vm_teardown();

	vm_setup(VM_NO_IRQCHIP, 1);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_IRQCHIP, 0), -EINVAL);	/* after a vCPU */
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_SPLIT_IRQCHIP, 24), -EEXIST);
	vm_teardown();

	vm_setup(VM_SPLIT_IRQCHIP, 0);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_IRQCHIP, 0), -EEXIST);
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_SPLIT_IRQCHIP, 24), -EEXIST);
	CU_ASSERT_EQUAL(kvm->arch.nr_reserved_ioapic_pins, 24);
	vm_teardown();
}

static void test_split_irqchip_cap(void)
{
	struct kvm_enable_cap c;

	vm_setup(VM_NO_IRQCHIP, 0);
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_SPLIT_IRQCHIP, 5000), -EINVAL);
	memset(&c, 0, sizeof(c));
	c.cap = KVM_CAP_SPLIT_IRQCHIP;
	c.flags = 1;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_ENABLE_CAP, (unsigned long)&c), -EINVAL);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_ENABLE_CAP, 0), -EFAULT);
	CU_ASSERT_EQUAL(enable_cap(0xfffff, 0), -EINVAL);		/* unknown capability */
	CU_ASSERT_EQUAL(enable_cap(KVM_CAP_SPLIT_IRQCHIP, 4096), 0);
	CU_ASSERT(irqchip_split(kvm));
	/* vCPUs get an in-kernel LAPIC; there is no PIC/IOAPIC state to get */
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, 0), 0);
	CU_ASSERT(lapic_in_kernel(vcpu(0)));
	/* directed EOI is advertised when the IOAPIC is in userspace */
	CU_ASSERT(lapic_reg(0, APIC_LVR) & APIC_LVR_DIRECTED_EOI);
	vm_teardown();
}

static void test_get_set_irqchip(void)
{
	struct kvm_irqchip chip;
	int pin;

	vm_setup(VM_NO_IRQCHIP, 0);
	memset(&chip, 0, sizeof(chip));
	CU_ASSERT_EQUAL(vm_ioctl(KVM_GET_IRQCHIP, (unsigned long)&chip), -ENXIO);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_GET_IRQCHIP, 0), -EFAULT);
	vm_teardown();

	vm_setup(VM_SPLIT_IRQCHIP, 0);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_GET_IRQCHIP, (unsigned long)&chip), -ENXIO);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SET_IRQCHIP, (unsigned long)&chip), -ENXIO);
	vm_teardown();

	vm_setup(VM_KERNEL_IRQCHIP, 1);
	chip.chip_id = 3;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_GET_IRQCHIP, (unsigned long)&chip), -EINVAL);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SET_IRQCHIP, (unsigned long)&chip), -EINVAL);
	for (pin = 0; pin < KVM_IOAPIC_NUM_PINS; pin++)
		CU_ASSERT_EQUAL(ioapic_entry(pin), 0x10000);
	/* PIC master round trip */
	memset(&chip, 0, sizeof(chip));
	chip.chip_id = KVM_IRQCHIP_PIC_MASTER;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_GET_IRQCHIP, (unsigned long)&chip), 0);
	chip.chip.pic.imr = 0xa5;
	chip.chip.pic.irq_base = 0x68;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_SET_IRQCHIP, (unsigned long)&chip), 0);
	memset(&chip.chip, 0, sizeof(chip.chip));
	CU_ASSERT_EQUAL(vm_ioctl(KVM_GET_IRQCHIP, (unsigned long)&chip), 0);
	CU_ASSERT_EQUAL(chip.chip.pic.imr, 0xa5);
	CU_ASSERT_EQUAL(chip.chip.pic.irq_base, 0x68);
	vm_teardown();
}

static void test_check_extension(void)
{
	vm_setup(VM_NO_IRQCHIP, 0);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING), 4096);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP), 1);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI), 1);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_IRQFD_RESAMPLE), 1);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP), 1);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_X2APIC_API), 3);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS), KVM_MAX_VCPUS);
	/* ids are sparse: 4 per possible vCPU, as the host reports (4096 for 1024) */
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID), 4 * KVM_MAX_VCPUS);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY), 0);	/* not modelled */
	CU_ASSERT_EQUAL(vm_ioctl(0xae99, 0), -ENOTTY);
	vm_teardown();
}

static void test_vcpu_creation(void)
{
	struct kvm *k;

	vm_setup(VM_KERNEL_IRQCHIP, 2);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, 1), -EEXIST);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, KVM_MAX_VCPU_IDS), -EINVAL);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, 7), 2);
	CU_ASSERT_EQUAL(irqsim_vcpu_count(kvm), 3);
	CU_ASSERT_EQUAL(vcpu(2)->vcpu_id, 7);
	CU_ASSERT_PTR_NULL(irqsim_vcpu(kvm, 3));
	CU_ASSERT_EQUAL(irqsim_create_vm(sim, 1, &k), -EINVAL);		/* only the default VM type */
	vm_teardown();

	/* A vCPU id above KVM_MAX_VCPUS is fine (the real kernel takes 4095, refuses 4096). */
	vm_setup(VM_KERNEL_IRQCHIP, 0);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, 2000), 0);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, 4 * KVM_MAX_VCPUS - 1), 1);
	CU_ASSERT_EQUAL(vm_ioctl(KVM_CREATE_VCPU, 4 * KVM_MAX_VCPUS), -EINVAL);
	CU_ASSERT_EQUAL(vcpu(1)->vcpu_id, 4095);
	/* its xAPIC id is the id truncated to 8 bits */
	lapic_setup(1, 0xff, 0, false);
	CU_ASSERT_EQUAL(signal_msi(MSI_ADDR(0xff, false), 0, 0x41), 1);
	CU_ASSERT(irr_has(1, 0x41));
	vm_teardown();
}

static void test_guest_exits(void)
{
	struct irqsim_exit ex[4];

	vm_setup(VM_KERNEL_IRQCHIP, 2);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(1), 0xd0000000, 4, 0xabcd), IRQSIM_ACCESS_EXIT);
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(vcpu(0), 0x3f8, 1, 0x41), IRQSIM_ACCESS_EXIT);
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(vcpu(0), 0x21, 1, 0xff), IRQSIM_ACCESS_KERNEL); /* PIC */
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(0), 0xfec00000, 4, 1), IRQSIM_ACCESS_KERNEL); /* IOAPIC */
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(0), 0xd0000000, 3, 0), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(vcpu(0), 0x3f8, 8, 0), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_exits(kvm, ex, 4), 2);
	CU_ASSERT_FALSE(ex[0].pio);
	CU_ASSERT_EQUAL(ex[0].addr, 0xd0000000);
	CU_ASSERT_EQUAL(ex[0].len, 4);
	CU_ASSERT_EQUAL(ex[0].data, 0xabcd);
	CU_ASSERT_EQUAL(ex[0].vcpu, 1);
	CU_ASSERT_TRUE(ex[1].pio);
	CU_ASSERT_EQUAL(ex[1].addr, 0x3f8);
	CU_ASSERT_EQUAL(ex[1].data, 0x41);
	CU_ASSERT_EQUAL(stat("exits.mmio"), 1);
	CU_ASSERT_EQUAL(stat("exits.pio"), 1);
	vm_teardown();
}

static void test_stat_names(void)
{
	const char *const *names = irqsim_stat_names();
	uint64_t v;
	int n = 0;

	vm_setup(VM_NO_IRQCHIP, 0);
	for (; names[n]; n++)
		CU_ASSERT_EQUAL(irqsim_stat(kvm, names[n], &v), 0);
	CU_ASSERT(n > 20);
	CU_ASSERT_EQUAL(irqsim_stat(kvm, "no.such.stat", &v), -ENOENT);
	vm_teardown();
}

/* Everything a busy VM allocates (tables, maps replaced under RCU, exits) is freed. */
static void test_destroy_frees_everything(void)
{
	struct kvm_irq_routing_entry e = route_msi(30, MSI_ADDR(1, 0), 0, 0x40);
	int i;

	vm_setup(VM_KERNEL_IRQCHIP, 4);
	for (i = 0; i < 4; i++)
		lapic_setup(i, i, 1u << i, false);
	CU_ASSERT_EQUAL(set_routing(&e, 1, 0), 0);
	CU_ASSERT_EQUAL(irq_line(30, 1), 1);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu(0), 0xd0000000, 4, 1), IRQSIM_ACCESS_EXIT);
	CU_ASSERT(stat("apic.map.rebuilds") > 4);
	CU_ASSERT(sim_alloc_live_objects(sim) > 0);
	vm_teardown();	/* asserts sim_destroy() found no leak and no report */
}

/* One VM life; returns 0 or the first error. */
static long vm_life(void)
{
	struct kvm_irq_routing_entry e = route_msi(3, MSI_ADDR(0, 0), 0, 0x40);
	struct kvm *k = NULL;
	long r;

	r = irqsim_create_vm(sim, 0, &k);
	if (r)
		return r;
	kvm = k;
	r = vm_ioctl(KVM_CREATE_IRQCHIP, 0);
	if (!r)
		r = vm_ioctl(KVM_CREATE_VCPU, 0) < 0 ? -ENOMEM : 0;
	if (!r)
		r = set_routing(&e, 1, 0);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu(0), APIC_SPIV, 0x1ff);
	if (!r)
		r = irq_line(3, 1) == 1 ? 0 : -ENOMEM;
	irqsim_destroy_vm(k);
	kvm = NULL;
	return r;
}

static struct sim *new_sim(void)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.backend = test_backend;
	return sim_create(&cfg);
}

/*
 * Fail the nth allocation of a whole VM life, for every n: each failure
 * unwinds with -ENOMEM (or is absorbed where the kernel absorbs it, e.g.
 * an APIC map rebuild), and nothing leaks.
 */
static void test_alloc_failures_unwind(void)
{
	unsigned long n, total;
	int failures = 0;

	sim = new_sim();
	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	total = sim_alloc_count(sim);
	CU_ASSERT_EQUAL(vm_life(), 0);
	total = sim_alloc_count(sim) - total;
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);

	for (n = 1; n <= total; n++) {
		long r;

		sim = new_sim();
		CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
		sim_fail_nth_alloc(sim, n);
		r = vm_life();
		sim_fail_nth_alloc(sim, 0);
		if (r) {
			CU_ASSERT_EQUAL(r, -ENOMEM);
			failures++;
		}
		CU_ASSERT_EQUAL(sim_destroy(sim), 0);
		sim = NULL;
	}
	CU_ASSERT(total > 10);
	CU_ASSERT(failures > 5);
}

const struct cunit_test vm_tests[] = {
	{ "create_irqchip_errnos", test_create_irqchip_errnos },
	{ "split_irqchip_cap", test_split_irqchip_cap },
	{ "get_set_irqchip", test_get_set_irqchip },
	{ "check_extension", test_check_extension },
	{ "vcpu_creation", test_vcpu_creation },
	{ "guest_exits", test_guest_exits },
	{ "stat_names", test_stat_names },
	{ "destroy_frees_everything", test_destroy_frees_everything },
	{ "alloc_failures_unwind", test_alloc_failures_unwind },
	{ NULL, NULL },
};
