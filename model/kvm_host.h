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
#include <kshim/bitops.h>
#include <kshim/sim.h>
#include "stats.h"

typedef u64 gpa_t;		/* also in iodev.h; C11 allows the repeat */

#define KVM_MAX_VCPUS			1024	/* simulator limit (x86: 4096) */
#define KVM_SOFT_MAX_VCPUS		KVM_MAX_VCPUS
/* x86: ids may be sparse (topology gaps), so 4 ids per possible vCPU. */
#define KVM_VCPU_ID_RATIO		4
#define KVM_MAX_VCPU_IDS		(KVM_MAX_VCPUS * KVM_VCPU_ID_RATIO)
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
	u32 nr_reserved_ioapic_pins;		/* split irqchip; written under kvm->lock before vCPUs exist */
	struct kvm_pic *vpic;			/* immutable after KVM_CREATE_IRQCHIP */
	struct kvm_ioapic *vioapic;		/* immutable after KVM_CREATE_IRQCHIP */
	struct mutex apic_map_lock;		/* serialises apic_map rebuilds */
	struct kvm_apic_map __rcu *apic_map;	/* RCU (rcu_read_lock); apic_map_lock to write */
	/* CLEAN / UPDATE_IN_PROGRESS / DIRTY: atomic (cmpxchg, acquire/release), no lock */
	atomic_t apic_map_dirty;
	bool x2apic_format;			/* KVM_X2APIC_API_USE_32BIT_IDS; KVM_ENABLE_CAP */
	bool x2apic_broadcast_quirk_disabled;	/* KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK; KVM_ENABLE_CAP */
	bool disabled_lapic_found;		/* log-once flag, racy by design (as in the kernel) */
};

/* Exits to userspace the simulated VMM saw (the guest side of the scenario). */
struct kvm_exit_log {
	struct mutex lock;			/* protects the fields below (taken in vCPU context) */
	unsigned int nr, cap;			/* lock */
	struct irqsim_exit_rec {		/* one exit; written once under lock */
		bool pio;
		u64 addr;
		int len;
		u64 data;
		int vcpu;
	} *recs;				/* lock (realloc'd as it grows) */
};

struct kvm {
	struct sim *sim;			/* the simulation this VM lives in; immutable */

	struct mutex lock;			/* kvm->lock: outermost VM lock */
	struct mutex slots_lock;		/* io bus registration (and memslots) */
	struct srcu_struct srcu;		/* readers of buses[] (and memslots) */
	struct srcu_struct irq_srcu;		/* readers of irq_routing, ack notifiers, resamplers */

	/* vCPUs: written under kvm->lock at creation; read lock-free after online_vcpus */
	struct kvm_vcpu *vcpus[KVM_MAX_VCPUS];
	atomic_t online_vcpus;			/* atomic; bumped under kvm->lock after vcpus[n] */
	int created_vcpus;			/* kvm->lock */
	int max_vcpus;				/* immutable */

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

	struct kvm_arch arch;			/* each field says its own */
	struct kvm_sim_stats stat[KSIM_NR_SLOTS];	/* per task slot: kvm_stat_inc/kvm_stat_read, stats.h */
	struct kvm_exit_log exits;		/* exits.lock */
	/* set on fatal errors (WRITE_ONCE), read lock-free (READ_ONCE); ioctls return -EIO */
	bool vm_dead;
};

/* arch/x86 per-vCPU state */
struct kvm_vcpu_arch {
	/* NULL without an in-kernel LAPIC; set before the vCPU is published, then immutable */
	struct kvm_lapic *apic;
	/* APIC base MSR: vcpu->mutex to write (WRITE_ONCE); deliveries read it with READ_ONCE */
	u64 apic_base;
	/*
	 * Lowest-priority arbitration counter: racy by design, as in the
	 * kernel (any delivery bumps it, READ_ONCE/WRITE_ONCE, no lock; it
	 * only biases arbitration); reset under vcpu->mutex.
	 */
	int apic_arb_prio;
	/* vectors whose EOI the IOAPIC must see (EOI-exit bitmap); vcpu->mutex or request */
	DECLARE_BITMAP(ioapic_handled_vectors, 256);
	int highest_stale_pending_ioapic_eoi;	/* vcpu->mutex (KVM_REQ_SCAN_IOAPIC handler) */
	int pending_ioapic_eoi;			/* split irqchip EOI exit; vcpu->mutex */
	atomic_t nmi_queued;			/* NMIs accepted, not yet taken */
	atomic_t smi_pending;			/* SMIs accepted, not yet taken */
	bool pv_unhalted;			/* APIC_DM_REMRD; WRITE_ONCE */
};

struct kvm_vcpu {
	struct kvm *kvm;			/* immutable */
	int vcpu_id;				/* the id userspace gave; immutable */
	int vcpu_idx;				/* index in kvm->vcpus; immutable */
	struct mutex mutex;			/* vcpu->mutex: vCPU ioctls */
	unsigned long requests;			/* KVM_REQ_* bits, atomic bitops */
	/* kvm_vcpu_kick() count (no real vCPU thread to IPI), per task slot as kvm->stat */
	unsigned long kicks[KSIM_NR_SLOTS];
	struct kvm_vcpu_arch arch;		/* each field says its own */
};

/* vcpu->requests bits (arch/x86/include/asm/kvm_host.h numbering is irrelevant here). */
#define KVM_REQ_EVENT			0
#define KVM_REQ_SCAN_IOAPIC		1
#define KVM_REQ_IOAPIC_EOI_EXIT		2
#define KVM_REQ_LOAD_EOI_EXITMAP	3

/* model-only: kvm_vcpu_kick() calls so far (sum of the slots); there is no vCPU thread to kick */
static inline unsigned long kvm_vcpu_kicks(struct kvm_vcpu *vcpu)
{
	unsigned long n = 0;

	for (int i = 0; i < KSIM_NR_SLOTS; i++)
		n += __atomic_load_n(&vcpu->kicks[i], __ATOMIC_RELAXED);
	return n;
}

/* kvm_make_request() */
static inline void kvm_make_request(int req, struct kvm_vcpu *vcpu)
{
	set_bit(req, &vcpu->requests);
}

/* kvm_test_request() */
static inline bool kvm_test_request(int req, struct kvm_vcpu *vcpu)
{
	return test_bit(req, &vcpu->requests);
}

/* kvm_check_request() */
static inline bool kvm_check_request(int req, struct kvm_vcpu *vcpu)
{
	return test_and_clear_bit(req, &vcpu->requests);
}

/* kvm_get_vcpu(): NULL past online_vcpus */
static inline struct kvm_vcpu *kvm_get_vcpu(struct kvm *kvm, int i)
{
	if (i < 0 || i >= atomic_read(&kvm->online_vcpus))
		return NULL;
	return READ_ONCE(kvm->vcpus[i]);
}

#define kvm_for_each_vcpu(idx, vcpup, kvm)				\
	for (idx = 0; (unsigned long)(idx) < (unsigned long)atomic_read(&(kvm)->online_vcpus) && \
		      ((vcpup) = READ_ONCE((kvm)->vcpus[idx])) != NULL; idx++)

/* irqchip_in_kernel() */
static inline bool irqchip_in_kernel(struct kvm *kvm)
{
	return READ_ONCE(kvm->arch.irqchip_mode) != KVM_IRQCHIP_NONE;
}

/* irqchip_full() */
static inline bool irqchip_full(struct kvm *kvm)
{
	return READ_ONCE(kvm->arch.irqchip_mode) == KVM_IRQCHIP_KERNEL;
}

/* irqchip_split() */
static inline bool irqchip_split(struct kvm *kvm)
{
	return READ_ONCE(kvm->arch.irqchip_mode) == KVM_IRQCHIP_SPLIT;
}


/* ---- interrupt routing (include/linux/kvm_host.h) ------------------- */

/*
 * A message for the local APICs (arch/x86/include/asm/kvm_host.h). A value:
 * built by the sender on its stack and passed down by pointer, never
 * shared, so its fields need no lock.
 */
struct kvm_lapic_irq {
	u32 vector;
	u16 delivery_mode;		/* APIC_DM_* (already shifted, 0x000-0x700) */
	u16 dest_mode;			/* APIC_DEST_PHYSICAL / APIC_DEST_LOGICAL */
	bool level;
	u16 trig_mode;			/* 0 edge, non-zero level */
	u32 shorthand;			/* APIC_DEST_NOSHORT / SELF / ALLINC / ALLBUT */
	u32 dest_id;
	bool msi_redir_hint;
};

struct kvm_kernel_irq_routing_entry;
typedef int (*kvm_irq_set_fn)(struct kvm_kernel_irq_routing_entry *e,
			      struct kvm *kvm, int irq_source_id, int level,
			      bool line_status);

/*
 * One routing entry. Immutable once its table is published; readers copy
 * it (kvm_irq_map_gsi) under irq_srcu and use the copy after unlocking.
 */
struct kvm_kernel_irq_routing_entry {
	/* every field: immutable once the table is published (see above) */
	u32 gsi;
	u32 type;			/* KVM_IRQ_ROUTING_IRQCHIP / _MSI; 0 = none */
	kvm_irq_set_fn set;
	union {
		struct {
			unsigned irqchip;
			unsigned pin;	/* PIC slave pins are stored as 8..15 */
		} irqchip;
		struct {
			u32 address_lo;
			u32 address_hi;
			u32 data;
			u32 flags;
			u32 devid;
		} msi;
	};
	struct hlist_node link;		/* in table->map[gsi]; immutable after publish */
};

/*
 * The routing table: kvm->irq_routing, read under irq_srcu, replaced (never
 * modified) under irq_lock, freed after an irq_srcu grace period.
 */
struct kvm_irq_routing_table {
	/* every field: immutable once published (see above) */
	int chip[KVM_NR_IRQCHIPS][KVM_IRQCHIP_NUM_PINS];	/* pin -> GSI, -1 = none */
	u32 nr_rt_entries;		/* map[] size: highest GSI + 1 */
	struct hlist_head map[];	/* per GSI: its entries (at most 3) */
};

/* An ack notifier: on kvm->irq_ack_notifier_list (irq_srcu; irq_lock to write). */
struct kvm_irq_ack_notifier {
	struct hlist_node link;		/* irq_srcu; irq_lock to write */
	unsigned gsi;			/* immutable while registered */
	/* immutable while registered */
	void (*irq_acked)(struct kvm_irq_ack_notifier *kian);
};

/* virt/kvm/irqchip.c (irqchip team) */
int kvm_irq_map_gsi(struct kvm *kvm, struct kvm_kernel_irq_routing_entry *entries, int gsi);
int kvm_irq_map_chip_pin(struct kvm *kvm, unsigned irqchip, unsigned pin);
int kvm_set_irq(struct kvm *kvm, int irq_source_id, u32 irq, int level, bool line_status);
int kvm_send_userspace_msi(struct kvm *kvm, struct kvm_msi *msi);
bool kvm_arch_can_set_irq_routing(struct kvm *kvm);
int kvm_set_irq_routing(struct kvm *kvm, const struct kvm_irq_routing_entry *entries,
			unsigned nr, unsigned flags);
int kvm_init_irq_routing(struct kvm *kvm);
int kvm_set_routing_entry(struct kvm *kvm, struct kvm_kernel_irq_routing_entry *e,
			  const struct kvm_irq_routing_entry *ue);
void kvm_free_irq_routing(struct kvm *kvm);
int kvm_arch_set_irq_inatomic(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
			      int irq_source_id, int level, bool line_status);
bool kvm_arch_irqfd_allowed(struct kvm *kvm, struct kvm_irqfd *args);
void kvm_arch_irq_routing_update(struct kvm *kvm);

/* virt/kvm/eventfd.c (eventfd team) */
void kvm_eventfd_init(struct kvm *kvm);
int kvm_irqfd_init(void);
void kvm_irqfd_exit(void);
int kvm_irqfd(struct kvm *kvm, struct kvm_irqfd *args);
void kvm_irqfd_release(struct kvm *kvm);
int kvm_ioeventfd(struct kvm *kvm, struct kvm_ioeventfd *args);
void kvm_irq_routing_update(struct kvm *kvm);
bool kvm_notify_irqfd_resampler(struct kvm *kvm, unsigned int irqchip, unsigned int pin);
void kvm_register_irq_ack_notifier(struct kvm *kvm, struct kvm_irq_ack_notifier *kian);
void kvm_unregister_irq_ack_notifier(struct kvm *kvm, struct kvm_irq_ack_notifier *kian);
void kvm_notify_acked_irq(struct kvm *kvm, unsigned irqchip, unsigned pin);
void kvm_notify_acked_gsi(struct kvm *kvm, int gsi);

/* virt/kvm/kvm_main.c io bus (eventfd team, model/iobus.c) */
int kvm_io_bus_write(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		     int len, const void *val);
int kvm_io_bus_read(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		    int len, void *val);

/* virt/kvm/kvm_main.c (irqchip team) */
struct kvm *kvm_create_vm(struct sim *sim, unsigned long type);
void kvm_destroy_vm(struct kvm *kvm);
int kvm_vm_release(struct kvm *kvm);
long kvm_vm_ioctl(struct kvm *kvm, unsigned int ioctl, unsigned long arg);
long kvm_vcpu_ioctl(struct kvm_vcpu *vcpu, unsigned int ioctl, unsigned long arg);
void kvm_vcpu_kick(struct kvm_vcpu *vcpu);
struct kvm_vcpu *kvm_get_vcpu_by_id(struct kvm *kvm, int id);

/* arch/x86/kvm/x86.c (irqchip team) */
void kvm_make_scan_ioapic_request(struct kvm *kvm);
void kvm_make_scan_ioapic_request_mask(struct kvm *kvm, unsigned long *vcpu_bitmap);

#endif
