/*
 * eventfd.c and iobus.c inside the whole model, through the public API
 * (<irqsim/kvm.h>): irqfd to the LAPIC's IRR on the fast and slow paths, a
 * resampling irqfd through the real IOAPIC's EOI, routing changes under a
 * live irqfd, ioeventfd on guest MMIO/PIO, and VM teardown with live
 * objects. Both backends.
 */
#include <stdlib.h>
#include <string.h>
#include <CUnit/CUnit.h>
#include <kshim/eventfd.h>
#include <irqsim/kvm.h>
#include "tests/cunit_main.h"

#define IOAPIC_BASE	0xfec00000ULL

static enum sim_backend backend = SIM_BACKEND_SCHED;
static struct sim *sim;
static struct kvm *kvm;
static struct kvm_vcpu *vcpu;

static void setup(void)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.backend = backend;
	cfg.checkers = true;
	sim = sim_create(&cfg);
	CU_ASSERT_FATAL(sim != NULL);
	CU_ASSERT_FATAL(irqsim_create_vm(sim, 0, &kvm) == 0);
	CU_ASSERT_FATAL(irqsim_vm_ioctl(kvm, KVM_CREATE_IRQCHIP, 0) == 0);
	CU_ASSERT_FATAL(irqsim_vm_ioctl(kvm, KVM_CREATE_VCPU, 0) >= 0);
	vcpu = irqsim_vcpu(kvm, 0);
	CU_ASSERT_FATAL(vcpu != NULL);
	irqsim_guest_lapic_write(vcpu, 0xf0, 0x1ff);	/* SPIV: software-enable */
}

static void teardown(void)
{
	irqsim_destroy_vm(kvm);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static bool irr_has(int vector)
{
	uint32_t v = 0;

	irqsim_guest_lapic_read(vcpu, 0x200 + (vector / 32) * 0x10, &v);
	return v & (1u << (vector % 32));
}

static uint64_t stat(const char *name)
{
	uint64_t v = ~0ull;

	CU_ASSERT_EQUAL(irqsim_stat(kvm, name, &v), 0);
	return v;
}

static int route_msi(uint32_t gsi, uint8_t vector)
{
	struct kvm_irq_routing *r = calloc(1, sizeof(*r) + sizeof(r->entries[0]));
	int ret;

	CU_ASSERT_FATAL(r != NULL);
	r->nr = 1;
	r->entries[0].gsi = gsi;
	r->entries[0].type = KVM_IRQ_ROUTING_MSI;
	r->entries[0].u.msi.address_lo = 0xfee00000;
	r->entries[0].u.msi.data = vector;
	ret = (int)irqsim_vm_ioctl(kvm, KVM_SET_GSI_ROUTING, (unsigned long)r);
	free(r);
	return ret;
}

static int irqfd(int fd, uint32_t gsi, uint32_t flags, int rfd)
{
	struct kvm_irqfd a = { .fd = (uint32_t)fd, .gsi = gsi, .flags = flags,
			       .resamplefd = (uint32_t)rfd };

	return (int)irqsim_vm_ioctl(kvm, KVM_IRQFD, (unsigned long)&a);
}

static void ioapic_pin(int pin, uint8_t vector, bool level)
{
	irqsim_guest_mmio_write(vcpu, IOAPIC_BASE, 4, 0x10 + 2 * pin);
	irqsim_guest_mmio_write(vcpu, IOAPIC_BASE + 0x10, 4, vector | (level ? 1u << 15 : 0));
	irqsim_guest_mmio_write(vcpu, IOAPIC_BASE, 4, 0x10 + 2 * pin + 1);
	irqsim_guest_mmio_write(vcpu, IOAPIC_BASE + 0x10, 4, 0);
}

/* An MSI irqfd lands in the IRR during the write; a new route takes over. */
static void test_msi_fast_path(void)
{
	int fd;

	setup();
	CU_ASSERT_EQUAL(route_msi(24, 0x41), 0);
	fd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqfd(fd, 24, 0, 0), 0);
	CU_ASSERT_EQUAL(sim_fd_write(sim, fd, 1), 0);
	CU_ASSERT(irr_has(0x41));
	CU_ASSERT_EQUAL(stat("irqfd.inject.fast"), 1);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu), 0x41);
	irqsim_guest_eoi(vcpu);

	CU_ASSERT_EQUAL(route_msi(24, 0x42), 0);
	sim_fd_write(sim, fd, 1);
	CU_ASSERT(irr_has(0x42));
	CU_ASSERT_FALSE(irr_has(0x41));
	CU_ASSERT_EQUAL(stat("irqfd.inject.fast"), 2);
	CU_ASSERT_EQUAL(stat("irqfd.inject.slow"), 0);
	teardown();
}

/* An IOAPIC pin (GSI 16, one entry) is injected by the work item. */
static void test_ioapic_slow_path(void)
{
	int fd;

	setup();
	ioapic_pin(16, 0x51, false);
	fd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqfd(fd, 16, 0, 0), 0);
	sim_fd_write(sim, fd, 1);
	sim_settle(sim);
	CU_ASSERT(irr_has(0x51));
	CU_ASSERT_EQUAL(stat("irqfd.inject.slow"), 1);
	CU_ASSERT_EQUAL(stat("irqfd.inject.fast"), 0);
	teardown();
}

/* Level-triggered through a resampler: EOI de-asserts and signals. */
static void test_resample_eoi(void)
{
	struct kvm_irqchip chip;
	__u64 v;
	int fd, rfd;

	setup();
	ioapic_pin(17, 0x61, true);
	fd = sim_eventfd(sim, 0);
	rfd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqfd(fd, 17, KVM_IRQFD_FLAG_RESAMPLE, rfd), 0);
	sim_fd_write(sim, fd, 1);
	sim_settle(sim);
	CU_ASSERT(irr_has(0x61));
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu), 0x61);
	memset(&chip, 0, sizeof(chip));
	chip.chip_id = KVM_IRQCHIP_IOAPIC;
	CU_ASSERT_EQUAL(irqsim_vm_ioctl(kvm, KVM_GET_IRQCHIP, (unsigned long)&chip), 0);
	CU_ASSERT(chip.chip.ioapic.redirtbl[17].fields.remote_irr);
	irqsim_guest_eoi(vcpu);
	sim_settle(sim);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, rfd, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(stat("irqfd.resample.ack"), 1);
	/* de-asserted: no re-delivery after the EOI */
	CU_ASSERT_FALSE(irr_has(0x61));
	CU_ASSERT_EQUAL(irqsim_vm_ioctl(kvm, KVM_GET_IRQCHIP, (unsigned long)&chip), 0);
	CU_ASSERT_FALSE(chip.chip.ioapic.redirtbl[17].fields.remote_irr);
	teardown();
}

/* Guest writes to an ioeventfd stay in the kernel; others exit. */
static void test_ioeventfd_guest(void)
{
	struct kvm_ioeventfd m = { .addr = 0xd0000000, .len = 4 };
	struct kvm_ioeventfd p = { .addr = 0xc050, .len = 2, .flags = KVM_IOEVENTFD_FLAG_PIO };
	__u64 v;

	setup();
	m.fd = sim_eventfd(sim, 0);
	p.fd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqsim_vm_ioctl(kvm, KVM_IOEVENTFD, (unsigned long)&m), 0);
	CU_ASSERT_EQUAL(irqsim_vm_ioctl(kvm, KVM_IOEVENTFD, (unsigned long)&p), 0);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu, 0xd0000000, 4, 7), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu, 0xd0000004, 4, 7), IRQSIM_ACCESS_EXIT);
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(vcpu, 0xc050, 2, 1), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(vcpu, 0xc050, 1, 1), IRQSIM_ACCESS_EXIT);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, m.fd, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, p.fd, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(stat("ioeventfd.signal"), 2);
	/* the PIC's ports are on the same PIO bus and still answer */
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(vcpu, 0x21, 1, 0xff), IRQSIM_ACCESS_KERNEL);
	/* deassign: the write exits again */
	m.flags = KVM_IOEVENTFD_FLAG_DEASSIGN;
	CU_ASSERT_EQUAL(irqsim_vm_ioctl(kvm, KVM_IOEVENTFD, (unsigned long)&m), 0);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu, 0xd0000000, 4, 7), IRQSIM_ACCESS_EXIT);
	teardown();
}

/* VM closed with everything still attached: nothing leaks, no report. */
static void test_teardown_live(void)
{
	struct kvm_ioeventfd m = { .addr = 0xd0000000, .len = 0 };
	int fd, rfd;

	setup();
	ioapic_pin(18, 0x71, true);
	fd = sim_eventfd(sim, 1);
	rfd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqfd(fd, 18, KVM_IRQFD_FLAG_RESAMPLE, rfd), 0);
	CU_ASSERT_EQUAL(irqfd(sim_eventfd(sim, 0), 24, 0, 0), 0);
	m.fd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqsim_vm_ioctl(kvm, KVM_IOEVENTFD, (unsigned long)&m), 0);
	teardown();
}

static const struct cunit_test vm_tests[] = {
	{ "msi_fast_path", test_msi_fast_path },
	{ "ioapic_slow_path", test_ioapic_slow_path },
	{ "resample_eoi", test_resample_eoi },
	{ "ioeventfd_guest", test_ioeventfd_guest },
	{ "teardown_live", test_teardown_live },
	{ NULL, NULL },
};

static int use_sched(void)
{
	backend = SIM_BACKEND_SCHED;
	return 0;
}

static int use_threads(void)
{
	backend = SIM_BACKEND_THREADS;
	return 0;
}

static const struct cunit_suite suites[] = {
	{ "vm-sched", vm_tests, use_sched, NULL },
	{ "vm-threads", vm_tests, use_threads, NULL },
};

CUNIT_MAIN(suites)
