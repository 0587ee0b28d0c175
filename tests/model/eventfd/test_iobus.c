/*
 * kvm_io_bus: sorted insertion, bsearch with the walk to the leftmost
 * match, dispatch over overlapping devices, NULL bus, ENOSPC, grace periods
 * before free and destructors, and the unregister-ENOMEM teardown.
 */
#include <time.h>
#include <CUnit/CUnit.h>
#include "fake_env.h"
#include "tests.h"

#define TEARDOWN()	CU_ASSERT_EQUAL(fake_env_teardown(), 0)

struct rec_dev {
	struct kvm_io_device dev;
	bool accept;			/* answer the access, else -EOPNOTSUPP */
	int writes, reads;		/* calls that reached it */
	int destroyed;			/* destructor calls (atomic) */
	u64 last;			/* last value written */
};

static int rec_write(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
		     gpa_t addr, int len, const void *val)
{
	struct rec_dev *d = container_of(this, struct rec_dev, dev);

	d->writes++;
	if (!d->accept)
		return -EOPNOTSUPP;
	d->last = 0;
	memcpy(&d->last, val, len);
	return 0;
}

static int rec_read(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
		    gpa_t addr, int len, void *val)
{
	struct rec_dev *d = container_of(this, struct rec_dev, dev);

	d->reads++;
	if (!d->accept)
		return -EOPNOTSUPP;
	memset(val, 0xab, len);
	return 0;
}

static void rec_destructor(struct kvm_io_device *this)
{
	struct rec_dev *d = container_of(this, struct rec_dev, dev);

	__atomic_add_fetch(&d->destroyed, 1, __ATOMIC_SEQ_CST);
}

static const struct kvm_io_device_ops rec_ops = {
	.read = rec_read,
	.write = rec_write,
	.destructor = rec_destructor,
};

static void rec_init(struct rec_dev *d, bool accept)
{
	memset(d, 0, sizeof(*d));
	kvm_iodevice_init(&d->dev, &rec_ops);
	d->accept = accept;
}

static int reg(struct kvm *kvm, enum kvm_bus bus, gpa_t addr, int len, struct rec_dev *d)
{
	int r;

	mutex_lock(&kvm->slots_lock);
	r = kvm_io_bus_register_dev(kvm, bus, addr, len, &d->dev);
	mutex_unlock(&kvm->slots_lock);
	return r;
}

static int unreg(struct kvm *kvm, enum kvm_bus bus, struct rec_dev *d)
{
	int r;

	mutex_lock(&kvm->slots_lock);
	r = kvm_io_bus_unregister_dev(kvm, bus, &d->dev);
	mutex_unlock(&kvm->slots_lock);
	return r;
}

static struct kvm_io_bus *bus_of(struct kvm *kvm, enum kvm_bus idx)
{
	return rcu_dereference_protected(kvm->buses[idx], 1);
}

/* Random insertions of disjoint ranges keep the array sorted by address. */
static void test_sorted_insert(void)
{
	static struct rec_dev d[64];
	struct kvm_io_bus *bus;
	u64 x = 88172645463325252ull;
	int i, j;

	fake_env_setup();
	for (i = 0; i < 64; i++) {
		/* distinct 8-byte slots, lengths 1..8 */
		for (;;) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			for (j = 0; j < i; j++)
				if (bus_of(fkvm(), KVM_MMIO_BUS)->range[j].addr == (x % 256) * 8)
					break;
			if (j == i)
				break;
		}
		rec_init(&d[i], true);
		CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, (x % 256) * 8, 1 << (x % 4), &d[i]), 0);
	}
	bus = bus_of(fkvm(), KVM_MMIO_BUS);
	CU_ASSERT_EQUAL(bus->dev_count, 64);
	for (i = 1; i < bus->dev_count; i++)
		CU_ASSERT(bus->range[i - 1].addr < bus->range[i].addr);
	/* and every one of them is found by its address */
	for (i = 0; i < 64; i++)
		CU_ASSERT_PTR_EQUAL(kvm_io_bus_get_dev(fkvm(), KVM_MMIO_BUS,
						       bus->range[i].addr),
				    bus->range[i].dev);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "iobus.updates"), 64);
	TEARDOWN();
}

/* Overlapping devices: every match is tried in array order until one accepts. */
static void test_overlap_dispatch(void)
{
	struct rec_dev wide, narrow, after, exact0;
	u64 v = 0;
	int idx;

	fake_env_setup();
	rec_init(&wide, false);		/* [0x100, 0x110), declines */
	rec_init(&narrow, true);	/* [0x104, 0x108) */
	rec_init(&after, true);		/* [0x110, 0x114) */
	rec_init(&exact0, true);	/* 0x200, len 0: exact address only */
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x100, 16, &wide), 0);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x104, 4, &narrow), 0);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x110, 4, &after), 0);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x200, 0, &exact0), 0);

	/* inside both: wide (first) declines, narrow takes it */
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x104, 4, 0x77), 0);
	CU_ASSERT_EQUAL(wide.writes, 1);
	CU_ASSERT_EQUAL(narrow.writes, 1);
	CU_ASSERT_EQUAL(narrow.last, 0x77);
	CU_ASSERT_EQUAL(after.writes, 0);
	/* inside wide only, at its start: tried, declines, the access exits */
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x100, 4, 1), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(wide.writes, 2);
	CU_ASSERT_EQUAL(narrow.writes, 1);
	/*
	 * Kernel quirk: at 0x10c the binary search probes "after", then
	 * "narrow" (which sorts below the key) and stops: the enclosing
	 * "wide" is never offered the access.
	 */
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x10c, 4, 1), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(wide.writes, 2);
	/* nothing there */
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x300, 4, 1), -EOPNOTSUPP);
	/* len-0 range: any width at its address, nothing at the next byte */
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x200, 8, 1), 0);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x201, 1, 1), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(exact0.writes, 1);

	idx = srcu_read_lock(&fkvm()->srcu);
	CU_ASSERT_EQUAL(kvm_io_bus_read(&fvm()->vcpu, KVM_MMIO_BUS, 0x110, 4, &v), 0);
	CU_ASSERT_EQUAL(kvm_io_bus_read(&fvm()->vcpu, KVM_MMIO_BUS, 0x400, 4, &v), -EOPNOTSUPP);
	srcu_read_unlock(&fkvm()->srcu, idx);
	CU_ASSERT_EQUAL(v, 0xabababab);
	CU_ASSERT_EQUAL(after.reads, 1);

	CU_ASSERT_PTR_EQUAL(kvm_io_bus_get_dev(fkvm(), KVM_MMIO_BUS, 0x110), &after.dev);
	CU_ASSERT_PTR_NULL(kvm_io_bus_get_dev(fkvm(), KVM_MMIO_BUS, 0x500));
	TEARDOWN();
}

/* Many devices at one address: the walk left finds the first of them. */
static void test_walk_left(void)
{
	static struct rec_dev d[9];
	int i;

	fake_env_setup();
	for (i = 0; i < 9; i++) {
		rec_init(&d[i], i == 8);
		CU_ASSERT_EQUAL(reg(fkvm(), KVM_PIO_BUS, 0x60, 1, &d[i]), 0);
	}
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_PIO_BUS, 0x60, 1, 1), 0);
	for (i = 0; i < 9; i++)
		CU_ASSERT_EQUAL(d[i].writes, 1);
	TEARDOWN();
}

/* Unregistration: by pointer, absent is 0, destructor runs once. */
static void test_unregister(void)
{
	struct rec_dev a, b, c;

	fake_env_setup();
	rec_init(&a, true);
	rec_init(&b, true);
	rec_init(&c, true);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x10, 4, &a), 0);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x20, 4, &b), 0);
	CU_ASSERT_EQUAL(unreg(fkvm(), KVM_MMIO_BUS, &c), 0);
	CU_ASSERT_EQUAL(unreg(fkvm(), KVM_PIO_BUS, &a), 0);
	CU_ASSERT_EQUAL(a.destroyed, 0);
	CU_ASSERT_EQUAL(unreg(fkvm(), KVM_MMIO_BUS, &a), 0);
	CU_ASSERT_EQUAL(a.destroyed, 1);
	CU_ASSERT_EQUAL(bus_dev_count(fkvm(), KVM_MMIO_BUS), 1);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x10, 4, 1), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x20, 4, 1), 0);
	TEARDOWN();
	/* VM teardown destroyed b */
	CU_ASSERT_EQUAL(b.destroyed, 1);
	CU_ASSERT_EQUAL(a.destroyed, 1);
}

/* The shrunk copy cannot be allocated: whole bus gone, every device destroyed. */
static void test_unregister_enomem(void)
{
	struct rec_dev a, b, c;

	fake_env_setup();
	rec_init(&a, true);
	rec_init(&b, true);
	rec_init(&c, true);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x10, 4, &a), 0);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x20, 4, &b), 0);
	sim_fail_alloc_site(env.sim, "kvm_io_bus_unregister_dev", true);
	CU_ASSERT_EQUAL(unreg(fkvm(), KVM_MMIO_BUS, &a), -ENOMEM);
	sim_fail_alloc_site(env.sim, "kvm_io_bus_unregister_dev", false);
	CU_ASSERT_PTR_NULL(bus_of(fkvm(), KVM_MMIO_BUS));
	CU_ASSERT_EQUAL(a.destroyed, 1);
	CU_ASSERT_EQUAL(b.destroyed, 1);
	/* the bus is gone for good */
	CU_ASSERT_EQUAL(guest_write(fvm(), KVM_MMIO_BUS, 0x20, 4, 1), -ENOMEM);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x30, 4, &c), -ENOMEM);
	CU_ASSERT_EQUAL(unreg(fkvm(), KVM_MMIO_BUS, &b), 0);
	CU_ASSERT_EQUAL(b.destroyed, 1);
	/* an ioeventfd on the dead bus: ENOMEM from registration */
	CU_ASSERT_EQUAL(ioeventfd(fkvm(), sim_eventfd(env.sim, 0), 0x40, 4, 0, 0), -ENOMEM);
	TEARDOWN();
}

/* Registration allocation failure: -ENOMEM, the bus unchanged. */
static void test_register_enomem(void)
{
	struct rec_dev a;

	fake_env_setup();
	rec_init(&a, true);
	sim_fail_alloc_site(env.sim, "kvm_io_bus_register_dev", true);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x10, 4, &a), -ENOMEM);
	sim_fail_alloc_site(env.sim, "kvm_io_bus_register_dev", false);
	CU_ASSERT_EQUAL(bus_dev_count(fkvm(), KVM_MMIO_BUS), 0);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "iobus.updates"), 0);
	TEARDOWN();
}

/* ---- grace periods ------------------------------------------------------ */

struct reader {
	struct kvm *kvm;
	int in;			/* set when inside kvm->srcu, holding the old bus */
	int release;		/* main tells it to leave */
	int old_count;		/* dev_count read from the old array after release */
};

static void wait_flag(int *flag)
{
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		ksim_spin_wait();
}

static int reader_fn(void *p)
{
	struct reader *r = p;
	struct kvm_io_bus *bus;
	int idx;

	idx = srcu_read_lock(&r->kvm->srcu);
	bus = srcu_dereference(r->kvm->buses[KVM_MMIO_BUS], &r->kvm->srcu);
	__atomic_store_n(&r->in, 1, __ATOMIC_RELEASE);
	wait_flag(&r->release);
	/* still ours: a premature free shows up as a use after free here */
	r->old_count = READ_ONCE(bus->dev_count);
	srcu_read_unlock(&r->kvm->srcu, idx);
	return 0;
}

struct unregisterer {
	struct kvm *kvm;
	struct rec_dev *dev;
	int done;
};

static int unregister_fn(void *p)
{
	struct unregisterer *u = p;

	unreg(u->kvm, KVM_MMIO_BUS, u->dev);
	__atomic_store_n(&u->done, 1, __ATOMIC_RELEASE);
	return 0;
}

static void let_others_run(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	if (env.backend == SIM_BACKEND_THREADS) {
		nanosleep(&ts, NULL);
		return;
	}
	for (i = 0; i < 200; i++)
		ksim_switch_point();
}

/* Unregister waits for kvm->srcu readers before the destructor; register frees later. */
static void test_grace_periods(void)
{
	struct rec_dev a, b;
	struct reader r = { 0 };
	struct unregisterer u = { 0 };
	struct task_struct *rt, *ut;

	fake_env_setup();
	rec_init(&a, true);
	rec_init(&b, true);
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x10, 4, &a), 0);

	r.kvm = fkvm();
	rt = sim_task_start(env.sim, "reader", reader_fn, &r);
	wait_flag(&r.in);
	/* register replaces the array the reader holds; the old one must survive */
	CU_ASSERT_EQUAL(reg(fkvm(), KVM_MMIO_BUS, 0x20, 4, &b), 0);
	u.kvm = fkvm();
	u.dev = &a;
	ut = sim_task_start(env.sim, "unregister", unregister_fn, &u);
	let_others_run();
	CU_ASSERT_EQUAL(__atomic_load_n(&u.done, __ATOMIC_ACQUIRE), 0);
	CU_ASSERT_EQUAL(__atomic_load_n(&a.destroyed, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&r.release, 1, __ATOMIC_RELEASE);
	sim_task_join(rt);
	sim_task_join(ut);
	CU_ASSERT_EQUAL(r.old_count, 1);
	CU_ASSERT_EQUAL(a.destroyed, 1);
	CU_ASSERT_EQUAL(bus_dev_count(fkvm(), KVM_MMIO_BUS), 1);
	TEARDOWN();
}

const struct cunit_test iobus_tests[] = {
	{ "sorted_insert", test_sorted_insert },
	{ "overlap_dispatch", test_overlap_dispatch },
	{ "walk_left", test_walk_left },
	{ "unregister", test_unregister },
	{ "unregister_enomem", test_unregister_enomem },
	{ "register_enomem", test_register_enomem },
	{ "grace_periods", test_grace_periods },
	{ NULL, NULL },
};
