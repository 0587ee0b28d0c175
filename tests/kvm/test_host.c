/*
 * Host-side ioctls on the real kernel: the results kernel-notes.md marks
 * [confirmed], checked again through kvmreal.
 */
#include <errno.h>
#include <unistd.h>
#include "kvm_test.h"

/* ---- eventfd ---------------------------------------------------------- */

static void test_eventfd_basic(void)
{
	KT_EVENTFD(fd, 3);
	uint64_t v = 0;

	CU_ASSERT_EQUAL(kt_peek(fd), 3);
	CU_ASSERT_EQUAL(kvmreal_eventfd_write(fd, 2), 0);
	CU_ASSERT_EQUAL(kt_peek(fd), 5);
	CU_ASSERT_EQUAL(kt_peek(fd), 5);	/* peeking consumes nothing */
	CU_ASSERT_EQUAL(kvmreal_eventfd_read(fd, &v), 0);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(kvmreal_eventfd_read(fd, &v), -EAGAIN);
	CU_ASSERT_EQUAL(kt_peek(fd), 0);
	CU_ASSERT_EQUAL(kvmreal_eventfd_close(fd), 0);
	CU_ASSERT_EQUAL(kvmreal_eventfd_read(fd, &v), -EBADF);
	CU_ASSERT_EQUAL(kvmreal_eventfd_write(fd, 1), -EBADF);
	CU_ASSERT_EQUAL(kvmreal_eventfd_peek(fd, &v), -EBADF);
}

static void test_eventfd_peek_not_eventfd(void)
{
	int p[2];
	uint64_t v;

	CU_ASSERT_FATAL(pipe(p) == 0);
	CU_ASSERT_EQUAL(kvmreal_eventfd_peek(p[0], &v), -EINVAL);
	close(p[0]);
	close(p[1]);
}

/* ---- KVM_IRQFD ---------------------------------------------------------- */

static void test_irqfd_errnos(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_EVENTFD(ev, 0);
	KT_EVENTFD(rs, 0);
	int p[2];

	CU_ASSERT_FATAL(pipe(p) == 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 5, -1, 0x4), -EINVAL);	/* unknown flag */
	CU_ASSERT_EQUAL(kvmreal_irqfd_deassign(vm, ev, 5, 0x4), -EINVAL);	/* checked first */
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, -1, 5, -1, 0), -EBADF);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, p[0], 5, -1, 0), -EINVAL);	/* not an eventfd */
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 5, -1, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 5, -1, 0), -EBUSY);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 6, -1, 0), -EBUSY);	/* any GSI */
	CU_ASSERT_EQUAL(kvmreal_irqfd_deassign(vm, ev, 6, 0), 0);		/* no match: 0 */
	CU_ASSERT_EQUAL(kvmreal_irqfd_deassign(vm, ev, 5, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 5, -1, 0), 0);		/* re-assign */
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, rs, 7, -1 - 1000, 0), 0);	/* any negative: plain */
	CU_ASSERT_EQUAL(kvmreal_irqfd_deassign(vm, rs, 7, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, rs, 100000, -1, 0), 0);	/* GSI not checked */
	CU_ASSERT_EQUAL(kvmreal_irqfd_deassign(vm, rs, 100000, 0), 0);
	close(p[0]);
	close(p[1]);
	close(ev);
	close(rs);
	kvmreal_vm_destroy(vm);
}

static void test_irqfd_resample_errnos(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_VM(split, 1, KVMREAL_IRQCHIP_SPLIT);
	KT_EVENTFD(ev, 0);
	KT_EVENTFD(rs, 0);

	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(split, ev, 5, rs, 0), -EINVAL);	/* needs full irqchip */
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 5, 1000, 0), -EBADF);	/* bad resamplefd */
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 5, rs, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_deassign(vm, ev, 5, 0), 0);
	close(ev);
	close(rs);
	kvmreal_vm_destroy(split);
	kvmreal_vm_destroy(vm);
}

/* EBUSY across VMs, and EINVAL before EBADF without an irqchip. */
static void test_irqfd_global_and_noirqchip(void)
{
	KT_VM(a, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_VM(b, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_VM(none, 1, KVMREAL_IRQCHIP_NONE);
	KT_EVENTFD(ev, 0);

	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(none, -1, 5, -1, 0), -EINVAL);
	CU_ASSERT_EQUAL(kvmreal_irqfd_deassign(none, ev, 5, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(a, ev, 5, -1, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(b, ev, 5, -1, 0), -EBUSY);
	close(ev);
	kvmreal_vm_destroy(none);
	kvmreal_vm_destroy(b);
	kvmreal_vm_destroy(a);
}

/* ---- KVM_IOEVENTFD ------------------------------------------------------ */

static void test_ioeventfd_errnos(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_NONE);	/* no irqchip needed */
	KT_EVENTFD(ev, 0);
	struct kvmreal_ioeventfd io = { .fd = ev, .addr = 0xd0000000, .len = 4 };
	struct kvmreal_ioeventfd bad = io;

	bad.len = 3;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), -EINVAL);
	bad.fd = -1;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), -EINVAL);	/* before the fd */
	bad = io;
	bad.len = 16;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), -EINVAL);
	bad = io;
	bad.extra_flags = 1u << 5;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), -EINVAL);
	bad = io;
	bad.len = 0;
	bad.datamatch = true;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), -EINVAL);
	bad = io;
	bad.addr = ~0ULL;
	bad.len = 1;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), -EINVAL);	/* overflow */
	bad = io;
	bad.fd = -1;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), -EBADF);

	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &io), 0);
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &io), -EEXIST);
	bad = io;
	bad.datamatch = true;
	bad.value = 7;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), -EEXIST);	/* vs wildcard */
	bad.pio = true;
	bad.addr = 0xd000;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &bad), 0);		/* other bus */
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_deassign(vm, &bad), 0);
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_deassign(vm, &bad), -ENOENT);
	bad = io;
	bad.len = 3;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_deassign(vm, &bad), -ENOENT);	/* not validated */
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_deassign(vm, &io), 0);
	close(ev);
	kvmreal_vm_destroy(vm);
}

/* ---- routing, KVM_IRQ_LINE, KVM_SIGNAL_MSI ------------------------------- */

static void test_routing_errnos(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_VM(split, 1, KVMREAL_IRQCHIP_SPLIT);
	KT_VM(none, 1, KVMREAL_IRQCHIP_NONE);
	struct kvmreal_route r[3] = {
		{ .gsi = 10, .type = KVMREAL_ROUTE_IOAPIC, .pin = 24 },
	};

	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, r, 1), -EINVAL);	/* pin 24 */
	r[0].pin = 10;
	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, r, 1), 0);
	CU_ASSERT_EQUAL(kvmreal_set_routing(split, r, 1), -EINVAL);	/* irqchip on split */
	CU_ASSERT_EQUAL(kvmreal_set_routing(none, r, 0), -EINVAL);
	r[0] = (struct kvmreal_route){ .gsi = 4096, .type = KVMREAL_ROUTE_MSI, .addr_lo = 0xfee00000 };
	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, r, 1), -EINVAL);
	r[0].gsi = 4095;
	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, r, 1), 0);
	CU_ASSERT_EQUAL(kvmreal_set_routing(split, r, 1), 0);
	/* MSI + IOAPIC on one GSI conflict; IOAPIC + both PICs do not. */
	r[1] = (struct kvmreal_route){ .gsi = 4095, .type = KVMREAL_ROUTE_IOAPIC, .pin = 1 };
	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, r, 2), -EINVAL);
	r[0] = (struct kvmreal_route){ .gsi = 3, .type = KVMREAL_ROUTE_IOAPIC, .pin = 3 };
	r[1] = (struct kvmreal_route){ .gsi = 3, .type = KVMREAL_ROUTE_PIC_MASTER, .pin = 3 };
	r[2] = (struct kvmreal_route){ .gsi = 3, .type = KVMREAL_ROUTE_PIC_SLAVE, .pin = 3 };
	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, r, 3), 0);
	r[1].pin = 8;
	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, r, 2), -EINVAL);	/* PIC pin 8 */
	CU_ASSERT_EQUAL(kvmreal_set_routing_default(vm), 0);
	CU_ASSERT_EQUAL(kvmreal_set_routing_default(split), -EINVAL);
	kvmreal_vm_destroy(none);
	kvmreal_vm_destroy(split);
	kvmreal_vm_destroy(vm);
}

/*
 * Default route GSI 0 (IOAPIC masked + PIC edge), measured here: assert 1,
 * de-assert 2 (each chip 1), assert 0 (new edge, PIC IRR still set: no
 * INTA happened), assert while high 1 (the PIC quirk of kernel-notes 7).
 */
static void test_irq_line_default_route(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_VM(none, 1, KVMREAL_IRQCHIP_NONE);
	int st;

	CU_ASSERT_EQUAL(kt_status(vm, 0, 1), 1);
	CU_ASSERT_EQUAL(kt_status(vm, 0, 0), 2);
	CU_ASSERT_EQUAL(kt_status(vm, 0, 1), 0);
	CU_ASSERT_EQUAL(kt_status(vm, 0, 1), 1);
	CU_ASSERT_EQUAL(kt_status(vm, 5000, 1), -1);	/* unmapped GSI */
	CU_ASSERT_EQUAL(kvmreal_irq_line(none, 0, 1, &st), -ENXIO);
	kvmreal_vm_destroy(none);
	kvmreal_vm_destroy(vm);
}

/* After replacing the table, `routing default` makes GSI 0 reach both chips again. */
static void test_routing_default_restores(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_route r = { .gsi = 24, .type = KVMREAL_ROUTE_MSI,
				   .addr_lo = 0xfee00000, .data = 0x41 };

	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, &r, 1), 0);
	CU_ASSERT_EQUAL(kt_status(vm, 0, 1), -1);	/* GSI 0 unmapped now */
	CU_ASSERT_EQUAL(kt_status(vm, 0, 0), -1);
	CU_ASSERT_EQUAL(kvmreal_set_routing_default(vm), 0);
	CU_ASSERT_EQUAL(kt_status(vm, 0, 1), 1);	/* both chips mapped again */
	CU_ASSERT_EQUAL(kt_status(vm, 0, 0), 2);
	kvmreal_vm_destroy(vm);
}

static void test_msi(void)
{
	KT_VM(vm, 2, KVMREAL_IRQCHIP_KERNEL);
	KT_VM(novcpu, 0, KVMREAL_IRQCHIP_KERNEL);
	KT_VM(none, 1, KVMREAL_IRQCHIP_NONE);
	struct kvmreal_apic_bits b;

	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee01000, 0, 0x41), 1);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee01000, 0, 0x41), 1);	/* no coalescing report */
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 1, &b), 0);
	CU_ASSERT(kvmreal_bit(b.irr, 0x41));
	CU_ASSERT_FALSE(kvmreal_bit(b.tmr, 0x41));
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
	CU_ASSERT_FALSE(kvmreal_bit(b.irr, 0x41));
	/* Level-triggered MSI (data bit 15) sets the TMR bit [confirmed]. */
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee00000, 0, 0x8033), 1);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
	CU_ASSERT(kvmreal_bit(b.irr, 0x33));
	CU_ASSERT(kvmreal_bit(b.tmr, 0x33));
	/* Physical id with no vCPU: fast path, nobody: 0. */
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee05000, 0, 0x41), 0);
	/* No vCPU at all: slow path finds nothing, the kernel's -1 (EPERM). */
	CU_ASSERT_EQUAL(kvmreal_signal_msi(novcpu, 0xfee00000, 0, 0x41), -1);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(novcpu, 0xfee00000, 0, 0x41), -EPERM);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(none, 0xfee00000, 0, 0x41), -EINVAL);
	kvmreal_vm_destroy(none);
	kvmreal_vm_destroy(novcpu);
	kvmreal_vm_destroy(vm);
}

/* The spec's example: an MSI-routed irqfd reaches vCPU 1; the count is consumed. */
static void test_irqfd_msi_route(void)
{
	KT_VM(vm, 2, KVMREAL_IRQCHIP_KERNEL);
	KT_EVENTFD(ev, 0);
	struct kvmreal_route r = { .gsi = 24, .type = KVMREAL_ROUTE_MSI,
				   .addr_lo = 0xfee01000, .data = 0x41 };
	struct kvmreal_apic_bits b;
	uint64_t v;

	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, &r, 1), 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 24, -1, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_eventfd_write(ev, 1), 0);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 1, &b), 0);
	CU_ASSERT(kvmreal_bit(b.irr, 0x41));
	CU_ASSERT_EQUAL(kvmreal_eventfd_read(ev, &v), -EAGAIN);
	/* Re-routing to a new vector takes effect for the next signal. */
	r.data = 0x42;
	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, &r, 1), 0);
	CU_ASSERT_EQUAL(kvmreal_eventfd_write(ev, 1), 0);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 1, &b), 0);
	CU_ASSERT(kvmreal_bit(b.irr, 0x42));
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 24, -1, 0), -EBUSY);
	close(ev);
	kvmreal_vm_destroy(vm);
}

/* An irqfd assigned while the count is 1 injects, and the count stays [confirmed]. */
static void test_irqfd_preloaded(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_EVENTFD(ev, 1);
	struct kvmreal_route r = { .gsi = 30, .type = KVMREAL_ROUTE_MSI,
				   .addr_lo = 0xfee00000, .data = 0x51 };
	struct kvmreal_apic_bits b;
	bool seen = false;

	CU_ASSERT_EQUAL(kvmreal_set_routing(vm, &r, 1), 0);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 30, -1, 0), 0);
	/* That injection goes through the inject work item: poll for it. */
	for (int i = 0; i < 1000 && !seen; i++) {
		CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
		seen = kvmreal_bit(b.irr, 0x51);
		if (!seen)
			usleep(1000);
	}
	CU_ASSERT(seen);
	CU_ASSERT_EQUAL(kt_peek(ev), 1);
	close(ev);
	kvmreal_vm_destroy(vm);
}

static const struct cunit_test host_tests[] = {
	{ "eventfd_basic", test_eventfd_basic },
	{ "eventfd_peek_not_eventfd", test_eventfd_peek_not_eventfd },
	{ "irqfd_errnos", test_irqfd_errnos },
	{ "irqfd_resample_errnos", test_irqfd_resample_errnos },
	{ "irqfd_global_and_noirqchip", test_irqfd_global_and_noirqchip },
	{ "ioeventfd_errnos", test_ioeventfd_errnos },
	{ "routing_errnos", test_routing_errnos },
	{ "irq_line_default_route", test_irq_line_default_route },
	{ "routing_default_restores", test_routing_default_restores },
	{ "msi", test_msi },
	{ "irqfd_msi_route", test_irqfd_msi_route },
	{ "irqfd_preloaded", test_irqfd_preloaded },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "kvm_host", host_tests, NULL, NULL },
};

KVM_TEST_MAIN(suites)
