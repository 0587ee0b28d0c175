/*
 * KVM_IOEVENTFD: the order of the checks, the collision rule, the deassign
 * ENOENT matrix, the FAST_MMIO twin, the ENOSPC quirk and guest dispatch.
 */
#include <CUnit/CUnit.h>
#include "fake_env.h"
#include "tests.h"

#define TEARDOWN()	CU_ASSERT_EQUAL(fake_env_teardown(), 0)
#define DM		KVM_IOEVENTFD_FLAG_DATAMATCH
#define PIO		KVM_IOEVENTFD_FLAG_PIO
#define DEASSIGN	KVM_IOEVENTFD_FLAG_DEASSIGN

static int new_efd(void)
{
	int fd = sim_eventfd(env.sim, 0);

	CU_ASSERT_FATAL(fd >= 0);
	return fd;
}

/* Every argument check comes before the fd lookup (fd -1 still gives EINVAL). */
static void test_validation_order(void)
{
	struct kvm *kvm;
	int pipe;

	fake_env_setup();
	kvm = fkvm();
	CU_ASSERT_EQUAL(ioeventfd(kvm, -1, 0x1000, 3, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(ioeventfd(kvm, -1, 0x1000, 16, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(ioeventfd(kvm, -1, ~0ull, 1, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(ioeventfd(kvm, -1, ~0ull - 7, 8, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(ioeventfd(kvm, -1, 0x1000, 4, 1u << 5, 0), -EINVAL);
	CU_ASSERT_EQUAL(ioeventfd(kvm, -1, 0x1000, 0, DM, 0), -EINVAL);
	/* valid arguments: now the fd is looked at */
	CU_ASSERT_EQUAL(ioeventfd(kvm, -1, 0x1000, 4, 0, 0), -EBADF);
	pipe = sim_pipe(env.sim);
	CU_ASSERT_EQUAL(ioeventfd(kvm, pipe, 0x1000, 4, 0, 0), -EINVAL);
	/* FAST_MMIO and CCW flags are accepted; no irqchip is needed */
	CU_ASSERT_EQUAL(ioeventfd(kvm, new_efd(), 0x1000, 4,
				  1u << kvm_ioeventfd_flag_nr_fast_mmio, 0), 0);
	CU_ASSERT_EQUAL(ioeventfd(kvm, new_efd(), 0x1000, 4,
				  KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY, 0), 0);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_VIRTIO_CCW_NOTIFY_BUS), 1);
	/* PIO wins over CCW */
	CU_ASSERT_EQUAL(ioeventfd(kvm, new_efd(), 0x1000, 4,
				  PIO | KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY, 0), 0);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_PIO_BUS), 1);
	TEARDOWN();

	fake_env_setup_n(1, KVM_IRQCHIP_NONE);
	CU_ASSERT_EQUAL(ioeventfd(fkvm(), new_efd(), 0x1000, 4, 0, 0), 0);
	TEARDOWN();
}

struct coll_case {
	const char *what;
	u64 addr1; u32 len1; u32 flags1; u64 dm1;
	u64 addr2; u32 len2; u32 flags2; u64 dm2;
	int expect;
};

/* kernel-notes 2.3: same bus, same address, and (a length 0, or same length and (a wildcard or same data)). */
static const struct coll_case coll_cases[] = {
	{ "exact duplicate",	   0x1000, 4, 0, 0,     0x1000, 4, 0, 0,       -EEXIST },
	{ "wildcard vs data",	   0x1000, 4, 0, 0,     0x1000, 4, DM, 7,      -EEXIST },
	{ "data vs wildcard",	   0x1000, 4, DM, 7,    0x1000, 4, 0, 0,       -EEXIST },
	{ "same data",		   0x1000, 4, DM, 7,    0x1000, 4, DM, 7,      -EEXIST },
	{ "different data",	   0x1000, 4, DM, 7,    0x1000, 4, DM, 8,      0 },
	{ "different length",	   0x1000, 4, 0, 0,     0x1000, 2, 0, 0,       0 },
	{ "len 0 vs len 4",	   0x1000, 0, 0, 0,     0x1000, 4, DM, 1,      -EEXIST },
	{ "len 4 vs len 0",	   0x1000, 4, DM, 1,    0x1000, 0, 0, 0,       -EEXIST },
	{ "len 0 vs len 0",	   0x1000, 0, 0, 0,     0x1000, 0, 0, 0,       -EEXIST },
	{ "different address",	   0x1000, 4, 0, 0,     0x1004, 4, 0, 0,       0 },
	{ "overlap, other addr",   0x1000, 8, 0, 0,     0x1004, 4, 0, 0,       0 },
	{ "MMIO vs PIO",	   0x1000, 4, 0, 0,     0x1000, 4, PIO, 0,     0 },
	{ "PIO vs PIO",		   0x60, 1, PIO, 0,     0x60, 1, PIO | DM, 3,  -EEXIST },
	{ "PIO len 0 vs PIO",	   0x60, 0, PIO, 0,     0x60, 2, PIO, 0,       -EEXIST },
};

static void test_collision_matrix(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(coll_cases); i++) {
		const struct coll_case *c = &coll_cases[i];
		int r;

		fake_env_setup();
		CU_ASSERT_EQUAL(ioeventfd(fkvm(), new_efd(), c->addr1, c->len1,
					  c->flags1, c->dm1), 0);
		/* the eventfd plays no part: a fresh one collides all the same */
		r = ioeventfd(fkvm(), new_efd(), c->addr2, c->len2, c->flags2, c->dm2);
		if (r != c->expect)
			fprintf(stderr, "collision case '%s': got %d, want %d\n",
				c->what, r, c->expect);
		CU_ASSERT_EQUAL(r, c->expect);
		TEARDOWN();
	}
}

/* Deassign: only the exact (bus, fd, addr, len, wildcard, data) matches. */
static void test_deassign_matrix(void)
{
	struct kvm *kvm;
	int fd, other;

	fake_env_setup();
	kvm = fkvm();
	fd = new_efd();
	other = new_efd();
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1000, 4, DM, 7), 0);
	CU_ASSERT_EQUAL(ioeventfd(kvm, other, 0x1000, 4, DEASSIGN | DM, 7), -ENOENT);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1004, 4, DEASSIGN | DM, 7), -ENOENT);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1000, 2, DEASSIGN | DM, 7), -ENOENT);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1000, 4, DEASSIGN, 7), -ENOENT);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1000, 4, DEASSIGN | DM, 8), -ENOENT);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1000, 4, DEASSIGN | DM | PIO, 7), -ENOENT);
	/* no validation on this path: a bad length is just "not found" */
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1000, 3, DEASSIGN, 0), -ENOENT);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1000, 4, DEASSIGN | DM | (1u << 9), 7), 0);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_MMIO_BUS), 0);
	CU_ASSERT_EQUAL(bus_ioeventfd_count(kvm, KVM_MMIO_BUS), 0);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x1000, 4, DEASSIGN | DM, 7), -ENOENT);
	CU_ASSERT_EQUAL(ioeventfd(kvm, -1, 0x1000, 4, DEASSIGN, 0), -EBADF);
	/* a wildcard's datamatch field is ignored when deassigning it */
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x2000, 4, 0, 0), 0);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x2000, 4, DEASSIGN, 99), 0);
	TEARDOWN();
}

/* MMIO len 0 also goes on FAST_MMIO, as its own object; PIO len 0 does not. */
static void test_fast_mmio_twin(void)
{
	struct kvm *kvm;
	int fd, i;

	fake_env_setup();
	kvm = fkvm();
	fd = new_efd();
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x3000, 0, 0, 0), 0);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_MMIO_BUS), 1);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_FAST_MMIO_BUS), 1);
	CU_ASSERT_EQUAL(bus_ioeventfd_count(kvm, KVM_FAST_MMIO_BUS), 1);
	/* the fast bus is hit with len 0 (EPT misconfig): matches */
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_FAST_MMIO_BUS, 0x3000, 0, 0), 0);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x3000, 2, 0xffff), 0);
	CU_ASSERT_EQUAL(efd_peek(fd), 2);
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x3000, 0, DEASSIGN, 0), 0);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_MMIO_BUS), 0);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_FAST_MMIO_BUS), 0);

	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x70, 0, PIO, 0), 0);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_PIO_BUS), 1);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_FAST_MMIO_BUS), 0);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_PIO_BUS, 0x70, 1, 0), 0);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_PIO_BUS, 0x70, 4, 0), 0);
	TEARDOWN();

	/* the twin fails (fast bus full): the MMIO one is taken back */
	fake_env_setup();
	kvm = fkvm();
	fd = new_efd();
	{
		static const struct kvm_io_device_ops nop_ops = { 0 };
		static struct kvm_io_device dummy[NR_IOBUS_DEVS];

		mutex_lock(&kvm->slots_lock);
		for (i = 0; i < NR_IOBUS_DEVS; i++) {
			kvm_iodevice_init(&dummy[i], &nop_ops);
			CU_ASSERT_EQUAL(kvm_io_bus_register_dev(kvm, KVM_FAST_MMIO_BUS,
								0x100000 + i * 8, 8,
								&dummy[i]), 0);
		}
		mutex_unlock(&kvm->slots_lock);
	}
	CU_ASSERT_EQUAL(ioeventfd(kvm, fd, 0x3000, 0, 0, 0), -ENOSPC);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_MMIO_BUS), 0);
	CU_ASSERT(list_empty(&kvm->ioeventfds));
	TEARDOWN();
}

/* 1000 devices per bus, ioeventfds not counted; ioeventfds then get ENOSPC too. */
static void test_enospc(void)
{
	static const struct kvm_io_device_ops nop_ops = { 0 };
	static struct kvm_io_device dummy[NR_IOBUS_DEVS + 1];
	struct kvm *kvm;
	int i;

	fake_env_setup();
	kvm = fkvm();
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(ioeventfd(kvm, new_efd(), 0x8000 + i * 4, 4, 0, 0), 0);
	mutex_lock(&kvm->slots_lock);
	for (i = 0; i < NR_IOBUS_DEVS; i++) {
		kvm_iodevice_init(&dummy[i], &nop_ops);
		CU_ASSERT_EQUAL(kvm_io_bus_register_dev(kvm, KVM_MMIO_BUS, 0x100000 + i * 8,
							8, &dummy[i]), 0);
	}
	kvm_iodevice_init(&dummy[i], &nop_ops);
	CU_ASSERT_EQUAL(kvm_io_bus_register_dev(kvm, KVM_MMIO_BUS, 0x200000, 8,
						&dummy[i]), -ENOSPC);
	mutex_unlock(&kvm->slots_lock);
	CU_ASSERT_EQUAL(bus_dev_count(kvm, KVM_MMIO_BUS), NR_IOBUS_DEVS + 5);
	CU_ASSERT_EQUAL(ioeventfd(kvm, new_efd(), 0x9000, 4, 0, 0), -ENOSPC);
	/* another bus is unaffected */
	CU_ASSERT_EQUAL(ioeventfd(kvm, new_efd(), 0x9000, 4, PIO, 0), 0);
	TEARDOWN();
}

/* Allocation failure of the ioeventfd object: ENOMEM, eventfd ref dropped. */
static void test_enomem(void)
{
	int fd;

	fake_env_setup();
	fd = new_efd();
	sim_fail_alloc_site(env.sim, "kvm_assign_ioeventfd_idx", true);
	CU_ASSERT_EQUAL(ioeventfd(fkvm(), fd, 0x1000, 4, 0, 0), -ENOMEM);
	sim_fail_alloc_site(env.sim, "kvm_assign_ioeventfd_idx", false);
	sim_fail_alloc_site(env.sim, "kvm_io_bus_register_dev", true);
	CU_ASSERT_EQUAL(ioeventfd(fkvm(), fd, 0x1000, 4, 0, 0), -ENOMEM);
	sim_fail_alloc_site(env.sim, "kvm_io_bus_register_dev", false);
	CU_ASSERT(list_empty(&fkvm()->ioeventfds));
	CU_ASSERT_EQUAL(ioeventfd(fkvm(), fd, 0x1000, 4, 0, 0), 0);
	TEARDOWN();
}

/* Guest writes: address, width and data must match; a miss exits. */
static void test_dispatch(void)
{
	struct kvm *kvm;
	int dm, wild, zero;

	fake_env_setup();
	kvm = fkvm();
	dm = new_efd();
	wild = new_efd();
	zero = new_efd();
	CU_ASSERT_EQUAL(ioeventfd(kvm, dm, 0x1000, 4, DM, 5), 0);
	CU_ASSERT_EQUAL(ioeventfd(kvm, wild, 0x2000, 2, 0, 0), 0);
	CU_ASSERT_EQUAL(ioeventfd(kvm, zero, 0x3000, 0, 0, 0), 0);

	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x1000, 4, 5), 0);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x1000, 4, 6), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x1000, 2, 5), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x1002, 2, 5), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(efd_peek(dm), 1);

	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x2000, 2, 0x1234), 0);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x2000, 2, 0), 0);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x2000, 4, 0), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(efd_peek(wild), 2);

	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x3000, 1, 9), 0);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x3000, 8, 9), 0);
	CU_ASSERT_EQUAL(efd_peek(zero), 2);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_PIO_BUS, 0x3000, 1, 9), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(fake_stat(kvm, "ioeventfd.signal"), 5);
	TEARDOWN();
}

/* Data matching at each width, 8-byte values included. */
static void test_datamatch_widths(void)
{
	static const u32 lens[] = { 1, 2, 4, 8 };
	struct kvm *kvm;
	size_t i;

	fake_env_setup();
	kvm = fkvm();
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		u64 v = 0x1122334455667788ull & (lens[i] == 8 ? ~0ull : (1ull << (lens[i] * 8)) - 1);
		gpa_t a = 0x4000 + i * 16;
		int fd = new_efd();

		CU_ASSERT_EQUAL(ioeventfd(kvm, fd, a, lens[i], DM, v), 0);
		CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, a, lens[i], v), 0);
		CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, a, lens[i], v ^ 1), -EOPNOTSUPP);
		CU_ASSERT_EQUAL(efd_peek(fd), 1);
	}
	TEARDOWN();
}

/* The same eventfd on many addresses; VM teardown frees them all. */
static void test_teardown_frees(void)
{
	int fd, i;

	fake_env_setup();
	fd = new_efd();
	for (i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(ioeventfd(fkvm(), fd, 0x10000 + i * 4, 4, 0, 0), 0);
	CU_ASSERT_EQUAL(bus_ioeventfd_count(fkvm(), KVM_MMIO_BUS), 32);
	TEARDOWN();
}

const struct cunit_test ioeventfd_tests[] = {
	{ "validation_order", test_validation_order },
	{ "collision_matrix", test_collision_matrix },
	{ "deassign_matrix", test_deassign_matrix },
	{ "fast_mmio_twin", test_fast_mmio_twin },
	{ "enospc", test_enospc },
	{ "enomem", test_enomem },
	{ "dispatch", test_dispatch },
	{ "datamatch_widths", test_datamatch_widths },
	{ "teardown_frees", test_teardown_frees },
	{ NULL, NULL },
};
