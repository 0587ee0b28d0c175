/*
 * In-kernel io devices and the kvm_io_bus: include/kvm/iodev.h plus the
 * kvm_io_bus parts of include/linux/kvm_host.h.
 *
 * Owner: the eventfd team (iobus.c implements the bus). Devices (the
 * LAPIC window, IOAPIC, PIC, ioeventfds) embed a struct kvm_io_device and
 * register it on one of kvm->buses[] under kvm->slots_lock.
 */
#ifndef MODEL_IODEV_H
#define MODEL_IODEV_H

#include "kvm_host.h"

struct kvm;
struct kvm_vcpu;
struct kvm_io_device;

typedef u64 gpa_t;

/* A device's callbacks: 0 when it handled the access, -EOPNOTSUPP when not its own. */
struct kvm_io_device_ops {
	int (*read)(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
		    gpa_t addr, int len, void *val);
	int (*write)(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
		     gpa_t addr, int len, const void *val);
	/* Runs once the device is off every bus and a kvm->srcu grace period passed. */
	void (*destructor)(struct kvm_io_device *this);
};

struct kvm_io_device {
	const struct kvm_io_device_ops *ops;	/* immutable after kvm_iodevice_init */
};

/* kvm_iodevice_init */
static inline void kvm_iodevice_init(struct kvm_io_device *dev,
				     const struct kvm_io_device_ops *ops)
{
	dev->ops = ops;
}

/* kvm_iodevice_read */
static inline int kvm_iodevice_read(struct kvm_vcpu *vcpu,
				    struct kvm_io_device *dev, gpa_t addr,
				    int l, void *v)
{
	return dev->ops->read ? dev->ops->read(vcpu, dev, addr, l, v)
			      : -EOPNOTSUPP;
}

/* kvm_iodevice_write */
static inline int kvm_iodevice_write(struct kvm_vcpu *vcpu,
				     struct kvm_io_device *dev, gpa_t addr,
				     int l, const void *v)
{
	return dev->ops->write ? dev->ops->write(vcpu, dev, addr, l, v)
			       : -EOPNOTSUPP;
}

/* kvm_iodevice_destructor */
static inline void kvm_iodevice_destructor(struct kvm_io_device *dev)
{
	if (dev->ops->destructor)
		dev->ops->destructor(dev);
}

/* ---- kvm_io_bus (include/linux/kvm_host.h) --------------------------- */

/* Devices per bus, not counting ioeventfds (bounded by the fd limit). */
#define NR_IOBUS_DEVS 1000

/* Every field is immutable once the array holding it is published. */
struct kvm_io_range {
	gpa_t addr;
	int len;			/* 0: match the exact address, any length */
	struct kvm_io_device *dev;	/* alive until a kvm->srcu GP after its removal */
};

/*
 * One bus: an array sorted by kvm_io_bus_cmp, replaced as a whole (copy,
 * publish with rcu_assign_pointer, free after a kvm->srcu grace period).
 * A published array is never modified, except ioeventfd_count, which only
 * writers read, under kvm->slots_lock.
 */
struct kvm_io_bus {
	int dev_count;			/* entries in range[]; immutable once published */
	int ioeventfd_count;		/* how many of them are ioeventfds; slots_lock */
	struct rcu_head rcu;		/* call_srcu(&kvm->srcu) of the replaced array */
	struct kvm_io_range range[];
};

/*
 * kvm_get_bus: the update side's view of a bus, for holders of
 * kvm->slots_lock only (6.18: an SRCU reader must not keep this pointer,
 * the readers' accessor is kvm_get_bus_srcu in iobus.c).
 */
static inline struct kvm_io_bus *kvm_get_bus(struct kvm *kvm, enum kvm_bus idx)
{
	return rcu_dereference_protected(kvm->buses[idx],
					 lockdep_is_held(&kvm->slots_lock));
}

/*
 * Guest write/read of len bytes at addr on bus_idx. Caller holds
 * srcu_read_lock(&vcpu->kvm->srcu). 0 when a device took the access,
 * -EOPNOTSUPP when none did (the access exits to userspace), -ENOMEM when
 * the bus was torn down by a failed unregistration.
 */
int kvm_io_bus_write(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		     int len, const void *val);
int kvm_io_bus_read(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		    int len, void *val);

/* Caller holds kvm->slots_lock. -ENOMEM (no bus / allocation), -ENOSPC (full). */
int kvm_io_bus_register_dev(struct kvm *kvm, enum kvm_bus bus_idx, gpa_t addr,
			    int len, struct kvm_io_device *dev);
/*
 * Caller holds kvm->slots_lock. Removes dev (by pointer; absent: 0), waits
 * for a kvm->srcu grace period, then runs dev's destructor. If the smaller
 * array cannot be allocated, the whole bus is torn down (NULL published,
 * every device destroyed) and -ENOMEM returned.
 */
int kvm_io_bus_unregister_dev(struct kvm *kvm, enum kvm_bus bus_idx,
			      struct kvm_io_device *dev);
/*
 * The first device whose range covers addr (a length-0 range: starts
 * exactly at addr), or NULL. Takes kvm->srcu itself.
 */
struct kvm_io_device *kvm_io_bus_get_dev(struct kvm *kvm, enum kvm_bus bus_idx,
					 gpa_t addr);

/*
 * VM teardown (kvm_destroy_vm): run every device's destructor and free the
 * array. No reader or writer may remain; kvm_destroy_vm must also wait for
 * the call_srcu() callbacks of kvm->srcu (srcu_barrier) before cleaning up
 * the domain, since registration frees old arrays with call_srcu().
 */
void kvm_io_bus_destroy(struct kvm_io_bus *bus);

#endif
