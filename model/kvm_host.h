/*
 * struct kvm and struct kvm_vcpu: the parts of include/linux/kvm_host.h
 * and arch/x86/include/asm/kvm_host.h that the irq subsystem uses.
 *
 * Ownership of this header: the irqchip team (kvm_main.c, irqchip.c,
 * irq.c, lapic.c, x86.c). The eventfd team owns the irqfd and io-bus
 * structures (kvm_irqfd.h, iodev.h); the ioapic/pic team owns ioapic.h and
 * i8259.h. Fields below are named as in the kernel.
 */
#ifndef MODEL_KVM_HOST_H
#define MODEL_KVM_HOST_H

#include <linux/kvm.h>
#include <kshim/kernel.h>
#include <kshim/list.h>
#include <kshim/mutex.h>
#include <kshim/spinlock.h>
#include <kshim/srcu.h>
#include <kshim/rcupdate.h>
#include <kshim/atomic.h>
#include <kshim/sim.h>
#include "stats.h"

#define KVM_MAX_VCPUS			1024	/* simulator limit (x86: 4096) */
#define KVM_MAX_VCPU_IDS		KVM_MAX_VCPUS
#define KVM_MAX_IRQ_ROUTES		4096
#define KVM_NR_IRQCHIPS			3
#define KVM_IRQCHIP_NUM_PINS		24	/* KVM_IOAPIC_NUM_PINS */

#define KVM_USERSPACE_IRQ_SOURCE_ID		0
#define KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID	1
#define KVM_PIT_IRQ_SOURCE_ID			2

enum kvm_bus {
	KVM_MMIO_BUS,
	KVM_PIO_BUS,
	KVM_VIRTIO_CCW_NOTIFY_BUS,
	KVM_FAST_MMIO_BUS,
	KVM_IOCSR_BUS,
	KVM_NR_BUSES
};

enum kvm_irqchip_mode {
	KVM_IRQCHIP_NONE,
	KVM_IRQCHIP_KERNEL,	/* created with KVM_CREATE_IRQCHIP */
	KVM_IRQCHIP_SPLIT,	/* created with KVM_CAP_SPLIT_IRQCHIP */
};

struct kvm;
struct kvm_vcpu;
struct kvm_lapic;
struct kvm_pic;
struct kvm_ioapic;
struct kvm_apic_map;
struct kvm_io_bus;
struct kvm_irq_routing_table;
struct kvm_kernel_irq_routing_entry;

/* arch/x86 per-VM state */
struct kvm_arch {
	enum kvm_irqchip_mode irqchip_mode;	/* written once under kvm->lock, then read-only */
	u8 nr_reserved_ioapic_pins;		/* split irqchip; kvm->lock */
	struct kvm_pic *vpic;			/* immutable after KVM_CREATE_IRQCHIP */
	struct kvm_ioapic *vioapic;		/* immutable after KVM_CREATE_IRQCHIP */
	struct mutex apic_map_lock;		/* serialises apic_map rebuilds */
	struct kvm_apic_map __rcu *apic_map;	/* RCU (rcu_read_lock); apic_map_lock to write */
	atomic_t apic_map_dirty;		/* CLEAN / UPDATE_IN_PROGRESS / DIRTY */
	bool x2apic_format;			/* KVM_X2APIC_API_USE_32BIT_IDS; kvm->lock */
	bool x2apic_broadcast_quirk_disabled;	/* KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK */
};

/* Exits to userspace the simulated VMM saw (the guest side of the scenario). */
struct kvm_exit_log {
	spinlock_t lock;			/* protects the fields below */
	unsigned int nr, cap;
	struct irqsim_exit_rec {
		bool pio;
		u64 addr;
		int len;
		u64 data;
		int vcpu;
	} *recs;
};

struct kvm {
	struct sim *sim;			/* the simulation this VM lives in; immutable */

	struct mutex lock;			/* kvm->lock: outermost VM lock */
	struct mutex slots_lock;		/* io bus registration (and memslots) */
	struct srcu_struct srcu;		/* readers of buses[] (and memslots) */
	struct srcu_struct irq_srcu;		/* readers of irq_routing, ack notifiers, resamplers */

	/* vCPUs: written under kvm->lock at creation; read lock-free after online_vcpus */
	struct kvm_vcpu *vcpus[KVM_MAX_VCPUS];
	atomic_t online_vcpus;
	int created_vcpus;			/* kvm->lock */

	/* irq routing (virt/kvm/irqchip.c) */
	struct mutex irq_lock;			/* serialises routing updates and notifier lists */
	struct kvm_irq_routing_table __rcu *irq_routing;	/* irq_srcu; irq_lock to write */
	struct hlist_head irq_ack_notifier_list;	/* irq_srcu; irq_lock to write */

	/* irqfds (virt/kvm/eventfd.c) */
	struct {
		spinlock_t lock;		/* irq-safe: protects items and each irqfd's irq_entry */
		struct list_head items;		/* active irqfds; lock */
		struct list_head resampler_list;	/* RCU list; resampler_lock to write, irq_srcu to read */
		struct mutex resampler_lock;	/* serialises resampler attach/detach */
	} irqfds;

	/* ioeventfds and io buses (virt/kvm/eventfd.c, kvm_main.c) */
	struct list_head ioeventfds;		/* slots_lock */
	struct kvm_io_bus __rcu *buses[KVM_NR_BUSES];	/* kvm->srcu; slots_lock to write */

	struct kvm_arch arch;
	struct kvm_sim_stats stat;		/* atomic counters, see stats.h */
	struct kvm_exit_log exits;
	bool vm_dead;				/* set on fatal errors; ioctls return -EIO */
};

/* arch/x86 per-vCPU state */
struct kvm_vcpu_arch {
	struct kvm_lapic *apic;			/* NULL without an in-kernel LAPIC */
	u64 apic_base;				/* APIC base MSR */
	int apic_arb_prio;			/* lowest-priority arbitration counter */
	/* vectors whose EOI the IOAPIC must see (EOI-exit bitmap); vcpu->mutex or request */
	DECLARE_BITMAP(ioapic_handled_vectors, 256);
	atomic_t nmi_queued;			/* NMIs accepted, not yet taken */
	atomic_t smi_pending;
	unsigned long apic_events;		/* KVM_APIC_INIT / KVM_APIC_SIPI bits */
	u8 sipi_vector;
};

struct kvm_vcpu {
	struct kvm *kvm;			/* immutable */
	int vcpu_id;				/* the id userspace gave; immutable */
	int vcpu_idx;				/* index in kvm->vcpus; immutable */
	struct mutex mutex;			/* vcpu->mutex: vCPU ioctls */
	unsigned long requests;			/* KVM_REQ_* bits, atomic bitops */
	struct kvm_vcpu_arch arch;
};

static inline struct kvm_vcpu *kvm_get_vcpu(struct kvm *kvm, int i)
{
	if (i < 0 || i >= atomic_read(&kvm->online_vcpus))
		return NULL;
	return READ_ONCE(kvm->vcpus[i]);
}

#define kvm_for_each_vcpu(idx, vcpup, kvm)				\
	for (idx = 0; idx < atomic_read(&(kvm)->online_vcpus) &&	\
		      ((vcpup) = READ_ONCE((kvm)->vcpus[idx])) != NULL; idx++)

static inline bool irqchip_in_kernel(struct kvm *kvm)
{
	return READ_ONCE(kvm->arch.irqchip_mode) != KVM_IRQCHIP_NONE;
}

static inline bool irqchip_full(struct kvm *kvm)
{
	return READ_ONCE(kvm->arch.irqchip_mode) == KVM_IRQCHIP_KERNEL;
}

static inline bool irqchip_split(struct kvm *kvm)
{
	return READ_ONCE(kvm->arch.irqchip_mode) == KVM_IRQCHIP_SPLIT;
}

#endif
