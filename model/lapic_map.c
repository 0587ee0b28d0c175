// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delivery to a destination, after arch/x86/kvm/lapic.c (and irq.c's
 * kvm_irq_delivery_to_apic): the RCU-protected optimized APIC map and its
 * rebuild, the fast path through it, the slow path over every vCPU, and
 * lowest-priority arbitration (vector hashing or apic_arb_prio).
 */
#include <kshim/kernel.h>
#include <kshim/slab.h>
#include <kshim/mutex.h>
#include <kshim/rcupdate.h>

#include "kvm_host.h"
#include "lapic.h"
#include "lapic_internal.h"

bool kvm_vector_hashing_enabled = true;

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
