// SPDX-License-Identifier: GPL-2.0-only
/*
 * Local APIC interrupt delivery, after arch/x86/kvm/lapic.c: destination
 * matching, the RCU-protected optimized APIC map, acceptance into IRR,
 * TPR/PPR, acknowledge (IRR -> ISR) and EOI (forwarded to the IOAPIC for
 * vectors in the EOI-exit bitmap), the register page and its MMIO window,
 * KVM_GET/SET_LAPIC. Not modelled: the APIC timer (TMICT/TDCR are stored
 * only), APICv/posted interrupts, PV EOI, Hyper-V SynIC.
 */
#include <string.h>

#include <kshim/kernel.h>
#include <kshim/slab.h>
#include <kshim/mutex.h>
#include <kshim/rcupdate.h>

#include "kvm_host.h"
#include "lapic.h"
#include "irq.h"
#include "ioapic.h"

#define APIC_VERSION		0x14UL

bool kvm_vector_hashing_enabled = true;

enum { CLEAN, UPDATE_IN_PROGRESS, DIRTY };	/* kvm->arch.apic_map_dirty */

enum {
	LVT_TIMER,
	LVT_THERMAL_MONITOR,
	LVT_PERFORMANCE_COUNTER,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	LVT_CMCI,
};

#define APIC_LVTx(x)	((x) == LVT_CMCI ? APIC_LVTCMCI : APIC_LVTT + 0x10 * (x))

#define LVT_MASK	(APIC_LVT_MASKED | APIC_SEND_PENDING | APIC_VECTOR_MASK)
#define LINT_MASK	(LVT_MASK | APIC_MODE_MASK | APIC_INPUT_POLARITY | \
			 APIC_LVT_REMOTE_IRR | APIC_LVT_LEVEL_TRIGGER)
#define APIC_LVT_TIMER_MODE_MASK	(3 << 17)	/* one-shot, periodic, TSC deadline */

static const unsigned int apic_lvt_mask[KVM_APIC_MAX_NR_LVT_ENTRIES] = {
	[LVT_TIMER] = LVT_MASK,
	[LVT_THERMAL_MONITOR] = LVT_MASK | APIC_MODE_MASK,
	[LVT_PERFORMANCE_COUNTER] = LVT_MASK | APIC_MODE_MASK,
	[LVT_LINT0] = LINT_MASK,
	[LVT_LINT1] = LINT_MASK,
	[LVT_ERROR] = LVT_MASK,
	[LVT_CMCI] = LVT_MASK | APIC_MODE_MASK,
};

static int __apic_accept_irq(struct kvm_lapic *apic, int delivery_mode,
			     int vector, int level, int trig_mode,
			     struct dest_map *dest_map);

/* kvm_x2apic_id(): KVM hard-wires the x2APIC id to the vCPU id. */
static inline u32 kvm_x2apic_id(struct kvm_lapic *apic)
{
	return apic->vcpu->vcpu_id;
}

/* kvm_apic_calc_x2apic_ldr() */
static inline u32 kvm_apic_calc_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1 << (id & 0xf));
}

/* apic_enabled(): hardware (base MSR) and software (SPIV) enabled */
static inline bool apic_enabled(struct kvm_lapic *apic)
{
	return kvm_apic_sw_enabled(apic) && kvm_apic_hw_enabled(apic);
}

/* find_nth_bit(), as used by kvm_vector_to_index() */
static unsigned long find_nth_set_bit(const unsigned long *bitmap,
				      unsigned long size, unsigned long n)
{
	unsigned long i;

	for_each_set_bit(i, bitmap, size) {
		if (!n--)
			return i;
	}
	return size;
}

/* kvm_apic_pending_eoi() */
bool kvm_apic_pending_eoi(struct kvm_vcpu *vcpu, int vector)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	return apic_test_vector(vector, (char *)apic->regs + APIC_ISR) ||
	       apic_test_vector(vector, (char *)apic->regs + APIC_IRR);
}

/* apic_find_highest_vector(): highest bit set in an IRR/ISR/TMR bank, or -1 */
static int apic_find_highest_vector(void *bitmap)
{
	int vec;

	for (vec = MAX_APIC_VECTOR - APIC_VECTORS_PER_REG; vec >= 0;
	     vec -= APIC_VECTORS_PER_REG) {
		u32 reg = (u32)READ_ONCE(*apic_vector_word(vec, bitmap));

		if (reg)
			return fls(reg) - 1 + vec;
	}
	return -1;
}

/* count_vectors() */
static int count_vectors(void *bitmap)
{
	int vec, count = 0;

	for (vec = 0; vec < MAX_APIC_VECTOR; vec += APIC_VECTORS_PER_REG)
		count += hweight32((u32)READ_ONCE(*apic_vector_word(vec, bitmap)));
	return count;
}

/* apic_find_highest_irr() */
static int apic_find_highest_irr(struct kvm_lapic *apic)
{
	if (!READ_ONCE(apic->irr_pending))
		return -1;
	return apic_find_highest_vector((char *)apic->regs + APIC_IRR);
}

/* apic_clear_irr() (APICv inactive) */
static void apic_clear_irr(int vec, struct kvm_lapic *apic)
{
	WRITE_ONCE(apic->irr_pending, false);
	apic_clear_vector(vec, (char *)apic->regs + APIC_IRR);
	if (apic_find_highest_vector((char *)apic->regs + APIC_IRR) != -1)
		WRITE_ONCE(apic->irr_pending, true);
}

/* kvm_lapic_set_irr(): any task may post a vector */
static void kvm_lapic_set_irr(int vec, struct kvm_lapic *apic)
{
	apic_set_vector(vec, (char *)apic->regs + APIC_IRR);
	smp_mb__after_atomic();
	WRITE_ONCE(apic->irr_pending, true);
}

/* apic_set_isr() (APICv inactive) */
static void apic_set_isr(int vec, struct kvm_lapic *apic)
{
	unsigned long *word = apic_vector_word(vec, (char *)apic->regs + APIC_ISR);

	if (__test_and_set_bit(APIC_VECTOR_TO_BIT_NUMBER(vec), word))
		return;
	++apic->isr_count;
	BUG_ON(apic->isr_count > MAX_APIC_VECTOR);
	/* The highest pending vector is the one injected, so it is the highest ISR bit. */
	apic->highest_isr_cache = vec;
}

/* apic_find_highest_isr() */
static int apic_find_highest_isr(struct kvm_lapic *apic)
{
	if (!apic->isr_count)
		return -1;
	if (likely(apic->highest_isr_cache != -1))
		return apic->highest_isr_cache;
	return apic_find_highest_vector((char *)apic->regs + APIC_ISR);
}

/* apic_clear_isr() (APICv inactive) */
static void apic_clear_isr(int vec, struct kvm_lapic *apic)
{
	unsigned long *word = apic_vector_word(vec, (char *)apic->regs + APIC_ISR);

	if (!__test_and_clear_bit(APIC_VECTOR_TO_BIT_NUMBER(vec), word))
		return;
	--apic->isr_count;
	BUG_ON(apic->isr_count < 0);
	apic->highest_isr_cache = -1;
}

/* apic_has_interrupt_for_ppr() */
static int apic_has_interrupt_for_ppr(struct kvm_lapic *apic, u32 ppr)
{
	int highest_irr = apic_find_highest_irr(apic);

	if (highest_irr == -1 || (u32)(highest_irr & 0xF0) <= ppr)
		return -1;
	return highest_irr;
}

/* __apic_update_ppr(): PPR = max(TPR, class of the highest ISR vector) */
static bool __apic_update_ppr(struct kvm_lapic *apic, u32 *new_ppr)
{
	u32 tpr, isrv, ppr, old_ppr;
	int isr;

	old_ppr = kvm_lapic_get_reg(apic, APIC_PROCPRI);
	tpr = kvm_lapic_get_reg(apic, APIC_TASKPRI);
	isr = apic_find_highest_isr(apic);
	isrv = (isr != -1) ? (u32)isr : 0;

	if ((tpr & 0xf0) >= (isrv & 0xf0))
		ppr = tpr & 0xff;
	else
		ppr = isrv & 0xf0;

	*new_ppr = ppr;
	if (old_ppr != ppr)
		kvm_lapic_set_reg(apic, APIC_PROCPRI, ppr);
	return ppr < old_ppr;
}

/* apic_update_ppr() */
static void apic_update_ppr(struct kvm_lapic *apic)
{
	u32 ppr;

	if (__apic_update_ppr(apic, &ppr) &&
	    apic_has_interrupt_for_ppr(apic, ppr) != -1)
		kvm_make_request(KVM_REQ_EVENT, apic->vcpu);
}

/* kvm_apic_update_ppr() */
void kvm_apic_update_ppr(struct kvm_vcpu *vcpu)
{
	apic_update_ppr(vcpu->arch.apic);
}

/* apic_set_tpr() */
static void apic_set_tpr(struct kvm_lapic *apic, u32 tpr)
{
	kvm_lapic_set_reg(apic, APIC_TASKPRI, tpr);
	apic_update_ppr(apic);
}

/* ---- destination matching (slow path) -------------------------------- */

/* kvm_apic_broadcast() */
static bool kvm_apic_broadcast(struct kvm_lapic *apic, u32 mda)
{
	return mda == (apic_x2apic_mode(apic) ? X2APIC_BROADCAST : APIC_BROADCAST);
}

/* kvm_apic_match_physical_addr() */
static bool kvm_apic_match_physical_addr(struct kvm_lapic *apic, u32 mda)
{
	if (kvm_apic_broadcast(apic, mda))
		return true;
	/*
	 * Hot-plug hack: an id that cannot be encoded in xAPIC form matches the
	 * x2APIC id even of an APIC still in xAPIC mode.
	 */
	if (apic_x2apic_mode(apic) || mda > 0xff)
		return mda == kvm_x2apic_id(apic);
	return mda == kvm_xapic_id(apic);
}

/* kvm_apic_match_logical_addr() */
static bool kvm_apic_match_logical_addr(struct kvm_lapic *apic, u32 mda)
{
	u32 logical_id;

	if (kvm_apic_broadcast(apic, mda))
		return true;

	logical_id = kvm_lapic_get_reg(apic, APIC_LDR);

	if (apic_x2apic_mode(apic))
		return ((logical_id >> 16) == (mda >> 16)) &&
		       (logical_id & mda & 0xffff) != 0;

	logical_id = GET_APIC_LOGICAL_ID(logical_id);

	switch (kvm_lapic_get_reg(apic, APIC_DFR)) {
	case APIC_DFR_FLAT:
		return (logical_id & mda) != 0;
	case APIC_DFR_CLUSTER:
		return ((logical_id >> 4) == (mda >> 4)) &&
		       (logical_id & mda & 0xf) != 0;
	default:
		return false;
	}
}

/*
 * kvm_apic_mda(): without interrupt remapping an IOAPIC/MSI broadcast (0xff)
 * must still reach x2APIC-mode APICs, so non-IPI 0xff becomes 0xffffffff
 * unless userspace disabled that quirk.
 */
static u32 kvm_apic_mda(struct kvm_vcpu *vcpu, unsigned int dest_id,
			struct kvm_lapic *source, struct kvm_lapic *target)
{
	bool ipi = source != NULL;

	if (!vcpu->kvm->arch.x2apic_broadcast_quirk_disabled &&
	    !ipi && dest_id == APIC_BROADCAST && apic_x2apic_mode(target))
		return X2APIC_BROADCAST;
	return dest_id;
}

/* kvm_apic_match_dest() */
bool kvm_apic_match_dest(struct kvm_vcpu *vcpu, struct kvm_lapic *source,
			 int shorthand, unsigned int dest, int dest_mode)
{
	struct kvm_lapic *target = vcpu->arch.apic;
	u32 mda = kvm_apic_mda(vcpu, dest, source, target);

	switch (shorthand) {
	case APIC_DEST_NOSHORT:
		if (dest_mode == APIC_DEST_PHYSICAL)
			return kvm_apic_match_physical_addr(target, mda);
		return kvm_apic_match_logical_addr(target, mda);
	case APIC_DEST_SELF:
		return target == source;
	case APIC_DEST_ALLINC:
		return true;
	case APIC_DEST_ALLBUT:
		return target != source;
	default:
		return false;
	}
}

/* kvm_vector_to_index(): the (vector mod count)-th candidate */
static int kvm_vector_to_index(u32 vector, u32 dest_vcpus,
			       const unsigned long *bitmap, u32 bitmap_size)
{
	unsigned long idx = find_nth_set_bit(bitmap, bitmap_size, vector % dest_vcpus);

	BUG_ON(idx >= bitmap_size);
	return (int)idx;
}

/* kvm_apic_disabled_lapic_found() */
static void kvm_apic_disabled_lapic_found(struct kvm *kvm)
{
	if (!READ_ONCE(kvm->arch.disabled_lapic_found)) {
		WRITE_ONCE(kvm->arch.disabled_lapic_found, true);
		pr_info("Disabled LAPIC found during irq injection\n");
	}
}

/* kvm_lowest_prio_delivery() */
static bool kvm_lowest_prio_delivery(struct kvm_lapic_irq *irq)
{
	return irq->delivery_mode == APIC_DM_LOWEST || irq->msi_redir_hint;
}

/* kvm_apic_compare_prio() */
static int kvm_apic_compare_prio(struct kvm_vcpu *vcpu1, struct kvm_vcpu *vcpu2)
{
	return READ_ONCE(vcpu1->arch.apic_arb_prio) - READ_ONCE(vcpu2->arch.apic_arb_prio);
}

/* ---- the optimized map (RCU) ----------------------------------------- */

/* kvm_apic_map_get_logical_dest() */
static bool kvm_apic_map_get_logical_dest(struct kvm_apic_map *map, u32 dest_id,
					  struct kvm_lapic ***cluster, u16 *mask)
{
	switch (map->logical_mode) {
	case KVM_APIC_MODE_SW_DISABLED:
		/* Any non-NULL cluster will do: the mask is empty. */
		*cluster = map->xapic_flat_map;
		*mask = 0;
		return true;
	case KVM_APIC_MODE_X2APIC: {
		u32 offset = (dest_id >> 16) * 16;
		u32 max_apic_id = map->max_apic_id;

		if (offset <= max_apic_id) {
			u8 cluster_size = min(max_apic_id - offset + 1, 16U);

			offset = array_index_nospec(offset, map->max_apic_id + 1);
			*cluster = &map->phys_map[offset];
			*mask = dest_id & (0xffff >> (16 - cluster_size));
		} else {
			*mask = 0;
		}
		return true;
	}
	case KVM_APIC_MODE_XAPIC_FLAT:
		*cluster = map->xapic_flat_map;
		*mask = dest_id & 0xff;
		return true;
	case KVM_APIC_MODE_XAPIC_CLUSTER:
		*cluster = map->xapic_cluster_map[(dest_id >> 4) & 0xf];
		*mask = dest_id & 0xf;
		return true;
	case KVM_APIC_MODE_MAP_DISABLED:
		return false;
	default:
		WARN_ON_ONCE(1);
		return false;
	}
}

/* kvm_recalculate_phys_map() */
static int kvm_recalculate_phys_map(struct kvm_apic_map *new, struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 x2apic_id = kvm_x2apic_id(apic);
	u32 xapic_id = kvm_xapic_id(apic);
	u32 physical_id;

	if (WARN_ON_ONCE(xapic_id > new->max_apic_id))
		return -EINVAL;

	/* A vCPU appeared (or enabled its APIC) after the map was sized. */
	if (x2apic_id > new->max_apic_id)
		return -E2BIG;

	if (vcpu->kvm->arch.x2apic_format) {
		/* x2APIC ids win; aliased xAPIC ids are ignored (hot-plug hack). */
		if (apic_x2apic_mode(apic) || x2apic_id > 0xff)
			new->phys_map[x2apic_id] = apic;
		if (!apic_x2apic_mode(apic) && !new->phys_map[xapic_id])
			new->phys_map[xapic_id] = apic;
	} else {
		/* The map needs a 1:1 id -> vCPU mapping: aliasing disables it. */
		physical_id = apic_x2apic_mode(apic) ? x2apic_id : xapic_id;
		if (new->phys_map[physical_id])
			return -EINVAL;
		new->phys_map[physical_id] = apic;
	}
	return 0;
}

/* kvm_recalculate_logical_map() */
static void kvm_recalculate_logical_map(struct kvm_apic_map *new, struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	enum kvm_apic_logical_mode logical_mode;
	struct kvm_lapic **cluster;
	u16 mask;
	u32 ldr;

	if (new->logical_mode == KVM_APIC_MODE_MAP_DISABLED)
		return;
	if (!kvm_apic_sw_enabled(apic))
		return;

	ldr = kvm_lapic_get_reg(apic, APIC_LDR);
	if (!ldr)
		return;

	if (apic_x2apic_mode(apic)) {
		logical_mode = KVM_APIC_MODE_X2APIC;
	} else {
		ldr = GET_APIC_LOGICAL_ID(ldr);
		if (kvm_lapic_get_reg(apic, APIC_DFR) == APIC_DFR_FLAT)
			logical_mode = KVM_APIC_MODE_XAPIC_FLAT;
		else
			logical_mode = KVM_APIC_MODE_XAPIC_CLUSTER;
	}

	/* Every software-enabled APIC must use the same logical mode. */
	if (new->logical_mode == KVM_APIC_MODE_SW_DISABLED) {
		new->logical_mode = logical_mode;
	} else if (new->logical_mode != logical_mode) {
		new->logical_mode = KVM_APIC_MODE_MAP_DISABLED;
		return;
	}

	/* x2APIC logical ids derive from the x2APIC id: phys_map serves them. */
	if (apic_x2apic_mode(apic))
		return;

	if (WARN_ON_ONCE(!kvm_apic_map_get_logical_dest(new, ldr, &cluster, &mask))) {
		new->logical_mode = KVM_APIC_MODE_MAP_DISABLED;
		return;
	}
	if (!mask)
		return;

	ldr = ffs(mask) - 1;
	if (hweight16(mask) != 1 || cluster[ldr])
		new->logical_mode = KVM_APIC_MODE_MAP_DISABLED;
	else
		cluster[ldr] = apic;
}

/*
 * kvm_recalculate_apic_map(): rebuild and publish the map if something
 * marked it dirty. CLEAN -> DIRTY happens without a lock; DIRTY ->
 * UPDATE_IN_PROGRESS -> CLEAN under apic_map_lock.
 */
void kvm_recalculate_apic_map(struct kvm *kvm)
{
	struct kvm_apic_map *new, *old = NULL;
	struct kvm_vcpu *vcpu;
	unsigned long i;
	u32 max_id = 255;	/* room for any xAPIC id */
	int r;

	if (atomic_read_acquire(&kvm->arch.apic_map_dirty) == CLEAN)
		return;

	WARN_ONCE(!irqchip_in_kernel(kvm), "Dirty APIC map without an in-kernel local APIC");

	mutex_lock(&kvm->arch.apic_map_lock);
retry:
	if (atomic_cmpxchg(&kvm->arch.apic_map_dirty, DIRTY, UPDATE_IN_PROGRESS) == CLEAN) {
		/* Someone else has updated the map. */
		mutex_unlock(&kvm->arch.apic_map_lock);
		return;
	}

	/* max_id never shrinks between attempts, so the retry terminates. */
	kvm_for_each_vcpu(i, vcpu, kvm)
		if (kvm_apic_present(vcpu))
			max_id = max(max_id, kvm_x2apic_id(vcpu->arch.apic));

	new = kvzalloc(sizeof(struct kvm_apic_map) +
		       sizeof(struct kvm_lapic *) * ((u64)max_id + 1), GFP_KERNEL_ACCOUNT);
	if (!new)
		goto out;

	new->max_apic_id = max_id;
	new->logical_mode = KVM_APIC_MODE_SW_DISABLED;

	kvm_for_each_vcpu(i, vcpu, kvm) {
		if (!kvm_apic_present(vcpu))
			continue;

		r = kvm_recalculate_phys_map(new, vcpu);
		if (r) {
			kvfree(new);
			new = NULL;
			if (r == -E2BIG)
				goto retry;
			goto out;
		}
		kvm_recalculate_logical_map(new, vcpu);
	}
out:
	old = rcu_dereference_protected(kvm->arch.apic_map,
					lockdep_is_held(&kvm->arch.apic_map_lock));
	rcu_assign_pointer(kvm->arch.apic_map, new);
	/* Publish the map before marking it clean; a newer update stays DIRTY. */
	atomic_cmpxchg(&kvm->arch.apic_map_dirty, UPDATE_IN_PROGRESS, CLEAN);
	mutex_unlock(&kvm->arch.apic_map_lock);
	kvm_stat_inc(kvm, apic_map_rebuilds);

	if (old)
		kvfree_rcu(old, rcu);

	kvm_make_scan_ioapic_request(kvm);
}

/* kvm_free_apic_map(): the VM is going away, no reader is left */
void kvm_free_apic_map(struct kvm *kvm)
{
	kvfree(rcu_dereference_protected(kvm->arch.apic_map, 1));
	RCU_INIT_POINTER(kvm->arch.apic_map, NULL);
}

/* kvm_apic_is_broadcast_dest() */
static bool kvm_apic_is_broadcast_dest(struct kvm *kvm, struct kvm_lapic **src,
				       struct kvm_lapic_irq *irq, struct kvm_apic_map *map)
{
	if (kvm->arch.x2apic_broadcast_quirk_disabled) {
		if (irq->dest_id == APIC_BROADCAST &&
		    map->logical_mode != KVM_APIC_MODE_X2APIC)
			return true;
		if (irq->dest_id == X2APIC_BROADCAST)
			return true;
	} else {
		bool x2apic_ipi = src && *src && apic_x2apic_mode(*src);

		if (irq->dest_id == (x2apic_ipi ? X2APIC_BROADCAST : APIC_BROADCAST))
			return true;
	}
	return false;
}

/*
 * kvm_apic_map_get_dest_lapic(): true if the map resolved the destination
 * into (*dst, *bitmap); a zero bitmap then means "drop". False: use the
 * slow path.
 */
static bool kvm_apic_map_get_dest_lapic(struct kvm *kvm, struct kvm_lapic **src,
					struct kvm_lapic_irq *irq, struct kvm_apic_map *map,
					struct kvm_lapic ***dst, unsigned long *bitmap)
{
	unsigned long i;
	int lowest;
	u16 mask;

	if (irq->shorthand == APIC_DEST_SELF && src) {
		*dst = src;
		*bitmap = 1;
		return true;
	} else if (irq->shorthand) {
		return false;
	}

	if (!map || kvm_apic_is_broadcast_dest(kvm, src, irq, map))
		return false;

	if (irq->dest_mode == APIC_DEST_PHYSICAL) {
		if (irq->dest_id > map->max_apic_id) {
			*bitmap = 0;
		} else {
			u32 dest_id = array_index_nospec(irq->dest_id, map->max_apic_id + 1);

			*dst = &map->phys_map[dest_id];
			*bitmap = 1;
		}
		return true;
	}

	*bitmap = 0;
	if (!kvm_apic_map_get_logical_dest(map, irq->dest_id, dst, &mask))
		return false;
	*bitmap = mask;

	if (!kvm_lowest_prio_delivery(irq))
		return true;

	if (!kvm_vector_hashing_enabled) {
		lowest = -1;
		for_each_set_bit(i, bitmap, 16) {
			if (!(*dst)[i])
				continue;
			if (lowest < 0)
				lowest = i;
			else if (kvm_apic_compare_prio((*dst)[i]->vcpu,
						       (*dst)[lowest]->vcpu) < 0)
				lowest = i;
		}
	} else {
		if (!*bitmap)
			return true;

		lowest = kvm_vector_to_index(irq->vector, hweight16(*bitmap), bitmap, 16);
		if (!(*dst)[lowest]) {
			kvm_apic_disabled_lapic_found(kvm);
			*bitmap = 0;
			return true;
		}
	}

	*bitmap = (lowest >= 0) ? 1UL << lowest : 0;
	return true;
}

/*
 * kvm_irq_delivery_to_apic_fast(): deliver through the map; its cost does
 * not depend on the number of vCPUs. *r is the number of acceptances.
 */
bool kvm_irq_delivery_to_apic_fast(struct kvm *kvm, struct kvm_lapic *src,
				   struct kvm_lapic_irq *irq, int *r,
				   struct dest_map *dest_map)
{
	struct kvm_apic_map *map;
	unsigned long bitmap, i;
	struct kvm_lapic **dst = NULL;
	bool ret;

	*r = -1;

	if (irq->shorthand == APIC_DEST_SELF) {
		if (WARN_ON_ONCE(!src)) {	/* KVM_BUG_ON */
			*r = 0;
			return true;
		}
		*r = kvm_apic_set_irq(src->vcpu, irq, dest_map);
		return true;
	}

	rcu_read_lock();
	map = rcu_dereference(kvm->arch.apic_map);

	ret = kvm_apic_map_get_dest_lapic(kvm, &src, irq, map, &dst, &bitmap);
	if (ret) {
		*r = 0;
		for_each_set_bit(i, &bitmap, 16) {
			if (!dst[i])
				continue;
			*r += kvm_apic_set_irq(dst[i]->vcpu, irq, dest_map);
		}
		kvm_stat_inc(kvm, apic_fast_path);
	}

	rcu_read_unlock();
	return ret;
}

/* kvm_irq_delivery_to_apic(): fast path, else walk every vCPU */
int kvm_irq_delivery_to_apic(struct kvm *kvm, struct kvm_lapic *src,
			     struct kvm_lapic_irq *irq, struct dest_map *dest_map)
{
	int r = -1;
	struct kvm_vcpu *vcpu, *lowest = NULL;
	unsigned long i, dest_vcpu_bitmap[BITS_TO_LONGS(KVM_MAX_VCPUS)];
	unsigned int dest_vcpus = 0;

	if (kvm_irq_delivery_to_apic_fast(kvm, src, irq, &r, dest_map))
		return r;

	kvm_stat_inc(kvm, apic_slow_path);

	if (irq->dest_mode == APIC_DEST_PHYSICAL &&
	    irq->dest_id == 0xff && kvm_lowest_prio_delivery(irq)) {
		pr_info("apic: phys broadcast and lowest prio\n");
		irq->delivery_mode = APIC_DM_FIXED;
	}

	memset(dest_vcpu_bitmap, 0, sizeof(dest_vcpu_bitmap));

	kvm_for_each_vcpu(i, vcpu, kvm) {
		if (!kvm_apic_present(vcpu))
			continue;
		if (!kvm_apic_match_dest(vcpu, src, irq->shorthand,
					 irq->dest_id, irq->dest_mode))
			continue;

		if (!kvm_lowest_prio_delivery(irq)) {
			if (r < 0)
				r = 0;
			r += kvm_apic_set_irq(vcpu, irq, dest_map);
		} else if (kvm_apic_sw_enabled(vcpu->arch.apic)) {
			if (!kvm_vector_hashing_enabled) {
				if (!lowest)
					lowest = vcpu;
				else if (kvm_apic_compare_prio(vcpu, lowest) < 0)
					lowest = vcpu;
			} else {
				__set_bit(i, dest_vcpu_bitmap);
				dest_vcpus++;
			}
		}
	}

	if (dest_vcpus != 0) {
		int idx = kvm_vector_to_index(irq->vector, dest_vcpus,
					      dest_vcpu_bitmap, KVM_MAX_VCPUS);

		lowest = kvm_get_vcpu(kvm, idx);
	}

	if (lowest)
		r = kvm_apic_set_irq(lowest, irq, dest_map);

	return r;
}

/* kvm_bitmap_or_dest_vcpus(): the vCPUs an IOAPIC entry targets (by index) */
void kvm_bitmap_or_dest_vcpus(struct kvm *kvm, struct kvm_lapic_irq *irq,
			      unsigned long *vcpu_bitmap)
{
	struct kvm_lapic **dest_vcpu = NULL;
	struct kvm_lapic *src = NULL;
	struct kvm_apic_map *map;
	struct kvm_vcpu *vcpu;
	unsigned long bitmap, i;
	bool ret;

	rcu_read_lock();
	map = rcu_dereference(kvm->arch.apic_map);

	ret = kvm_apic_map_get_dest_lapic(kvm, &src, irq, map, &dest_vcpu, &bitmap);
	if (ret) {
		for_each_set_bit(i, &bitmap, 16) {
			if (!dest_vcpu[i])
				continue;
			__set_bit(dest_vcpu[i]->vcpu->vcpu_idx, vcpu_bitmap);
		}
	} else {
		kvm_for_each_vcpu(i, vcpu, kvm) {
			if (!kvm_apic_present(vcpu))
				continue;
			if (!kvm_apic_match_dest(vcpu, NULL, irq->shorthand,
						 irq->dest_id, irq->dest_mode))
				continue;
			__set_bit(i, vcpu_bitmap);
		}
	}
	rcu_read_unlock();
}

/* ---- acceptance ------------------------------------------------------ */

/* kvm_vcpu_kick(): no vCPU thread to IPI; count it */
void kvm_vcpu_kick(struct kvm_vcpu *vcpu)
{
	atomic_inc(&vcpu->kicks);
}

/* kvm_apic_set_irq() */
int kvm_apic_set_irq(struct kvm_vcpu *vcpu, struct kvm_lapic_irq *irq,
		     struct dest_map *dest_map)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	return __apic_accept_irq(apic, irq->delivery_mode, irq->vector,
				 irq->level, irq->trig_mode, dest_map);
}

/* __apic_accept_irq(): 1 if the interrupt was accepted, 0 if discarded */
static int __apic_accept_irq(struct kvm_lapic *apic, int delivery_mode,
			     int vector, int level, int trig_mode,
			     struct dest_map *dest_map)
{
	struct kvm_vcpu *vcpu = apic->vcpu;
	struct kvm *kvm = vcpu->kvm;
	int result = 0;

	sim_trace_instant("irq", "apic_accept_irq", "vcpu=%d dm=%#x vec=%#x trig=%d",
			  vcpu->vcpu_id, delivery_mode, vector, trig_mode);

	switch (delivery_mode) {
	case APIC_DM_LOWEST:
		WRITE_ONCE(vcpu->arch.apic_arb_prio, READ_ONCE(vcpu->arch.apic_arb_prio) + 1);
		fallthrough;
	case APIC_DM_FIXED:
		if (unlikely(trig_mode && !level))
			break;
		if (unlikely(!apic_enabled(apic))) {
			kvm_stat_inc(kvm, lapic_dropped);
			break;
		}
		result = 1;

		if (dest_map) {
			__set_bit(vcpu->vcpu_id, dest_map->map);
			dest_map->vectors[vcpu->vcpu_id] = vector;
		}

		if (apic_test_vector(vector, (char *)apic->regs + APIC_TMR) != !!trig_mode) {
			if (trig_mode)
				apic_set_vector(vector, (char *)apic->regs + APIC_TMR);
			else
				apic_clear_vector(vector, (char *)apic->regs + APIC_TMR);
		}

		/* deliver_interrupt() without APICv */
		kvm_lapic_set_irr(vector, apic);
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		kvm_vcpu_kick(vcpu);
		break;

	case APIC_DM_REMRD:
		result = 1;
		WRITE_ONCE(vcpu->arch.pv_unhalted, true);
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		kvm_vcpu_kick(vcpu);
		break;

	case APIC_DM_SMI:
		/* kvm_inject_smi() with CONFIG_KVM_SMM: always queued */
		atomic_inc(&vcpu->arch.smi_pending);
		kvm_vcpu_kick(vcpu);
		result = 1;
		break;

	case APIC_DM_NMI:
		result = 1;
		atomic_inc(&vcpu->arch.nmi_queued);	/* kvm_inject_nmi() */
		kvm_stat_inc(kvm, lapic_nmi);
		kvm_vcpu_kick(vcpu);
		break;

	case APIC_DM_INIT:
		if (!trig_mode || level) {
			result = 1;
			/* only INIT and SIPI exist: INIT replaces both */
			WRITE_ONCE(apic->pending_events, 1UL << KVM_APIC_INIT);
			kvm_make_request(KVM_REQ_EVENT, vcpu);
			kvm_vcpu_kick(vcpu);
		}
		break;

	case APIC_DM_STARTUP:
		result = 1;
		WRITE_ONCE(apic->sipi_vector, vector);
		smp_wmb();	/* the vector before the pending bit */
		set_bit(KVM_APIC_SIPI, &apic->pending_events);
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		kvm_vcpu_kick(vcpu);
		break;

	case APIC_DM_EXTINT:
		/* Reached only through LVT0, which kvm_apic_accept_pic_intr() handles. */
		break;

	default:
		printk(KERN_ERR "TODO: unsupported delivery mode %x\n", delivery_mode);
		break;
	}

	if (result)
		kvm_stat_inc(kvm, lapic_accepted);
	return result;
}

/* ---- EOI ------------------------------------------------------------- */

/* kvm_ioapic_handles_vector() */
static bool kvm_ioapic_handles_vector(struct kvm_lapic *apic, int vector)
{
	return test_bit(vector, apic->vcpu->arch.ioapic_handled_vectors);
}

/* kvm_ioapic_send_eoi(): forward the EOI if the vector is in the EOI-exit bitmap */
static void kvm_ioapic_send_eoi(struct kvm_lapic *apic, int vector)
{
	struct kvm_vcpu *vcpu = apic->vcpu;
	int trigger_mode;

	if (!kvm_ioapic_handles_vector(apic, vector))
		return;

	/* An EOI for an IRQ of the old routing: the bitmap may now shrink. */
	if (vcpu->arch.highest_stale_pending_ioapic_eoi == vector)
		kvm_make_request(KVM_REQ_SCAN_IOAPIC, vcpu);

	if (irqchip_split(vcpu->kvm)) {
		/* KVM_EXIT_IOAPIC_EOI to the userspace IOAPIC */
		vcpu->arch.pending_ioapic_eoi = vector;
		kvm_make_request(KVM_REQ_IOAPIC_EOI_EXIT, vcpu);
		return;
	}

	if (apic_test_vector(vector, (char *)apic->regs + APIC_TMR))
		trigger_mode = IOAPIC_LEVEL_TRIG;
	else
		trigger_mode = IOAPIC_EDGE_TRIG;

	kvm_ioapic_update_eoi(vcpu, vector, trigger_mode);
}

/* apic_set_eoi(): retire the highest in-service vector */
static int apic_set_eoi(struct kvm_lapic *apic)
{
	int vector = apic_find_highest_isr(apic);

	sim_trace_instant("irq", "apic_eoi", "vcpu=%d vec=%d", apic->vcpu->vcpu_id, vector);

	/* Not every EOI write has an in-service vector behind it. */
	if (vector == -1)
		return vector;

	apic_clear_isr(vector, apic);
	apic_update_ppr(apic);
	kvm_stat_inc(apic->vcpu->kvm, lapic_eoi);

	kvm_ioapic_send_eoi(apic, vector);
	kvm_make_request(KVM_REQ_EVENT, apic->vcpu);
	return vector;
}

/* kvm_lapic_set_eoi() */
void kvm_lapic_set_eoi(struct kvm_vcpu *vcpu)
{
	kvm_lapic_reg_write(vcpu->arch.apic, APIC_EOI, 0);
}

/* ---- IPIs ------------------------------------------------------------ */

/* kvm_icr_to_lapic_irq() */
static void kvm_icr_to_lapic_irq(struct kvm_lapic *apic, u32 icr_low, u32 icr_high,
				 struct kvm_lapic_irq *irq)
{
	WARN_ON_ONCE(icr_low & APIC_ICR_BUSY);

	irq->vector = icr_low & APIC_VECTOR_MASK;
	irq->delivery_mode = icr_low & APIC_MODE_MASK;
	irq->dest_mode = icr_low & APIC_DEST_MASK;
	irq->level = (icr_low & APIC_INT_ASSERT) != 0;
	irq->trig_mode = icr_low & APIC_INT_LEVELTRIG;
	irq->shorthand = icr_low & APIC_SHORT_MASK;
	irq->msi_redir_hint = false;
	if (apic_x2apic_mode(apic))
		irq->dest_id = icr_high;
	else
		irq->dest_id = GET_XAPIC_DEST_FIELD(icr_high);
}

/* kvm_apic_send_ipi() */
void kvm_apic_send_ipi(struct kvm_lapic *apic, u32 icr_low, u32 icr_high)
{
	struct kvm_lapic_irq irq;

	kvm_icr_to_lapic_irq(apic, icr_low, icr_high, &irq);
	kvm_irq_delivery_to_apic(apic->vcpu->kvm, apic, &irq, NULL);
}

/* ---- the register page ----------------------------------------------- */

/* apic_set_spiv(): a software-enable change reshapes the logical map */
static void apic_set_spiv(struct kvm_lapic *apic, u32 val)
{
	bool enabled = val & APIC_SPIV_APIC_ENABLED;

	kvm_lapic_set_reg(apic, APIC_SPIV, val);

	if (enabled != apic->sw_enabled) {
		WRITE_ONCE(apic->sw_enabled, enabled);
		atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
	}
}

/* kvm_apic_set_xapic_id() */
static void kvm_apic_set_xapic_id(struct kvm_lapic *apic, u8 id)
{
	kvm_lapic_set_reg(apic, APIC_ID, (u32)id << 24);
	atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
}

/* kvm_apic_set_ldr() */
static void kvm_apic_set_ldr(struct kvm_lapic *apic, u32 id)
{
	kvm_lapic_set_reg(apic, APIC_LDR, id);
	atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
}

/* kvm_apic_set_dfr() */
static void kvm_apic_set_dfr(struct kvm_lapic *apic, u32 val)
{
	kvm_lapic_set_reg(apic, APIC_DFR, val);
	atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
}

/* kvm_apic_set_x2apic_id(): the LDR is derived from the id in x2APIC mode */
static void kvm_apic_set_x2apic_id(struct kvm_lapic *apic, u32 id)
{
	u32 ldr = kvm_apic_calc_x2apic_ldr(id);

	WARN_ON_ONCE(id != (u32)apic->vcpu->vcpu_id);

	kvm_lapic_set_reg(apic, APIC_ID, id);
	kvm_lapic_set_reg(apic, APIC_LDR, ldr);
	atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
}

/*
 * kvm_apic_set_version(): directed EOI is advertised only when the IOAPIC
 * is not in the kernel (the guest CPUID is assumed to have x2APIC).
 */
static void kvm_apic_set_version(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 v;

	if (!lapic_in_kernel(vcpu))
		return;

	v = APIC_VERSION | ((apic->nr_lvt_entries - 1) << 16);
	if (!irqchip_full(vcpu->kvm))
		v |= APIC_LVR_DIRECTED_EOI;
	kvm_lapic_set_reg(apic, APIC_LVR, v);
}

/* apic_manage_nmi_watchdog() (the per-VM count is not modelled) */
static void apic_manage_nmi_watchdog(struct kvm_lapic *apic, u32 lvt0_val)
{
	apic->lvt0_in_nmi_mode = (lvt0_val & (APIC_MODE_MASK | APIC_LVT_MASKED)) ==
				 APIC_DM_NMI;
}

/* get_lvt_index() */
static int get_lvt_index(u32 reg)
{
	if (reg == APIC_LVTCMCI)
		return LVT_CMCI;
	if (reg < APIC_LVTT || reg > APIC_LVTERR)
		return -1;
	return array_index_nospec((reg - APIC_LVTT) >> 4, (u32)KVM_APIC_MAX_NR_LVT_ENTRIES);
}

/* kvm_lapic_reg_write(): 0 done, 1 invalid register/value (#GP for an MSR write) */
int kvm_lapic_reg_write(struct kvm_lapic *apic, u32 reg, u32 val)
{
	int ret = 0;

	switch (reg) {
	case APIC_ID:
		if (!apic_x2apic_mode(apic))
			kvm_apic_set_xapic_id(apic, val >> 24);
		else
			ret = 1;
		break;

	case APIC_TASKPRI:
		apic_set_tpr(apic, val & 0xff);
		break;

	case APIC_EOI:
		apic_set_eoi(apic);
		break;

	case APIC_LDR:
		if (!apic_x2apic_mode(apic))
			kvm_apic_set_ldr(apic, val & APIC_LDR_MASK);
		else
			ret = 1;
		break;

	case APIC_DFR:
		if (!apic_x2apic_mode(apic))
			kvm_apic_set_dfr(apic, val | 0x0FFFFFFF);
		else
			ret = 1;
		break;

	case APIC_SPIV: {
		u32 mask = 0x3ff;
		int i;

		if (kvm_lapic_get_reg(apic, APIC_LVR) & APIC_LVR_DIRECTED_EOI)
			mask |= APIC_SPIV_DIRECTED_EOI;
		apic_set_spiv(apic, val & mask);
		if (!(val & APIC_SPIV_APIC_ENABLED)) {
			for (i = 0; i < apic->nr_lvt_entries; i++)
				kvm_lapic_set_reg(apic, APIC_LVTx(i),
						  kvm_lapic_get_reg(apic, APIC_LVTx(i)) |
						  APIC_LVT_MASKED);
		}
		break;
	}

	case APIC_ICR:
		WARN_ON_ONCE(apic_x2apic_mode(apic));
		/* Delivery is immediate: the busy bit is always clear. */
		val &= ~APIC_ICR_BUSY;
		kvm_apic_send_ipi(apic, val, kvm_lapic_get_reg(apic, APIC_ICR2));
		kvm_lapic_set_reg(apic, APIC_ICR, val);
		break;

	case APIC_ICR2:
		if (apic_x2apic_mode(apic))
			ret = 1;
		else
			kvm_lapic_set_reg(apic, APIC_ICR2, val & 0xff000000);
		break;

	case APIC_LVT0:
		apic_manage_nmi_watchdog(apic, val);
		fallthrough;
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT1:
	case APIC_LVTERR:
	case APIC_LVTCMCI: {
		int index = get_lvt_index(reg);

		if (index < 0 || apic->nr_lvt_entries <= index) {
			ret = 1;
			break;
		}
		if (!kvm_apic_sw_enabled(apic))
			val |= APIC_LVT_MASKED;
		val &= apic_lvt_mask[index];
		kvm_lapic_set_reg(apic, reg, val);
		break;
	}

	case APIC_LVTT:
		if (!kvm_apic_sw_enabled(apic))
			val |= APIC_LVT_MASKED;
		val &= (apic_lvt_mask[LVT_TIMER] | APIC_LVT_TIMER_MODE_MASK);
		kvm_lapic_set_reg(apic, APIC_LVTT, val);
		break;

	case APIC_TMICT:
		/* The timer is not modelled: the count is only stored. */
		kvm_lapic_set_reg(apic, APIC_TMICT, val);
		break;

	case APIC_TDCR:
		kvm_lapic_set_reg(apic, APIC_TDCR, val & 0xb);
		break;

	case APIC_ESR:
		if (apic_x2apic_mode(apic) && val != 0)
			ret = 1;
		break;

	case APIC_SELF_IPI:
		/* x2APIC only; bits 7:0 are the vector, the rest is reserved. */
		if (!apic_x2apic_mode(apic) || (val & ~APIC_VECTOR_MASK))
			ret = 1;
		else
			kvm_apic_send_ipi(apic, APIC_DEST_SELF | val, 0);
		break;

	default:
		ret = 1;
		break;
	}

	/* Most writes leave the map clean and this returns at once. */
	kvm_recalculate_apic_map(apic->vcpu->kvm);
	return ret;
}

#define APIC_REG_MASK(reg)		(1ull << ((reg) >> 4))
#define APIC_REGS_MASK(first, count)	(APIC_REG_MASK(first) * ((1ull << (count)) - 1))

/* kvm_lapic_readable_reg_mask() */
static u64 kvm_lapic_readable_reg_mask(struct kvm_lapic *apic)
{
	u64 valid_reg_mask =
		APIC_REG_MASK(APIC_ID) |
		APIC_REG_MASK(APIC_LVR) |
		APIC_REG_MASK(APIC_TASKPRI) |
		APIC_REG_MASK(APIC_PROCPRI) |
		APIC_REG_MASK(APIC_LDR) |
		APIC_REG_MASK(APIC_SPIV) |
		APIC_REGS_MASK(APIC_ISR, APIC_ISR_NR) |
		APIC_REGS_MASK(APIC_TMR, APIC_ISR_NR) |
		APIC_REGS_MASK(APIC_IRR, APIC_ISR_NR) |
		APIC_REG_MASK(APIC_ESR) |
		APIC_REG_MASK(APIC_ICR) |
		APIC_REG_MASK(APIC_LVTT) |
		APIC_REG_MASK(APIC_LVTTHMR) |
		APIC_REG_MASK(APIC_LVTPC) |
		APIC_REG_MASK(APIC_LVT0) |
		APIC_REG_MASK(APIC_LVT1) |
		APIC_REG_MASK(APIC_LVTERR) |
		APIC_REG_MASK(APIC_TMICT) |
		APIC_REG_MASK(APIC_TMCCT) |
		APIC_REG_MASK(APIC_TDCR);

	if (apic->nr_lvt_entries > LVT_CMCI)
		valid_reg_mask |= APIC_REG_MASK(APIC_LVTCMCI);

	/* ARBPRI, DFR and ICR2 do not exist in x2APIC mode. */
	if (!apic_x2apic_mode(apic))
		valid_reg_mask |= APIC_REG_MASK(APIC_ARBPRI) |
				  APIC_REG_MASK(APIC_DFR) |
				  APIC_REG_MASK(APIC_ICR2);
	return valid_reg_mask;
}

/* __apic_read() */
static u32 __apic_read(struct kvm_lapic *apic, unsigned int offset)
{
	if (offset >= LAPIC_MMIO_LENGTH)
		return 0;

	switch (offset) {
	case APIC_ARBPRI:
		return 0;
	case APIC_TMCCT:	/* no timer: the current count reads 0 */
		return 0;
	case APIC_PROCPRI:
		apic_update_ppr(apic);
		return kvm_lapic_get_reg(apic, offset);
	default:
		return kvm_lapic_get_reg(apic, offset);
	}
}

/* kvm_lapic_reg_read(): 0 done, 1 invalid register or width */
int kvm_lapic_reg_read(struct kvm_lapic *apic, u32 offset, int len, void *data)
{
	unsigned char alignment = offset & 0xf;
	u32 result;

	if (alignment + len > 4)
		return 1;
	if (offset > 0x3f0 || !(kvm_lapic_readable_reg_mask(apic) & APIC_REG_MASK(offset)))
		return 1;

	result = __apic_read(apic, offset & ~0xf);

	switch (len) {
	case 1:
	case 2:
	case 4:
		memcpy(data, (char *)&result + alignment, len);
		break;
	default:
		printk(KERN_ERR "Local APIC read with len = %x, should be 1,2, or 4 instead\n", len);
		break;
	}
	return 0;
}

/* apic_mmio_in_range() */
static bool apic_mmio_in_range(struct kvm_lapic *apic, gpa_t addr)
{
	return addr >= apic->base_address && addr < apic->base_address + LAPIC_MMIO_LENGTH;
}

/*
 * apic_mmio_read(): outside the window -EOPNOTSUPP (the bus is tried next);
 * a disabled or x2APIC-mode APIC reads all-ones (KVM_X86_QUIRK_LAPIC_MMIO_HOLE,
 * on by default).
 */
static int apic_mmio_read(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
			  gpa_t address, int len, void *data)
{
	struct kvm_lapic *apic = container_of(this, struct kvm_lapic, dev);
	u32 offset = address - apic->base_address;

	if (!apic_mmio_in_range(apic, address))
		return -EOPNOTSUPP;

	if (!kvm_apic_hw_enabled(apic) || apic_x2apic_mode(apic)) {
		memset(data, 0xff, len);
		return 0;
	}

	kvm_lapic_reg_read(apic, offset, len, data);
	return 0;
}

/* apic_mmio_write(): only aligned 4-byte writes reach a register */
static int apic_mmio_write(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
			   gpa_t address, int len, const void *data)
{
	struct kvm_lapic *apic = container_of(this, struct kvm_lapic, dev);
	unsigned int offset = address - apic->base_address;
	u32 val;

	if (!apic_mmio_in_range(apic, address))
		return -EOPNOTSUPP;

	if (!kvm_apic_hw_enabled(apic) || apic_x2apic_mode(apic))
		return 0;	/* the MMIO hole quirk swallows it */

	/* Registers are 16-byte aligned and accessed 32 bits at a time (SDM 8.4.1). */
	if (len != 4 || (offset & 0xf))
		return 0;

	memcpy(&val, data, sizeof(val));
	kvm_lapic_reg_write(apic, offset & 0xff0, val);
	return 0;
}

static const struct kvm_io_device_ops apic_mmio_ops = {
	.read = apic_mmio_read,
	.write = apic_mmio_write,
};

/* kvm_lapic_msr_write(): x2APIC registers through MSRs 0x800-0x8ff */
static int kvm_lapic_msr_write(struct kvm_lapic *apic, u32 reg, u64 data)
{
	if (reg == APIC_ICR) {
		if (data & (GENMASK_ULL(31, 20) | GENMASK_ULL(17, 16) | BIT_ULL(13)))
			return 1;
		data &= ~(u64)APIC_ICR_BUSY;
		kvm_apic_send_ipi(apic, (u32)data, (u32)(data >> 32));
		kvm_lapic_set_reg(apic, APIC_ICR, (u32)data);
		kvm_lapic_set_reg(apic, APIC_ICR2, (u32)(data >> 32));
		return 0;
	}
	/* Bits 63:32 are reserved in every other register. */
	if (data >> 32)
		return 1;
	return kvm_lapic_reg_write(apic, reg, (u32)data);
}

/* kvm_x2apic_msr_write() */
int kvm_x2apic_msr_write(struct kvm_vcpu *vcpu, u32 msr, u64 data)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 reg = (msr - 0x800) << 4;

	if (!lapic_in_kernel(vcpu) || !apic_x2apic_mode(apic))
		return 1;
	return kvm_lapic_msr_write(apic, reg, data);
}

/* kvm_x2apic_msr_read() */
int kvm_x2apic_msr_read(struct kvm_vcpu *vcpu, u32 msr, u64 *data)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 reg = (msr - 0x800) << 4;
	u32 low;

	if (!lapic_in_kernel(vcpu) || !apic_x2apic_mode(apic))
		return 1;
	if (reg == APIC_ICR) {
		*data = (u64)kvm_lapic_get_reg(apic, APIC_ICR) |
			(u64)kvm_lapic_get_reg(apic, APIC_ICR2) << 32;
		return 0;
	}
	if (kvm_lapic_reg_read(apic, reg, 4, &low))
		return 1;
	*data = low;
	return 0;
}

/* ---- lifecycle ------------------------------------------------------- */

/* kvm_create_lapic() */
int kvm_create_lapic(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic;

	if (!irqchip_in_kernel(vcpu->kvm))
		return 0;

	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;

	apic->regs = kzalloc(LAPIC_MMIO_LENGTH, GFP_KERNEL_ACCOUNT);	/* get_zeroed_page() */
	if (!apic->regs) {
		kfree(apic);
		return -ENOMEM;
	}
	apic->vcpu = vcpu;
	apic->highest_isr_cache = -1;
	/* The guest CPUID has no CMCI (mcg_cap lacks MCG_CMCI_P): six LVTs. */
	apic->nr_lvt_entries = KVM_APIC_MAX_NR_LVT_ENTRIES - 1;

	/* The full RESET value is set by kvm_lapic_reset(). */
	vcpu->arch.apic_base = MSR_IA32_APICBASE_ENABLE;
	kvm_iodevice_init(&apic->dev, &apic_mmio_ops);
	vcpu->arch.apic = apic;
	return 0;
}

/* kvm_free_lapic() */
void kvm_free_lapic(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	if (!apic)
		return;
	kfree(apic->regs);
	kfree(apic);
	vcpu->arch.apic = NULL;
}

/* kvm_apic_mode(): 0 disabled, 1 invalid, 2 xAPIC, 3 x2APIC */
static int kvm_apic_mode(u64 apic_base)
{
	return (apic_base & (MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE)) >> 10;
}

enum { LAPIC_MODE_DISABLED = 0, LAPIC_MODE_INVALID = 1,
       LAPIC_MODE_XAPIC = 2, LAPIC_MODE_X2APIC = 3 };

/* __kvm_apic_set_base() */
static void __kvm_apic_set_base(struct kvm_vcpu *vcpu, u64 value)
{
	u64 old_value = vcpu->arch.apic_base;
	struct kvm_lapic *apic = vcpu->arch.apic;

	WRITE_ONCE(vcpu->arch.apic_base, value);

	if (!apic)
		return;

	if ((old_value ^ value) & MSR_IA32_APICBASE_ENABLE) {
		if (value & MSR_IA32_APICBASE_ENABLE)
			kvm_apic_set_xapic_id(apic, vcpu->vcpu_id);
		else
			atomic_set_release(&vcpu->kvm->arch.apic_map_dirty, DIRTY);
	}

	if ((old_value ^ value) & X2APIC_ENABLE) {
		if (value & X2APIC_ENABLE)
			kvm_apic_set_x2apic_id(apic, vcpu->vcpu_id);
		else if (value & MSR_IA32_APICBASE_ENABLE)
			kvm_apic_set_xapic_id(apic, vcpu->vcpu_id);
	}

	apic->base_address = value & MSR_IA32_APICBASE_BASE;
}

/*
 * kvm_apic_set_base(): 0, or 1 for a reserved bit / invalid mode / illegal
 * transition (#GP). MAXPHYADDR is taken as 46 bits.
 */
int kvm_apic_set_base(struct kvm_vcpu *vcpu, u64 value, bool host_initiated)
{
	int old_mode = kvm_apic_mode(vcpu->arch.apic_base);
	int new_mode = kvm_apic_mode(value);
	u64 reserved_bits = GENMASK_ULL(63, 46) | 0x2ff;

	if (vcpu->arch.apic_base == value)
		return 0;
	if ((value & reserved_bits) != 0 || new_mode == LAPIC_MODE_INVALID)
		return 1;
	if (!host_initiated) {
		if (old_mode == LAPIC_MODE_X2APIC && new_mode == LAPIC_MODE_XAPIC)
			return 1;
		if (old_mode == LAPIC_MODE_DISABLED && new_mode == LAPIC_MODE_X2APIC)
			return 1;
	}

	__kvm_apic_set_base(vcpu, value);
	kvm_recalculate_apic_map(vcpu->kvm);
	return 0;
}

/* kvm_apic_update_apicv() with APICv off: rebuild the ISR caches */
static void kvm_apic_update_apicv(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	WRITE_ONCE(apic->irr_pending, true);
	apic->isr_count = count_vectors((char *)apic->regs + APIC_ISR);
	apic->highest_isr_cache = -1;
}

/*
 * kvm_lapic_reset(): RESET (or INIT) state. After RESET the APIC is
 * hardware-enabled at 0xfee00000 but software-disabled (SPIV 0xff), so it
 * accepts no fixed interrupts until the guest sets SPIV bit 8.
 */
void kvm_lapic_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u64 msr_val;
	int i;

	if (!init_event) {
		msr_val = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE;
		if (kvm_vcpu_is_reset_bsp(vcpu))
			msr_val |= MSR_IA32_APICBASE_BSP;
		__kvm_apic_set_base(vcpu, msr_val);
	}

	if (!apic)
		return;

	/* The xAPIC id is set at RESET even if the APIC was already enabled. */
	if (!init_event)
		kvm_apic_set_xapic_id(apic, vcpu->vcpu_id);
	kvm_apic_set_version(apic->vcpu);

	for (i = 0; i < apic->nr_lvt_entries; i++)
		kvm_lapic_set_reg(apic, APIC_LVTx(i), APIC_LVT_MASKED);
	/* KVM_X86_QUIRK_LINT0_REENABLED (default on): the BSP's LINT0 is ExtINT. */
	if (kvm_vcpu_is_reset_bsp(vcpu))
		kvm_lapic_set_reg(apic, APIC_LVT0, SET_APIC_DELIVERY_MODE(0, APIC_MODE_EXTINT));
	apic_manage_nmi_watchdog(apic, kvm_lapic_get_reg(apic, APIC_LVT0));

	kvm_apic_set_dfr(apic, 0xffffffffU);
	apic_set_spiv(apic, 0xff);
	kvm_lapic_set_reg(apic, APIC_TASKPRI, 0);
	if (!apic_x2apic_mode(apic))
		kvm_apic_set_ldr(apic, 0);
	kvm_lapic_set_reg(apic, APIC_ESR, 0);
	kvm_lapic_set_reg(apic, APIC_ICR, 0);
	kvm_lapic_set_reg(apic, APIC_ICR2, 0);
	kvm_lapic_set_reg(apic, APIC_TDCR, 0);
	kvm_lapic_set_reg(apic, APIC_TMICT, 0);
	for (i = 0; i < 8; i++) {
		kvm_lapic_set_reg(apic, APIC_IRR + 0x10 * i, 0);
		kvm_lapic_set_reg(apic, APIC_ISR + 0x10 * i, 0);
		kvm_lapic_set_reg(apic, APIC_TMR + 0x10 * i, 0);
	}
	kvm_apic_update_apicv(vcpu);
	apic_update_ppr(apic);

	vcpu->arch.apic_arb_prio = 0;

	kvm_recalculate_apic_map(vcpu->kvm);
}

/* ---- the vCPU's side: acknowledge ------------------------------------ */

/* kvm_apic_has_interrupt(): highest IRR vector above PPR, or -1 */
int kvm_apic_has_interrupt(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 ppr;

	if (!kvm_apic_present(vcpu))
		return -1;

	__apic_update_ppr(apic, &ppr);
	return apic_has_interrupt_for_ppr(apic, ppr);
}

/* kvm_apic_accept_pic_intr(): LINT0 unmasked in ExtINT mode, or APIC off */
int kvm_apic_accept_pic_intr(struct kvm_vcpu *vcpu)
{
	u32 lvt0 = kvm_lapic_get_reg(vcpu->arch.apic, APIC_LVT0);

	if (!kvm_apic_hw_enabled(vcpu->arch.apic))
		return 1;
	if ((lvt0 & APIC_LVT_MASKED) == 0 &&
	    GET_APIC_DELIVERY_MODE(lvt0) == APIC_MODE_EXTINT)
		return 1;
	return 0;
}

/* kvm_apic_ack_interrupt(): IRR -> ISR, PPR raised */
void kvm_apic_ack_interrupt(struct kvm_vcpu *vcpu, int vector)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 ppr;

	if (WARN_ON_ONCE(vector < 0 || !apic))
		return;

	apic_clear_irr(vector, apic);
	apic_set_isr(vector, apic);
	__apic_update_ppr(apic, &ppr);
	kvm_stat_inc(vcpu->kvm, lapic_ack);
}

/* ---- KVM_GET_LAPIC / KVM_SET_LAPIC ------------------------------------ */

/* A register-by-register copy: IRR/TMR bits may be set concurrently. */
static void lapic_copy_regs(void *dst, const void *src)
{
	const u32 *s = src;
	u32 *d = dst;
	size_t i;

	for (i = 0; i < KVM_APIC_REG_SIZE / sizeof(u32); i++)
		WRITE_ONCE(d[i], READ_ONCE(s[i]));
}

/* kvm_apic_state_fixup() */
static int kvm_apic_state_fixup(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s, bool set)
{
	if (apic_x2apic_mode(vcpu->arch.apic)) {
		u32 x2apic_id = kvm_x2apic_id(vcpu->arch.apic);
		u32 id, ldr;

		memcpy(&id, s->regs + APIC_ID, sizeof(id));
		if (vcpu->kvm->arch.x2apic_format) {
			if (id != x2apic_id)
				return -EINVAL;
		} else {
			/* The x2APIC id is read-only; an old VMM's value is ignored. */
			id = set ? x2apic_id : x2apic_id << 24;
			memcpy(s->regs + APIC_ID, &id, sizeof(id));
		}
		if (set) {
			ldr = kvm_apic_calc_x2apic_ldr(x2apic_id);
			memcpy(s->regs + APIC_LDR, &ldr, sizeof(ldr));
		}
	}
	return 0;
}

/* kvm_apic_get_state() */
int kvm_apic_get_state(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s)
{
	u32 tmcct;

	lapic_copy_regs(s->regs, vcpu->arch.apic->regs);
	tmcct = __apic_read(vcpu->arch.apic, APIC_TMCCT);
	memcpy(s->regs + APIC_TMCCT, &tmcct, sizeof(tmcct));
	return kvm_apic_state_fixup(vcpu, s, false);
}

/* kvm_apic_set_state() */
int kvm_apic_set_state(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 spiv;
	int r;

	/* SPIV first, so that the software-enable bookkeeping stays right. */
	memcpy(&spiv, s->regs + APIC_SPIV, sizeof(spiv));
	apic_set_spiv(apic, spiv);

	r = kvm_apic_state_fixup(vcpu, s, true);
	if (r) {
		kvm_recalculate_apic_map(vcpu->kvm);
		return r;
	}
	lapic_copy_regs(apic->regs, s->regs);

	atomic_set_release(&vcpu->kvm->arch.apic_map_dirty, DIRTY);
	kvm_recalculate_apic_map(vcpu->kvm);
	kvm_apic_set_version(vcpu);

	apic_update_ppr(apic);
	apic_manage_nmi_watchdog(apic, kvm_lapic_get_reg(apic, APIC_LVT0));
	kvm_lapic_set_reg(apic, APIC_TMCCT, 0);
	kvm_apic_update_apicv(vcpu);
	kvm_make_request(KVM_REQ_EVENT, vcpu);

	if (irqchip_full(vcpu->kvm))
		kvm_rtc_eoi_tracking_restore_one(vcpu);

	vcpu->arch.apic_arb_prio = 0;
	return 0;
}
