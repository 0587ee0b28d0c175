/*
 * The kvm_io_bus: the io-bus part of virt/kvm/kvm_main.c.
 *
 * Each bus is a sorted array of {addr, len, dev}, read lock-free under
 * kvm->srcu by vCPUs dispatching guest accesses, and replaced as a whole
 * by writers holding kvm->slots_lock: copy, publish, and free the old
 * array only after a kvm->srcu grace period (call_srcu on registration,
 * synchronize_srcu_expedited on unregistration, because there the
 * device's destructor must not run before the readers are gone either).
 */
#include <string.h>

#include <kshim/slab.h>
#include "kvm_host.h"
#include "iodev.h"


/* struct_size(bus, range, n): bytes for a bus with n ranges. */
static size_t iobus_size(int n)
{
	return sizeof(struct kvm_io_bus) + (size_t)n * sizeof(struct kvm_io_range);
}

/* kvm_get_bus_srcu: the reader's view, inside the caller's kvm->srcu section. */
static struct kvm_io_bus *kvm_get_bus_srcu(struct kvm *kvm, enum kvm_bus idx)
{
	/*
	 * A vCPU may have seen a bus update in its previous access; order
	 * that observation before this one (the barrier 6.18 added).
	 */
	smp_mb__after_srcu_read_lock();
	return srcu_dereference(kvm->buses[idx], &kvm->srcu);
}

/*
 * kvm_io_bus_cmp. r2 is the registered range. With r2->len == 0 only the
 * start addresses are compared; otherwise the end addresses too, so any
 * access overlapping r2 compares equal to it. The order between
 * overlapping ranges does not matter: dispatch walks all of them.
 */
static int kvm_io_bus_cmp(const struct kvm_io_range *r1,
			  const struct kvm_io_range *r2)
{
	gpa_t a1 = r1->addr, a2 = r2->addr;

	if (a1 < a2)
		return -1;
	if (r2->len) {
		a1 += r1->len;
		a2 += r2->len;
	}
	if (a1 > a2)
		return 1;
	return 0;
}

/*
 * bsearch (lib/bsearch.c) over the ranges: halve the count, step past the
 * pivot when the key sorts above it. The probe sequence matters: with
 * nested overlapping ranges the array is not totally ordered, and which
 * device is found (or whether one is) depends on the probes, as in the
 * kernel.
 */
static struct kvm_io_range *iobus_bsearch(const struct kvm_io_range *key,
					  struct kvm_io_range *base, size_t num)
{
	while (num > 0) {
		struct kvm_io_range *pivot = base + (num >> 1);
		int r = kvm_io_bus_cmp(key, pivot);

		if (r == 0)
			return pivot;
		if (r > 0) {
			/* above the pivot: skip it and what is below it */
			base = pivot + 1;
			num--;
		}
		num >>= 1;
	}
	return NULL;
}

/* kvm_io_bus_get_first_dev: leftmost range matching [addr, addr+len). */
static int kvm_io_bus_get_first_dev(struct kvm_io_bus *bus, gpa_t addr, int len)
{
	struct kvm_io_range key = { .addr = addr, .len = len };
	struct kvm_io_range *hit;
	int off;

	hit = iobus_bsearch(&key, bus->range, bus->dev_count);
	if (!hit)
		return -ENOENT;

	off = hit - bus->range;
	/* the search lands on any match; back up to the first of them */
	while (off > 0 && kvm_io_bus_cmp(&key, &bus->range[off - 1]) == 0)
		off--;
	return off;
}

/* __kvm_io_bus_write: offer the access to each matching device in order. */
static int __kvm_io_bus_write(struct kvm_vcpu *vcpu, struct kvm_io_bus *bus,
			      struct kvm_io_range *range, const void *val)
{
	int idx = kvm_io_bus_get_first_dev(bus, range->addr, range->len);

	if (idx < 0)
		return -EOPNOTSUPP;
	for (; idx < bus->dev_count &&
	       kvm_io_bus_cmp(range, &bus->range[idx]) == 0; idx++) {
		if (!kvm_iodevice_write(vcpu, bus->range[idx].dev,
					range->addr, range->len, val))
			return idx;
	}
	return -EOPNOTSUPP;
}

/* kvm_io_bus_write */
int kvm_io_bus_write(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		     int len, const void *val)
{
	struct kvm_io_range range = { .addr = addr, .len = len };
	struct kvm_io_bus *bus;
	int r;

	bus = kvm_get_bus_srcu(vcpu->kvm, bus_idx);
	if (!bus)
		return -ENOMEM;
	r = __kvm_io_bus_write(vcpu, bus, &range, val);
	return r < 0 ? r : 0;
}

/* __kvm_io_bus_read */
static int __kvm_io_bus_read(struct kvm_vcpu *vcpu, struct kvm_io_bus *bus,
			     struct kvm_io_range *range, void *val)
{
	int idx = kvm_io_bus_get_first_dev(bus, range->addr, range->len);

	if (idx < 0)
		return -EOPNOTSUPP;
	for (; idx < bus->dev_count &&
	       kvm_io_bus_cmp(range, &bus->range[idx]) == 0; idx++) {
		if (!kvm_iodevice_read(vcpu, bus->range[idx].dev,
				       range->addr, range->len, val))
			return idx;
	}
	return -EOPNOTSUPP;
}

/* kvm_io_bus_read */
int kvm_io_bus_read(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		    int len, void *val)
{
	struct kvm_io_range range = { .addr = addr, .len = len };
	struct kvm_io_bus *bus;
	int r;

	bus = kvm_get_bus_srcu(vcpu->kvm, bus_idx);
	if (!bus)
		return -ENOMEM;
	r = __kvm_io_bus_read(vcpu, bus, &range, val);
	return r < 0 ? r : 0;
}

/* __free_bus: the call_srcu callback freeing a replaced array. */
static void __free_bus(struct rcu_head *head)
{
	kfree(container_of(head, struct kvm_io_bus, rcu));
}

/* kvm_io_bus_register_dev */
int kvm_io_bus_register_dev(struct kvm *kvm, enum kvm_bus bus_idx, gpa_t addr,
			    int len, struct kvm_io_device *dev)
{
	struct kvm_io_range range = { .addr = addr, .len = len, .dev = dev };
	struct kvm_io_bus *new_bus, *bus;
	int i;

	lockdep_assert_held(&kvm->slots_lock);

	bus = kvm_get_bus(kvm, bus_idx);
	if (!bus)
		return -ENOMEM;

	/* ioeventfds do not count: they are bounded by the fd limit */
	if (bus->dev_count - bus->ioeventfd_count > NR_IOBUS_DEVS - 1)
		return -ENOSPC;

	new_bus = kmalloc(iobus_size(bus->dev_count + 1), GFP_KERNEL_ACCOUNT);
	if (!new_bus)
		return -ENOMEM;

	/* insert after every range that does not sort above the new one */
	for (i = 0; i < bus->dev_count; i++)
		if (kvm_io_bus_cmp(&bus->range[i], &range) > 0)
			break;

	memcpy(new_bus, bus, iobus_size(i));
	new_bus->dev_count = bus->dev_count + 1;
	new_bus->range[i] = range;
	memcpy(new_bus->range + i + 1, bus->range + i,
	       (size_t)(bus->dev_count - i) * sizeof(struct kvm_io_range));

	rcu_assign_pointer(kvm->buses[bus_idx], new_bus);
	kvm_stat_inc(kvm, iobus_updates);
	/* no device is destroyed here, so the old array can go asynchronously */
	call_srcu(&kvm->srcu, &bus->rcu, __free_bus);
	return 0;
}

/* kvm_io_bus_unregister_dev */
int kvm_io_bus_unregister_dev(struct kvm *kvm, enum kvm_bus bus_idx,
			      struct kvm_io_device *dev)
{
	struct kvm_io_bus *new_bus, *bus;
	int i;

	lockdep_assert_held(&kvm->slots_lock);

	bus = kvm_get_bus(kvm, bus_idx);
	if (!bus)
		return 0;

	for (i = 0; i < bus->dev_count; i++)
		if (bus->range[i].dev == dev)
			break;
	if (i == bus->dev_count)
		return 0;

	new_bus = kmalloc(iobus_size(bus->dev_count - 1), GFP_KERNEL_ACCOUNT);
	if (new_bus) {
		memcpy(new_bus, bus, iobus_size(i));
		new_bus->dev_count = bus->dev_count - 1;
		memcpy(new_bus->range + i, bus->range + i + 1,
		       (size_t)(new_bus->dev_count - i) *
		       sizeof(struct kvm_io_range));
	}

	/* NULL when the copy failed: the bus is gone for good */
	rcu_assign_pointer(kvm->buses[bus_idx], new_bus);
	kvm_stat_inc(kvm, iobus_updates);
	/* readers may still be inside dev: wait before destroying anything */
#ifndef IRQSIM_BUG_IOBUS_NO_SYNC
	synchronize_srcu_expedited(&kvm->srcu);
#endif
	/*
	 * IRQSIM_BUG_IOBUS_NO_SYNC: destructors and kfree under live
	 * readers, as fixed for the failure path by "KVM: Destroy I/O bus
	 * devices on unregister failure _after_ sync'ing SRCU" (2021).
	 */

	if (!new_bus) {
		pr_err("kvm: failed to shrink bus, removing it completely\n");
		kvm_io_bus_destroy(bus);
		return -ENOMEM;
	}

	kvm_iodevice_destructor(dev);
	kfree(bus);
	return 0;
}

/* kvm_io_bus_get_dev */
struct kvm_io_device *kvm_io_bus_get_dev(struct kvm *kvm, enum kvm_bus bus_idx,
					 gpa_t addr)
{
	struct kvm_io_device *iodev = NULL;
	struct kvm_io_bus *bus;
	int srcu_idx, dev_idx;

	srcu_idx = srcu_read_lock(&kvm->srcu);
	bus = kvm_get_bus_srcu(kvm, bus_idx);
	if (bus) {
		dev_idx = kvm_io_bus_get_first_dev(bus, addr, 1);
		if (dev_idx >= 0)
			iodev = bus->range[dev_idx].dev;
	}
	srcu_read_unlock(&kvm->srcu, srcu_idx);
	return iodev;
}

/* kvm_io_bus_destroy */
void kvm_io_bus_destroy(struct kvm_io_bus *bus)
{
	int i;

	for (i = 0; i < bus->dev_count; i++)
		kvm_iodevice_destructor(bus->range[i].dev);
	kfree(bus);
}
