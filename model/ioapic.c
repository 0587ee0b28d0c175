/*
 * The in-kernel IOAPIC, after arch/x86/kvm/ioapic.c (Linux 6.18).
 *
 * Sections: RTC EOI tracking; asserting a pin; EOI; the EOI-exit bitmap
 * scan and mask notifiers; the register window; create / destroy; the
 * KVM_GET/SET_IRQCHIP state.
 *
 * All IOAPIC state is protected by ioapic->lock, a plain spinlock. It is
 * dropped around kvm_notify_acked_irq() because ack notifiers (irqfd
 * resampler, PIT) re-enter kvm_set_irq(), which takes it again.
 */
#include <kshim/kernel.h>
#include <kshim/bitops.h>
#include <kshim/mutex.h>
#include <kshim/nospec.h>
#include <kshim/rculist.h>
#include <kshim/slab.h>
#include <kshim/spinlock.h>
#include <kshim/srcu.h>
#include <kshim/workqueue.h>

#include "kvm_host.h"
#include "iodev.h"
#include "irq.h"
#include "lapic.h"
#include "kvm_irqfd.h"
#include "ioapic.h"

/* Successive EOIs re-delivering a still-asserted level pin before we back off. */
#define IOAPIC_SUCCESSIVE_IRQ_MAX_COUNT	10000

static int ioapic_service(struct kvm_ioapic *ioapic, int irq, bool line_status);

/* ---- RTC (GSI 8) EOI tracking ----------------------------------------- */

/* rtc_irq_eoi_tracking_reset */
static void rtc_irq_eoi_tracking_reset(struct kvm_ioapic *ioapic)
{
	ioapic->rtc_status.pending_eoi = 0;
	bitmap_zero(ioapic->rtc_status.dest_map.map, KVM_MAX_VCPU_IDS);
}

static void kvm_rtc_eoi_tracking_restore_all(struct kvm_ioapic *ioapic);

/* rtc_status_pending_eoi_check_valid: a negative count means the books are wrong; rebuild them. */
static void rtc_status_pending_eoi_check_valid(struct kvm_ioapic *ioapic)
{
	if (WARN_ON(ioapic->rtc_status.pending_eoi < 0))
		kvm_rtc_eoi_tracking_restore_all(ioapic);
}

/* __rtc_irq_eoi_tracking_restore_one: resync one vCPU's bit from its LAPIC IRR/ISR. */
static void __rtc_irq_eoi_tracking_restore_one(struct kvm_vcpu *vcpu)
{
	struct kvm_ioapic *ioapic = vcpu->kvm->arch.vioapic;
	struct dest_map *dest_map = &ioapic->rtc_status.dest_map;
	union kvm_ioapic_redirect_entry *e = &ioapic->redirtbl[RTC_GSI];
	bool new_val, old_val;

	lockdep_assert_held(&ioapic->lock);

	if (!kvm_apic_match_dest(vcpu, NULL, APIC_DEST_NOSHORT,
				 e->fields.dest_id,
				 kvm_lapic_irq_dest_mode(!!e->fields.dest_mode)))
		return;

	new_val = kvm_apic_pending_eoi(vcpu, e->fields.vector);
	old_val = test_bit(vcpu->vcpu_id, dest_map->map);
	if (new_val == old_val)
		return;

	if (new_val) {
		__set_bit(vcpu->vcpu_id, dest_map->map);
		dest_map->vectors[vcpu->vcpu_id] = e->fields.vector;
		ioapic->rtc_status.pending_eoi++;
	} else {
		__clear_bit(vcpu->vcpu_id, dest_map->map);
		ioapic->rtc_status.pending_eoi--;
		rtc_status_pending_eoi_check_valid(ioapic);
	}
}

/* kvm_rtc_eoi_tracking_restore_one */
void kvm_rtc_eoi_tracking_restore_one(struct kvm_vcpu *vcpu)
{
	struct kvm_ioapic *ioapic = vcpu->kvm->arch.vioapic;

	spin_lock(&ioapic->lock);
	__rtc_irq_eoi_tracking_restore_one(vcpu);
	spin_unlock(&ioapic->lock);
}

/* kvm_rtc_eoi_tracking_restore_all */
static void kvm_rtc_eoi_tracking_restore_all(struct kvm_ioapic *ioapic)
{
	struct kvm_vcpu *vcpu;
	int i;

	rtc_irq_eoi_tracking_reset(ioapic);
	kvm_for_each_vcpu(i, vcpu, ioapic->kvm)
		__rtc_irq_eoi_tracking_restore_one(vcpu);
}

/* rtc_irq_eoi: the vCPU EOI'd the vector it got from the RTC pin. */
static void rtc_irq_eoi(struct kvm_ioapic *ioapic, struct kvm_vcpu *vcpu, int vector)
{
	struct dest_map *dest_map = &ioapic->rtc_status.dest_map;

	if (test_bit(vcpu->vcpu_id, dest_map->map) &&
	    vector == dest_map->vectors[vcpu->vcpu_id] &&
	    test_and_clear_bit(vcpu->vcpu_id, dest_map->map)) {
		--ioapic->rtc_status.pending_eoi;
		rtc_status_pending_eoi_check_valid(ioapic);
	}
}

/* rtc_irq_check_coalesced */
static bool rtc_irq_check_coalesced(struct kvm_ioapic *ioapic)
{
	return ioapic->rtc_status.pending_eoi > 0;
}

/* ---- asserting a pin ------------------------------------------------------ */

/*
 * ioapic_set_irq: irq_level is the OR of every source's line. The caller
 * holds ioapic->lock.
 *
 * 0 means coalesced: for an edge pin, a previous edge is still latched in
 * IRR (it was not delivered, e.g. masked); for the RTC with line_status, a
 * previous RTC interrupt has not been EOI'd by every vCPU it reached,
 * which userspace uses to compensate Windows' clock drift.
 */
static int ioapic_set_irq(struct kvm_ioapic *ioapic, unsigned int irq,
			  int irq_level, bool line_status)
{
	union kvm_ioapic_redirect_entry entry = ioapic->redirtbl[irq];
	u32 mask = 1U << irq;
	bool edge = entry.fields.trig_mode == IOAPIC_EDGE_TRIG;
	u32 old_irr;
	int ret;

	lockdep_assert_held(&ioapic->lock);

	if (!irq_level) {
		ioapic->irr &= ~mask;
		ret = 1;
		goto out;
	}

	/* No APICv/AVIC in the simulator, hence no ioapic_lazy_update_eoi here. */

	if (irq == RTC_GSI && line_status && rtc_irq_check_coalesced(ioapic)) {
		ret = 0;
		goto out;
	}

	old_irr = ioapic->irr;
	ioapic->irr |= mask;
	if (edge) {
		ioapic->irr_delivered &= ~mask;
		if (old_irr == ioapic->irr) {
			ret = 0;
			goto out;
		}
	}

	ret = ioapic_service(ioapic, irq, line_status);

out:
	if (ret == 0)
		kvm_stat_inc(ioapic->kvm, ioapic_coalesced);
	sim_trace_instant("irq", "kvm_ioapic_set_irq", "pin=%u level=%d e=0x%llx coalesced=%d",
			  irq, irq_level, (unsigned long long)entry.bits, ret == 0);
	return ret;
}

/* kvm_ioapic_inject_all: re-assert the pins of a SET_IRQCHIP'd irr, rebuilding RTC tracking. */
static void kvm_ioapic_inject_all(struct kvm_ioapic *ioapic, unsigned long irr)
{
	unsigned int idx;

	rtc_irq_eoi_tracking_reset(ioapic);
	for_each_set_bit(idx, &irr, IOAPIC_NUM_PINS)
		ioapic_set_irq(ioapic, idx, 1, true);

	kvm_rtc_eoi_tracking_restore_all(ioapic);
}

/*
 * ioapic_service: deliver pin irq to the LAPICs. -1 when masked or when a
 * level interrupt still waits for its EOI (remote IRR); otherwise the
 * delivery count (0 = nobody accepted).
 */
static int ioapic_service(struct kvm_ioapic *ioapic, int irq, bool line_status)
{
	union kvm_ioapic_redirect_entry *entry = &ioapic->redirtbl[irq];
	struct kvm_lapic_irq irqe;
	int ret;

	lockdep_assert_held(&ioapic->lock);

	if (entry->fields.mask ||
	    (entry->fields.trig_mode == IOAPIC_LEVEL_TRIG && entry->fields.remote_irr))
		return -1;

	memset(&irqe, 0, sizeof(irqe));
	irqe.dest_id = entry->fields.dest_id;
	irqe.vector = entry->fields.vector;
	irqe.dest_mode = kvm_lapic_irq_dest_mode(!!entry->fields.dest_mode);
	irqe.trig_mode = entry->fields.trig_mode;
	irqe.delivery_mode = entry->fields.delivery_mode << 8;
	irqe.level = 1;
	irqe.shorthand = APIC_DEST_NOSHORT;
	irqe.msi_redir_hint = false;

	if (irqe.trig_mode == IOAPIC_EDGE_TRIG)
		ioapic->irr_delivered |= 1U << irq;

	if (irq == RTC_GSI && line_status) {
		/* ioapic_set_irq only gets here when nothing is pending. */
		WARN_ON(ioapic->rtc_status.pending_eoi != 0);
		ret = kvm_irq_delivery_to_apic(ioapic->kvm, NULL, &irqe,
					       &ioapic->rtc_status.dest_map);
		ioapic->rtc_status.pending_eoi = ret < 0 ? 0 : ret;
	} else {
		ret = kvm_irq_delivery_to_apic(ioapic->kvm, NULL, &irqe, NULL);
	}

	if (ret && irqe.trig_mode == IOAPIC_LEVEL_TRIG)
		entry->fields.remote_irr = 1;

	return ret;
}

/* kvm_ioapic_set_irq (pre-6.17 signature; see ioapic.h) */
int kvm_ioapic_set_irq(struct kvm_ioapic *ioapic, int irq, int irq_source_id,
		       int level, bool line_status)
{
	int ret, irq_level;

	/* The kernel BUG()s; routing validation keeps pins in range. */
	if (WARN_ON_ONCE(irq < 0 || irq >= IOAPIC_NUM_PINS))
		return -1;
	if (WARN_ON_ONCE(irq_source_id < 0 || irq_source_id >= BITS_PER_LONG))
		return -1;

	spin_lock(&ioapic->lock);
	irq_level = __kvm_irq_line_state(&ioapic->irq_states[irq], irq_source_id, level);
	ret = ioapic_set_irq(ioapic, irq, irq_level, line_status);
	spin_unlock(&ioapic->lock);

	return ret;
}

/* ---- EOI ------------------------------------------------------------------ */

/* kvm_ioapic_eoi_inject_work: the deferred re-delivery after an EOI storm. */
static void kvm_ioapic_eoi_inject_work(struct work_struct *work)
{
	struct kvm_ioapic *ioapic = container_of(work, struct kvm_ioapic, eoi_inject.work);
	int i;

	spin_lock(&ioapic->lock);
	for (i = 0; i < IOAPIC_NUM_PINS; i++) {
		union kvm_ioapic_redirect_entry *ent = &ioapic->redirtbl[i];

		if (ent->fields.trig_mode != IOAPIC_LEVEL_TRIG)
			continue;
		if ((ioapic->irr & (1U << i)) && !ent->fields.remote_irr)
			ioapic_service(ioapic, i, false);
	}
	spin_unlock(&ioapic->lock);
}

/*
 * kvm_ioapic_update_eoi_one: called with ioapic->lock held; drops it
 * around the ack notifiers. Remote IRR is cleared only after they ran, so
 * an assert that lands meanwhile just sets IRR and is serviced below.
 */
static void kvm_ioapic_update_eoi_one(struct kvm_vcpu *vcpu, struct kvm_ioapic *ioapic,
				      int trigger_mode, int pin)
{
	union kvm_ioapic_redirect_entry *ent = &ioapic->redirtbl[pin];

	spin_unlock(&ioapic->lock);
	kvm_notify_acked_irq(ioapic->kvm, KVM_IRQCHIP_IOAPIC, pin);
	spin_lock(&ioapic->lock);

	/* Directed EOI: the guest EOIs the IOAPIC itself (never with an in-kernel IOAPIC). */
	if (trigger_mode != IOAPIC_LEVEL_TRIG ||
	    (vcpu->arch.apic &&
	     (kvm_lapic_get_reg(vcpu->arch.apic, APIC_SPIV) & APIC_SPIV_DIRECTED_EOI)))
		return;

	ent->fields.remote_irr = 0;
	if (!ent->fields.mask && (ioapic->irr & (1U << pin))) {
		++ioapic->irq_eoi[pin];
		if (ioapic->irq_eoi[pin] == IOAPIC_SUCCESSIVE_IRQ_MAX_COUNT) {
			/*
			 * Real hardware does not re-deliver at once during an EOI
			 * broadcast; backing off lets a guest that never quiets a
			 * level source still make (slow) progress.
			 */
			schedule_delayed_work(&ioapic->eoi_inject, HZ / 100);
			ioapic->irq_eoi[pin] = 0;
			kvm_stat_inc(ioapic->kvm, ioapic_eoi_storm);
			sim_trace_instant("irq", "kvm_ioapic_delayed_eoi_inj", "pin=%d e=0x%llx",
					  pin, (unsigned long long)ent->bits);
		} else {
			ioapic_service(ioapic, pin, false);
		}
	} else {
		ioapic->irq_eoi[pin] = 0;
	}
}

/* kvm_ioapic_update_eoi: every pin programmed with this vector sees the EOI. */
void kvm_ioapic_update_eoi(struct kvm_vcpu *vcpu, int vector, int trigger_mode)
{
	struct kvm_ioapic *ioapic = vcpu->kvm->arch.vioapic;
	int i;

	kvm_stat_inc(vcpu->kvm, ioapic_eoi);
	spin_lock(&ioapic->lock);
	rtc_irq_eoi(ioapic, vcpu, vector);
	for (i = 0; i < IOAPIC_NUM_PINS; i++) {
		if (ioapic->redirtbl[i].fields.vector != vector)
			continue;
		kvm_ioapic_update_eoi_one(vcpu, ioapic, trigger_mode, i);
	}
	spin_unlock(&ioapic->lock);
}

/* ---- EOI-exit bitmap, mask notifiers ------------------------------------- */

/*
 * kvm_ioapic_scan_entry: vectors whose EOI this vCPU must forward to the
 * IOAPIC: level entries, entries someone wants acks for, and the RTC.
 */
void kvm_ioapic_scan_entry(struct kvm_vcpu *vcpu, unsigned long *ioapic_handled_vectors)
{
	struct kvm_ioapic *ioapic = vcpu->kvm->arch.vioapic;
	struct dest_map *dest_map = &ioapic->rtc_status.dest_map;
	int index;

	spin_lock(&ioapic->lock);

	/* An RTC EOI still owed must reach us even if the entry changed since. */
	if (test_bit(vcpu->vcpu_id, dest_map->map))
		__set_bit(dest_map->vectors[vcpu->vcpu_id], ioapic_handled_vectors);

	for (index = 0; index < IOAPIC_NUM_PINS; index++) {
		union kvm_ioapic_redirect_entry *e = &ioapic->redirtbl[index];

		if (e->fields.trig_mode == IOAPIC_LEVEL_TRIG ||
		    kvm_irq_has_notifier(ioapic->kvm, KVM_IRQCHIP_IOAPIC, index) ||
		    index == RTC_GSI) {
			u16 dm = kvm_lapic_irq_dest_mode(!!e->fields.dest_mode);

			kvm_scan_ioapic_irq(vcpu, e->fields.dest_id, dm,
					    e->fields.vector, ioapic_handled_vectors);
		}
	}
	spin_unlock(&ioapic->lock);
}

/* kvm_arch_post_irq_ack_notifier_list_update */
void kvm_arch_post_irq_ack_notifier_list_update(struct kvm *kvm)
{
	if (!ioapic_in_kernel(kvm))
		return;
	kvm_make_scan_ioapic_request(kvm);
}

/* kvm_register_irq_mask_notifier */
void kvm_register_irq_mask_notifier(struct kvm *kvm, int irq,
				    struct kvm_irq_mask_notifier *kimn)
{
	struct kvm_ioapic *ioapic = kvm->arch.vioapic;

	mutex_lock(&kvm->irq_lock);
	kimn->irq = irq;
	hlist_add_head_rcu(&kimn->link, &ioapic->mask_notifier_list);
	mutex_unlock(&kvm->irq_lock);
}

/* kvm_unregister_irq_mask_notifier: the caller may free kimn on return. */
void kvm_unregister_irq_mask_notifier(struct kvm *kvm, int irq,
				      struct kvm_irq_mask_notifier *kimn)
{
	mutex_lock(&kvm->irq_lock);
	hlist_del_rcu(&kimn->link);
	mutex_unlock(&kvm->irq_lock);
	synchronize_srcu(&kvm->irq_srcu);
}

/* kvm_fire_mask_notifiers: irqchip/pin -> GSI through the routing table, then notify. */
void kvm_fire_mask_notifiers(struct kvm *kvm, unsigned int irqchip, unsigned int pin,
			     bool mask)
{
	struct kvm_ioapic *ioapic = kvm->arch.vioapic;
	struct kvm_irq_mask_notifier *kimn;
	int idx, gsi;

	idx = srcu_read_lock(&kvm->irq_srcu);
	gsi = kvm_irq_map_chip_pin(kvm, irqchip, pin);
	if (gsi != -1)
		hlist_for_each_entry_srcu(kimn, &ioapic->mask_notifier_list, link,
					  srcu_read_lock_held(&kvm->irq_srcu))
			if (kimn->irq == gsi)
				kimn->func(kimn, mask);
	srcu_read_unlock(&kvm->irq_srcu, idx);
}

/* ---- the register window -------------------------------------------------- */

/* ioapic_read_indirect */
static u32 ioapic_read_indirect(struct kvm_ioapic *ioapic)
{
	u32 redir_index;
	u64 redir_content = ~0ULL;

	switch (ioapic->ioregsel) {
	case IOAPIC_REG_VERSION:
		return (((IOAPIC_NUM_PINS - 1) & 0xff) << 16) | (IOAPIC_VERSION_ID & 0xff);
	case IOAPIC_REG_APIC_ID:
	case IOAPIC_REG_ARB_ID:
		return (ioapic->id & 0xf) << 24;
	default:
		/* 0x03..0x0f wrap to huge indices and read as all-ones, as in the kernel. */
		redir_index = (ioapic->ioregsel - 0x10) >> 1;
		if (redir_index < IOAPIC_NUM_PINS) {
			redir_index = array_index_nospec(redir_index, (u32)IOAPIC_NUM_PINS);
			redir_content = ioapic->redirtbl[redir_index].bits;
		}
		return (ioapic->ioregsel & 1) ? (u32)(redir_content >> 32) : (u32)redir_content;
	}
}

/* ioapic_write_indirect: the rules of a redirection-entry write (kernel-notes 5.3). */
static void ioapic_write_indirect(struct kvm_ioapic *ioapic, u32 val)
{
	union kvm_ioapic_redirect_entry *e;
	unsigned int index;
	bool mask_before, mask_after;
	int old_remote_irr, old_delivery_status, old_dest_id, old_dest_mode;
	DECLARE_BITMAP(vcpu_bitmap, KVM_MAX_VCPUS);

	switch (ioapic->ioregsel) {
	case IOAPIC_REG_VERSION:
	case IOAPIC_REG_ARB_ID:
		return;		/* read-only */
	case IOAPIC_REG_APIC_ID:
		ioapic->id = (val >> 24) & 0xf;
		return;
	default:
		break;
	}

	index = (ioapic->ioregsel - 0x10) >> 1;
	if (index >= IOAPIC_NUM_PINS)
		return;
	index = array_index_nospec(index, (unsigned int)IOAPIC_NUM_PINS);
	e = &ioapic->redirtbl[index];

	mask_before = e->fields.mask;
	old_remote_irr = e->fields.remote_irr;
	old_delivery_status = e->fields.delivery_status;
	old_dest_id = e->fields.dest_id;
	old_dest_mode = e->fields.dest_mode;
	if (ioapic->ioregsel & 1) {
		e->bits &= 0xffffffffULL;
		e->bits |= (u64)val << 32;
	} else {
		e->bits &= ~0xffffffffULL;
		e->bits |= val;
	}
	e->fields.remote_irr = old_remote_irr;
	e->fields.delivery_status = old_delivery_status;

	/*
	 * Linux and Xen switch an entry to edge to clear a stuck remote IRR
	 * (an explicit EOI on IOAPICs without an EOI register).
	 */
	if (e->fields.trig_mode == IOAPIC_EDGE_TRIG)
		e->fields.remote_irr = 0;

	mask_after = e->fields.mask;
	if (mask_before != mask_after)
		kvm_fire_mask_notifiers(ioapic->kvm, KVM_IRQCHIP_IOAPIC, index, mask_after);

	if (e->fields.trig_mode == IOAPIC_LEVEL_TRIG && (ioapic->irr & (1U << index)) &&
	    !e->fields.mask && !e->fields.remote_irr) {
		/*
		 * The IRR bit may be stale: the device may have dropped the line
		 * while the pin was masked (a oneshot handler acks the device
		 * after EOI but before unmasking). If a resampler can tell, clear
		 * IRR and let it re-assert if the line is still up; otherwise
		 * inject and risk one spurious interrupt rather than a lost one.
		 */
		if (kvm_notify_irqfd_resampler(ioapic->kvm, KVM_IRQCHIP_IOAPIC, index))
			ioapic->irr &= ~(1U << index);
		else
			ioapic_service(ioapic, index, false);
	}

	if (e->fields.delivery_mode == APIC_DM_FIXED) {
		struct kvm_lapic_irq irq;

		memset(&irq, 0, sizeof(irq));
		irq.vector = e->fields.vector;
		irq.delivery_mode = e->fields.delivery_mode << 8;
		irq.dest_mode = kvm_lapic_irq_dest_mode(!!e->fields.dest_mode);
		irq.level = false;
		irq.trig_mode = e->fields.trig_mode;
		irq.shorthand = APIC_DEST_NOSHORT;
		irq.dest_id = e->fields.dest_id;
		irq.msi_redir_hint = false;
		bitmap_zero(vcpu_bitmap, KVM_MAX_VCPUS);
		kvm_bitmap_or_dest_vcpus(ioapic->kvm, &irq, vcpu_bitmap);
		if (old_dest_mode != e->fields.dest_mode || old_dest_id != e->fields.dest_id) {
			/*
			 * The old targets must rescan too. Like the kernel, pair the
			 * old destination id with the *new* destination mode.
			 */
			irq.dest_id = old_dest_id;
			irq.dest_mode = kvm_lapic_irq_dest_mode(!!e->fields.dest_mode);
			kvm_bitmap_or_dest_vcpus(ioapic->kvm, &irq, vcpu_bitmap);
		}
		kvm_make_scan_ioapic_request_mask(ioapic->kvm, vcpu_bitmap);
	} else {
		kvm_make_scan_ioapic_request(ioapic->kvm);
	}
}

/* to_ioapic() */
static inline struct kvm_ioapic *to_ioapic(struct kvm_io_device *dev)
{
	return container_of(dev, struct kvm_ioapic, dev);
}

/* ioapic_in_range */
static inline bool ioapic_in_range(struct kvm_ioapic *ioapic, gpa_t addr)
{
	return addr >= ioapic->base_address &&
	       addr < ioapic->base_address + IOAPIC_MEM_LENGTH;
}

/* ioapic_mmio_read: the kernel only asserts 16-byte alignment in debug builds. */
static int ioapic_mmio_read(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
			    gpa_t addr, int len, void *val)
{
	struct kvm_ioapic *ioapic = to_ioapic(this);
	u32 result;

	if (!ioapic_in_range(ioapic, addr))
		return -EOPNOTSUPP;

	addr &= 0xff;
	spin_lock(&ioapic->lock);
	switch (addr) {
	case IOAPIC_REG_SELECT:
		result = ioapic->ioregsel;
		break;
	case IOAPIC_REG_WINDOW:
		result = ioapic_read_indirect(ioapic);
		break;
	default:
		result = 0;
		break;
	}
	spin_unlock(&ioapic->lock);

	switch (len) {
	case 8:
		*(u64 *)val = result;
		break;
	case 1:
	case 2:
	case 4:
		memcpy(val, &result, len);
		break;
	default:
		/* *val is left alone. */
		printk(KERN_WARNING "ioapic: wrong length %d\n", len);
		break;
	}
	return 0;
}

/* ioapic_mmio_write */
static int ioapic_mmio_write(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
			     gpa_t addr, int len, const void *val)
{
	struct kvm_ioapic *ioapic = to_ioapic(this);
	u32 data;

	if (!ioapic_in_range(ioapic, addr))
		return -EOPNOTSUPP;

	switch (len) {
	case 8:
	case 4:
		memcpy(&data, val, 4);
		break;
	case 2: {
		u16 d16;

		memcpy(&d16, val, 2);
		data = d16;
		break;
	}
	case 1:
		data = *(const u8 *)val;
		break;
	default:
		/* Ignored, but claimed. */
		printk(KERN_WARNING "ioapic: Unsupported size %d\n", len);
		return 0;
	}

	addr &= 0xff;
	spin_lock(&ioapic->lock);
	switch (addr) {
	case IOAPIC_REG_SELECT:
		ioapic->ioregsel = data & 0xff;		/* an 8-bit register */
		break;
	case IOAPIC_REG_WINDOW:
		ioapic_write_indirect(ioapic, data);
		break;
	default:
		break;
	}
	spin_unlock(&ioapic->lock);
	return 0;
}

static const struct kvm_io_device_ops ioapic_mmio_ops = {
	.read	= ioapic_mmio_read,
	.write	= ioapic_mmio_write,
};

/* ---- create / destroy ----------------------------------------------------- */

/* kvm_ioapic_reset: every entry masked (0x10000 on a zeroed table). */
static void kvm_ioapic_reset(struct kvm_ioapic *ioapic)
{
	int i;

	cancel_delayed_work_sync(&ioapic->eoi_inject);
	for (i = 0; i < IOAPIC_NUM_PINS; i++)
		ioapic->redirtbl[i].fields.mask = 1;
	ioapic->base_address = IOAPIC_DEFAULT_BASE_ADDRESS;
	ioapic->ioregsel = 0;
	ioapic->irr = 0;
	ioapic->irr_delivered = 0;
	ioapic->id = 0;
	memset(ioapic->irq_eoi, 0, sizeof(ioapic->irq_eoi));
	rtc_irq_eoi_tracking_reset(ioapic);
}

/* kvm_ioapic_init: KVM_CREATE_IRQCHIP, under kvm->lock. */
int kvm_ioapic_init(struct kvm *kvm)
{
	struct kvm_ioapic *ioapic;
	int ret;

	ioapic = kzalloc(sizeof(*ioapic), GFP_KERNEL_ACCOUNT);
	if (!ioapic)
		return -ENOMEM;
	spin_lock_init(&ioapic->lock);
	INIT_DELAYED_WORK(&ioapic->eoi_inject, kvm_ioapic_eoi_inject_work);
	INIT_HLIST_HEAD(&ioapic->mask_notifier_list);
	kvm->arch.vioapic = ioapic;
	kvm_ioapic_reset(ioapic);
	kvm_iodevice_init(&ioapic->dev, &ioapic_mmio_ops);
	ioapic->kvm = kvm;

	mutex_lock(&kvm->slots_lock);
	ret = kvm_io_bus_register_dev(kvm, KVM_MMIO_BUS, ioapic->base_address,
				      IOAPIC_MEM_LENGTH, &ioapic->dev);
	mutex_unlock(&kvm->slots_lock);
	if (ret < 0) {
		kvm->arch.vioapic = NULL;
		kfree(ioapic);
	}
	return ret;
}

/*
 * kvm_ioapic_destroy: the eoi_inject work dereferences vCPUs, so it is
 * cancelled before anything else goes.
 */
void kvm_ioapic_destroy(struct kvm *kvm)
{
	struct kvm_ioapic *ioapic = kvm->arch.vioapic;

	if (!ioapic)
		return;

	cancel_delayed_work_sync(&ioapic->eoi_inject);
	mutex_lock(&kvm->slots_lock);
	kvm_io_bus_unregister_dev(kvm, KVM_MMIO_BUS, &ioapic->dev);
	mutex_unlock(&kvm->slots_lock);
	kvm->arch.vioapic = NULL;
	kfree(ioapic);
}

/* ---- KVM_GET_IRQCHIP / KVM_SET_IRQCHIP ------------------------------------ */

/* kvm_get_ioapic: an edge pin already delivered is hidden from userspace's IRR. */
void kvm_get_ioapic(struct kvm *kvm, struct kvm_ioapic_state *state)
{
	struct kvm_ioapic *ioapic = kvm->arch.vioapic;
	int i;

	memset(state, 0, sizeof(*state));
	spin_lock(&ioapic->lock);
	state->base_address = ioapic->base_address;
	state->ioregsel = ioapic->ioregsel;
	state->id = ioapic->id;
	state->irr = ioapic->irr & ~ioapic->irr_delivered;
	state->pad = ioapic->pad;
	for (i = 0; i < IOAPIC_NUM_PINS; i++)
		state->redirtbl[i].bits = ioapic->redirtbl[i].bits;
	spin_unlock(&ioapic->lock);
}

/*
 * kvm_set_ioapic: taken verbatim, no validation (remote IRR and even the
 * base address may be set; the MMIO device stays registered at the old
 * base). IRR is rebuilt by re-asserting the supplied pins.
 */
void kvm_set_ioapic(struct kvm *kvm, struct kvm_ioapic_state *state)
{
	struct kvm_ioapic *ioapic = kvm->arch.vioapic;
	int i;

	spin_lock(&ioapic->lock);
	ioapic->base_address = state->base_address;
	ioapic->ioregsel = state->ioregsel;
	ioapic->id = state->id;
	ioapic->pad = state->pad;
	for (i = 0; i < IOAPIC_NUM_PINS; i++)
		ioapic->redirtbl[i].bits = state->redirtbl[i].bits;
	ioapic->irr = 0;
	ioapic->irr_delivered = 0;
	kvm_make_scan_ioapic_request(kvm);
	kvm_ioapic_inject_all(ioapic, state->irr);
	spin_unlock(&ioapic->lock);
}
