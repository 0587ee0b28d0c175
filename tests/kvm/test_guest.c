/*
 * Guest-side operations on the real kernel: real guest OUT / MOV
 * instructions, the LAPIC and IOAPIC programmed by guest MMIO writes,
 * acknowledge and EOI, with the kernel's state read back.
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include "kvm_test.h"

static int ack(struct kvmreal_vm *vm, int n)
{
	int vec = -2;

	CU_ASSERT_EQUAL(kvmreal_guest_ack(vm, n, &vec), 0);
	return vec;
}

static struct kvmreal_ioapic_pin pin_state(struct kvmreal_vm *vm, unsigned int pin)
{
	struct kvmreal_ioapic_pin p = { 0 };

	CU_ASSERT_EQUAL(kvmreal_ioapic_pin_get(vm, pin, &p), 0);
	return p;
}

/* Route gsi to IOAPIC pin gsi only, so PIC results do not add up in statuses. */
static void ioapic_only_route(struct kvmreal_vm *vm, uint32_t gsi)
{
	struct kvmreal_route r = { .gsi = gsi, .type = KVMREAL_ROUTE_IOAPIC, .pin = gsi };

	CU_ASSERT_EQUAL_FATAL(kvmreal_set_routing(vm, &r, 1), 0);
}

static void program(struct kvmreal_vm *vm, unsigned int pin, uint8_t vec, bool level)
{
	struct kvmreal_ioapic_prog p = { .vector = vec, .level = level };

	CU_ASSERT_EQUAL_FATAL(kvmreal_guest_ioapic_write_entry(vm, pin, kvmreal_ioapic_entry(&p)), 0);
}

static void test_pio_exit_and_ioeventfd(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_EVENTFD(ev, 0);
	struct kvmreal_ioeventfd io = { .fd = ev, .pio = true, .addr = 0xc050, .len = 2 };
	struct kvmreal_exits e;

	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0xc050, 2, 1), KVMREAL_ACCESS_EXIT);
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &io), 0);
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0xc050, 2, 1), KVMREAL_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(kt_peek(ev), 1);
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0xc050, 1, 1), KVMREAL_ACCESS_EXIT);	/* width */
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0xc051, 1, 1), KVMREAL_ACCESS_EXIT);	/* address */
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_deassign(vm, &io), 0);
	io.datamatch = true;
	io.value = 0x1234;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &io), 0);
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0xc050, 2, 0x1235), KVMREAL_ACCESS_EXIT);
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0xc050, 2, 0x1234), KVMREAL_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(kt_peek(ev), 2);
	kvmreal_exits(vm, &e);
	CU_ASSERT_EQUAL(e.pio, 4);
	CU_ASSERT_EQUAL(e.mmio, 0);
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0xc050, 8, 0), -EOPNOTSUPP);
	CU_ASSERT(strstr(kvmreal_reason(vm), "8-byte") != NULL);
	CU_ASSERT_EQUAL(kvmreal_guest_pio_write(vm, 0, 0xc050, 3, 0), -EINVAL);
	close(ev);
	kvmreal_vm_destroy(vm);
}

static void test_mmio_exit_and_ioeventfd(void)
{
	KT_VM(vm, 2, KVMREAL_IRQCHIP_KERNEL);
	KT_EVENTFD(ev, 0);
	struct kvmreal_ioeventfd io = { .fd = ev, .addr = 0xd0000000, .len = 8,
					.datamatch = true, .value = 0x1122334455667788ULL };
	struct kvmreal_exits e;

	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &io), 0);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 1, 0xd0000000, 8, 0x1122334455667788ULL),
			KVMREAL_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 1, 0xd0000000, 8, 0x1122334455667789ULL),
			KVMREAL_ACCESS_EXIT);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 0, 0xd0000000, 4, 0x55667788),
			KVMREAL_ACCESS_EXIT);
	CU_ASSERT_EQUAL(kt_peek(ev), 1);
	/* Length 0: any width, any value at that address. */
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_deassign(vm, &io), 0);
	io.len = 0;
	io.datamatch = false;
	CU_ASSERT_EQUAL(kvmreal_ioeventfd_assign(vm, &io), 0);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 0, 0xd0000000, 1, 9), KVMREAL_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 0, 0xd0000000, 2, 9), KVMREAL_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(kt_peek(ev), 3);
	/* The LAPIC page is an in-kernel device. */
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 0, 0xfee00080, 4, 0), KVMREAL_ACCESS_KERNEL);
	kvmreal_exits(vm, &e);
	CU_ASSERT_EQUAL(e.mmio, 2);
	CU_ASSERT_EQUAL(e.pio, 0);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 0, 0x100000000ULL, 4, 0), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 0, 0xfffffffeULL, 4, 0), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 2, 0xd0000000, 4, 0), -EINVAL);
	close(ev);
	kvmreal_vm_destroy(vm);
}

/* `vcpu N lapic id=` by a guest write; an MSI to the new id lands there. */
static void test_lapic_id(void)
{
	KT_VM(vm, 2, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_lapic_prog p = { .has_id = true, .id = 5 };
	struct kvmreal_apic_bits b;

	CU_ASSERT_EQUAL(kvmreal_guest_lapic(vm, 1, &p), 0);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 1, &b), 0);
	CU_ASSERT_EQUAL(b.id, 5u << 24);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee05000, 0, 0x44), 1);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 1, &b), 0);
	CU_ASSERT(kvmreal_bit(b.irr, 0x44));
	kvmreal_vm_destroy(vm);
}

/* Logical flat and cluster destinations after `lapic ldr= dfr=`. */
static void test_lapic_logical(void)
{
	KT_VM(vm, 2, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_lapic_prog p = { .has_ldr = true, .ldr = 0x02, .has_dfr = true };
	struct kvmreal_apic_bits b;

	CU_ASSERT_EQUAL(kvmreal_guest_lapic(vm, 1, &p), 0);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 1, &b), 0);
	CU_ASSERT_EQUAL(b.ldr, 0x02000000);
	CU_ASSERT_EQUAL(b.dfr, 0xffffffff);
	/* MSI logical (address bit 2), destination 0x02. */
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee02004, 0, 0x45), 1);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 1, &b), 0);
	CU_ASSERT(kvmreal_bit(b.irr, 0x45));
	p = (struct kvmreal_lapic_prog){ .has_ldr = true, .ldr = 0x11, .has_dfr = true,
					 .dfr_cluster = true };
	CU_ASSERT_EQUAL(kvmreal_guest_lapic(vm, 0, &p), 0);
	CU_ASSERT_EQUAL(kvmreal_guest_lapic(vm, 1, &p), 0);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
	CU_ASSERT_EQUAL(b.dfr, 0x0fffffff);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee11004, 0, 0x46), 2);	/* both accept */
	kvmreal_vm_destroy(vm);
}

/* A software-disabled APIC accepts nothing (MSI returns 0) [confirmed]. */
static void test_lapic_disable(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_lapic_prog p = { .has_enable = true, .enable = false };
	struct kvmreal_apic_bits b;

	CU_ASSERT_EQUAL(kvmreal_guest_lapic(vm, 0, &p), 0);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
	CU_ASSERT_EQUAL(b.svr & 0x1ff, 0xff);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee00000, 0, 0x41), 0);
	p.enable = true;
	CU_ASSERT_EQUAL(kvmreal_guest_lapic(vm, 0, &p), 0);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee00000, 0, 0x41), 1);
	kvmreal_vm_destroy(vm);
}

/* ack takes the highest vector above PPR; EOI retires the highest in service. */
static void test_ack_eoi_priority(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_lapic_prog tpr = { .has_tpr = true, .tpr = 0x50 };
	struct kvmreal_apic_bits b;

	CU_ASSERT_EQUAL(ack(vm, 0), -1);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee00000, 0, 0x41), 1);
	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee00000, 0, 0x61), 1);
	CU_ASSERT_EQUAL(ack(vm, 0), 0x61);
	CU_ASSERT_EQUAL(ack(vm, 0), -1);	/* 0x41 is below PPR 0x60 */
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
	CU_ASSERT(kvmreal_bit(b.isr, 0x61));
	CU_ASSERT(kvmreal_bit(b.irr, 0x41));
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_guest_lapic(vm, 0, &tpr), 0);
	CU_ASSERT_EQUAL(ack(vm, 0), -1);	/* TPR 0x50 blocks 0x41 */
	tpr.tpr = 0;
	CU_ASSERT_EQUAL(kvmreal_guest_lapic(vm, 0, &tpr), 0);
	CU_ASSERT_EQUAL(ack(vm, 0), 0x41);
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 0), 0);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
	for (int w = 0; w < 8; w++) {
		CU_ASSERT_EQUAL(b.isr[w], 0);
		CU_ASSERT_EQUAL(b.irr[w], 0);
	}
	kvmreal_vm_destroy(vm);
}

/* IOAPIC level pin: remote IRR set on delivery, blocks re-delivery, EOI clears it [confirmed]. */
static void test_ioapic_level_remote_irr(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	struct kvmreal_apic_bits b;

	ioapic_only_route(vm, 5);
	program(vm, 5, 0x35, true);
	CU_ASSERT_EQUAL(pin_state(vm, 5).entry, 0x8035);
	CU_ASSERT_EQUAL(kt_status(vm, 5, 1), 1);
	CU_ASSERT(pin_state(vm, 5).remote_irr);
	CU_ASSERT(pin_state(vm, 5).irr);
	CU_ASSERT_EQUAL(kt_status(vm, 5, 1), -1);
	CU_ASSERT_EQUAL(kt_status(vm, 5, 0), 1);
	CU_ASSERT_EQUAL(kt_status(vm, 5, 1), -1);	/* remote IRR still set */
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
	CU_ASSERT(kvmreal_bit(b.tmr, 0x35));
	CU_ASSERT_EQUAL(ack(vm, 0), 0x35);
	/* EOI with the line still high: remote IRR cleared, then re-delivered. */
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 0), 0);
	CU_ASSERT(pin_state(vm, 5).remote_irr);
	CU_ASSERT_EQUAL_FATAL(kvmreal_lapic_get(vm, 0, &b), 0);
	CU_ASSERT(kvmreal_bit(b.irr, 0x35));
	CU_ASSERT_EQUAL(kt_status(vm, 5, 0), 1);
	CU_ASSERT_EQUAL(ack(vm, 0), 0x35);
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 0), 0);
	CU_ASSERT_FALSE(pin_state(vm, 5).remote_irr);
	CU_ASSERT_FALSE(pin_state(vm, 5).irr);
	kvmreal_vm_destroy(vm);
}

/* IOAPIC edge pin: 1, coalesced 0, de-assert 1, 1 [confirmed]; masked: -1. */
static void test_ioapic_edge_and_mask(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);

	ioapic_only_route(vm, 6);
	program(vm, 6, 0x36, false);
	CU_ASSERT_EQUAL(kt_status(vm, 6, 1), 1);
	CU_ASSERT_FALSE(pin_state(vm, 6).irr);	/* delivered edge: hidden */
	CU_ASSERT_EQUAL(kt_status(vm, 6, 1), 0);
	CU_ASSERT_EQUAL(kt_status(vm, 6, 0), 1);
	CU_ASSERT_EQUAL(kt_status(vm, 6, 1), 1);
	CU_ASSERT_EQUAL(kt_status(vm, 6, 0), 1);
	CU_ASSERT_EQUAL(kvmreal_guest_ioapic_mask(vm, 6, true), 0);
	CU_ASSERT_EQUAL(pin_state(vm, 6).entry, 0x10036);
	CU_ASSERT_EQUAL(kt_status(vm, 6, 1), -1);
	CU_ASSERT_EQUAL(kt_status(vm, 6, 0), 1);
	CU_ASSERT_EQUAL(kvmreal_guest_ioapic_mask(vm, 6, false), 0);
	CU_ASSERT_EQUAL(pin_state(vm, 6).entry, 0x36);
	CU_ASSERT_EQUAL(kvmreal_guest_ioapic_mask(vm, 24, false), -EINVAL);
	kvmreal_vm_destroy(vm);
}

/* A resampling irqfd: asserted until the guest EOIs, then the resamplefd fires. */
static void test_resample_irqfd(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	KT_EVENTFD(ev, 0);
	KT_EVENTFD(rs, 0);
	bool seen = false;

	ioapic_only_route(vm, 7);
	program(vm, 7, 0x37, true);
	CU_ASSERT_EQUAL(kvmreal_irqfd_assign(vm, ev, 7, rs, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_eventfd_write(ev, 1), 0);
	for (int i = 0; i < 1000 && !seen; i++) {	/* injected by the inject work */
		seen = pin_state(vm, 7).remote_irr;
		if (!seen)
			usleep(1000);
	}
	CU_ASSERT_FATAL(seen);
	CU_ASSERT_EQUAL(kt_peek(rs), 0);
	CU_ASSERT_EQUAL(ack(vm, 0), 0x37);
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 0), 0);
	CU_ASSERT_EQUAL(kt_peek(rs), 1);
	CU_ASSERT_FALSE(pin_state(vm, 7).remote_irr);
	CU_ASSERT_FALSE(pin_state(vm, 7).irr);	/* the resampler de-asserted */
	close(ev);
	close(rs);
	kvmreal_vm_destroy(vm);
}

static void test_pic_state(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_KERNEL);
	struct kvm_pic_state pic;

	CU_ASSERT_EQUAL(kvmreal_pic_get(vm, 0, &pic), 0);
	CU_ASSERT_EQUAL(pic.imr, 0);	/* unmasked after creation */
	CU_ASSERT_EQUAL(kt_status(vm, 1, 1), 1);	/* IOAPIC masked -1, PIC 1 */
	CU_ASSERT_EQUAL(kvmreal_pic_get(vm, 0, &pic), 0);
	CU_ASSERT(pic.irr & 0x02);
	CU_ASSERT_EQUAL(kt_status(vm, 10, 1), 1);
	CU_ASSERT_EQUAL(kvmreal_pic_get(vm, 1, &pic), 0);
	CU_ASSERT(pic.irr & 0x04);
	CU_ASSERT_EQUAL(kvmreal_pic_get(vm, 3, &pic), -EINVAL);
	kvmreal_vm_destroy(vm);
}

/* Split: LAPIC writes and EOI still in kernel; the IOAPIC is not. */
static void test_split_guest(void)
{
	KT_VM(vm, 1, KVMREAL_IRQCHIP_SPLIT);

	CU_ASSERT_EQUAL(kvmreal_signal_msi(vm, 0xfee00000, 0, 0x41), 1);
	CU_ASSERT_EQUAL(ack(vm, 0), 0x41);
	CU_ASSERT_EQUAL(kvmreal_guest_eoi(vm, 0), 0);
	CU_ASSERT_EQUAL(kvmreal_guest_ioapic_write_entry(vm, 1, 0x31), -ENXIO);
	CU_ASSERT_EQUAL(kvmreal_guest_mmio_write(vm, 0, 0xfec00000, 4, 0x10), KVMREAL_ACCESS_EXIT);
	kvmreal_vm_destroy(vm);
}

/* Two host threads drive two vCPUs at once. */
struct worker {
	struct kvmreal_vm *vm;
	int n, bad;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 200; i++)
		if (kvmreal_guest_pio_write(w->vm, w->n, 0x3f8, 1, i) != KVMREAL_ACCESS_EXIT)
			w->bad++;
	return NULL;
}

static void test_threads(void)
{
	KT_VM(vm, 2, KVMREAL_IRQCHIP_KERNEL);
	struct worker w[2] = { { vm, 0, 0 }, { vm, 1, 0 } };
	pthread_t t[2];
	struct kvmreal_exits e;

	for (int i = 0; i < 2; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, worker_fn, &w[i]) == 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CU_ASSERT_EQUAL(w[0].bad + w[1].bad, 0);
	kvmreal_exits(vm, &e);
	CU_ASSERT_EQUAL(e.pio, 400);
	kvmreal_vm_destroy(vm);
}

static const struct cunit_test guest_tests[] = {
	{ "pio_exit_and_ioeventfd", test_pio_exit_and_ioeventfd },
	{ "mmio_exit_and_ioeventfd", test_mmio_exit_and_ioeventfd },
	{ "lapic_id", test_lapic_id },
	{ "lapic_logical", test_lapic_logical },
	{ "lapic_disable", test_lapic_disable },
	{ "ack_eoi_priority", test_ack_eoi_priority },
	{ "ioapic_level_remote_irr", test_ioapic_level_remote_irr },
	{ "ioapic_edge_and_mask", test_ioapic_edge_and_mask },
	{ "resample_irqfd", test_resample_irqfd },
	{ "pic_state", test_pic_state },
	{ "split_guest", test_split_guest },
	{ "threads", test_threads },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "kvm_guest", guest_tests, NULL, NULL },
};

KVM_TEST_MAIN(suites)
