// SPDX-License-Identifier: GPL-2.0-only
/*
 * Model invariants (see invariants.h). Each check names the rule, the
 * lock that makes the state it reads stable, and why the rule holds in
 * the kernel. The list (ids as they appear in reports):
 *
 * routing.table      kvm->irq_routing is never NULL; 1 <= nr_rt_entries <= 4096;
 *                    every entry sits in its own GSI's list, has a set callback,
 *                    a known type and valid chip/pin (setup_routing_entry).
 * routing.conflict   a GSI has one non-IRQCHIP entry, or up to 3 IRQCHIP
 *                    entries on distinct chips.
 * routing.chipmap    chip[c][p] names a GSI that really has an (c, p) entry,
 *                    every (c, p) entry is in the map, PIC pins stay in their
 *                    chip's half, unused cells are -1.
 * irqfd.cache        an active irqfd's irq_entry equals the GSI's only route,
 *                    or has type 0 when the GSI has 0 or >= 2 routes
 *                    (irqfd_update under irq_lock + irqfds.lock).
 * irqfd.hooked       an active irqfd is the priority waiter at the head of its
 *                    eventfd's wait queue ("listed" <=> "hooked").
 * irqfd.exclusive    no two active irqfds share an eventfd.
 * irqfd.resample     a resampling irqfd is on its resampler's list, the
 *                    resampler is on resampler_list and has the irqfd's GSI.
 * resampler.nonempty every resampler on resampler_list has >= 1 irqfd, each
 *                    pointing back to it; one resampler per GSI; its ack
 *                    notifier is registered.
 * irqfd.released     (kvm_check_eventfd_released) no active irqfd on an
 *                    eventfd whose file was released: EPOLLHUP deactivates.
 * iobus.sorted       adjacent ranges satisfy kvm_io_bus_cmp(r[i], r[i+1]) <= 0,
 *                    the order that sorted insertion creates and removal keeps.
 * iobus.count        0 <= ioeventfd_count <= dev_count; the non-ioeventfd
 *                    devices are exactly the in-kernel IOAPIC (MMIO) and the
 *                    three PIC ports (PIO); the ioeventfd counts of all buses
 *                    add up to the length of kvm->ioeventfds.
 * ioapic.remote_irr  remote IRR only on a level-triggered entry; with
 *                    KVM_INV_REMOTE_IRR_PENDING also only while some vCPU
 *                    has that vector in IRR or ISR (EOI pending).
 * ioapic.irr         an IRR bit implies an asserted line (some source bit).
 * lapic.isr          isr_count = bits set in ISR; highest_isr_cache is -1 or
 *                    the highest ISR bit (APICv-less bookkeeping).
 * lapic.irr          a non-empty IRR has irr_pending set.
 * lapic.ppr          PPR = TPR if TPR's class >= the highest ISR class,
 *                    else that class (__apic_update_ppr runs on every change).
 * pic.elcr           ELCR bits outside elcr_mask are never set.
 */
#include <stdarg.h>
#include <stdio.h>

#include <kshim/kernel.h>
#include <kshim/mutex.h>
#include <kshim/spinlock.h>
#include <kshim/eventfd.h>
#include <irqsim/sim.h>

#include "kvm_host.h"
#include "kvm_irqfd.h"
#include "iodev.h"
#include "ioapic.h"
#include "i8259.h"
#include "lapic.h"
#include "invariants.h"

struct inv_ctx {
	struct kvm *kvm;
	unsigned int flags;
	int broken;
};

/* model-only: file one invariant report (the kernel has no such checker). */
static void __attribute__((format(printf, 3, 4)))
inv_fail(struct inv_ctx *c, const char *id, const char *fmt, ...)
{
	char title[96], text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(title, sizeof(title), "BUG: irqsim invariant broken: %s", id);
	sim_report(SIM_REPORT_INVARIANT, title, "%s\n%s\n", title, text);
	c->broken++;
}

/* ---- routing (irq_lock held) --------------------------------------------- */

/* model-only: the chip/pin ranges kvm_set_routing_entry() enforces. */
static bool inv_pin_ok(const struct kvm_kernel_irq_routing_entry *e)
{
	switch (e->irqchip.irqchip) {
	case KVM_IRQCHIP_PIC_MASTER:
		return e->irqchip.pin < 8;
	case KVM_IRQCHIP_PIC_SLAVE:
		return e->irqchip.pin >= 8 && e->irqchip.pin < 16;
	case KVM_IRQCHIP_IOAPIC:
		return e->irqchip.pin < KVM_IRQCHIP_NUM_PINS;
	default:
		return false;
	}
}

/* model-only: does GSI gsi have an IRQCHIP entry for (chip, pin)? */
static bool inv_gsi_has_pin(struct kvm_irq_routing_table *rt, int gsi,
			    unsigned int chip, unsigned int pin)
{
	struct kvm_kernel_irq_routing_entry *e;

	if (gsi < 0 || (u32)gsi >= rt->nr_rt_entries)
		return false;
	hlist_for_each_entry(e, &rt->map[gsi], link)
		if (e->type == KVM_IRQ_ROUTING_IRQCHIP &&
		    e->irqchip.irqchip == chip && e->irqchip.pin == pin)
			return true;
	return false;
}

/* model-only: routing.table, routing.conflict, routing.chipmap; irq_lock held. */
static void inv_check_routing(struct inv_ctx *c, struct kvm_irq_routing_table *rt)
{
	struct kvm_kernel_irq_routing_entry *e;
	unsigned int chip, pin;
	u32 gsi;

	if (!rt) {
		inv_fail(c, "routing.table", "kvm->irq_routing is NULL");
		return;
	}
	if (rt->nr_rt_entries < 1 || rt->nr_rt_entries > KVM_MAX_IRQ_ROUTES) {
		inv_fail(c, "routing.table", "nr_rt_entries %u outside 1..%d",
			 rt->nr_rt_entries, KVM_MAX_IRQ_ROUTES);
		return;
	}
	for (gsi = 0; gsi < rt->nr_rt_entries; gsi++) {
		int n = 0, n_chip = 0;
		unsigned int chips_seen = 0;

		hlist_for_each_entry(e, &rt->map[gsi], link) {
			n++;
			if (e->gsi != gsi || !e->set)
				inv_fail(c, "routing.table",
					 "GSI %u list holds an entry for GSI %u (set %p)",
					 gsi, e->gsi, (void *)e->set);
			if (e->type == KVM_IRQ_ROUTING_IRQCHIP) {
				n_chip++;
				if (!inv_pin_ok(e)) {
					inv_fail(c, "routing.table", "GSI %u: bad chip %u pin %u",
						 gsi, e->irqchip.irqchip, e->irqchip.pin);
					continue;
				}
				if (chips_seen & (1u << e->irqchip.irqchip))
					inv_fail(c, "routing.conflict",
						 "GSI %u: two entries on chip %u", gsi,
						 e->irqchip.irqchip);
				chips_seen |= 1u << e->irqchip.irqchip;
				if (!inv_gsi_has_pin(rt, rt->chip[e->irqchip.irqchip][e->irqchip.pin],
						     e->irqchip.irqchip, e->irqchip.pin))
					inv_fail(c, "routing.chipmap",
						 "GSI %u routes chip %u pin %u but chip map says %d",
						 gsi, e->irqchip.irqchip, e->irqchip.pin,
						 rt->chip[e->irqchip.irqchip][e->irqchip.pin]);
			} else if (e->type != KVM_IRQ_ROUTING_MSI) {
				inv_fail(c, "routing.table", "GSI %u: entry of type %u", gsi, e->type);
			}
		}
		if (n > KVM_NR_IRQCHIPS || (n_chip != n && n > 1))
			inv_fail(c, "routing.conflict", "GSI %u: %d entries, %d of them IRQCHIP",
				 gsi, n, n_chip);
	}
	for (chip = 0; chip < KVM_NR_IRQCHIPS; chip++) {
		for (pin = 0; pin < KVM_IRQCHIP_NUM_PINS; pin++) {
			int g = rt->chip[chip][pin];
			bool pin_exists = chip == KVM_IRQCHIP_IOAPIC ||
				(chip == KVM_IRQCHIP_PIC_MASTER ? pin < 8 : pin >= 8 && pin < 16);

			if (g == -1)
				continue;
			if (!pin_exists || !inv_gsi_has_pin(rt, g, chip, pin))
				inv_fail(c, "routing.chipmap",
					 "chip %u pin %u maps to GSI %d, which has no such entry",
					 chip, pin, g);
		}
	}
}

/* ---- ack notifiers, resamplers, irqfds ------------------------------------- */

/* model-only: is kian on irq_ack_notifier_list? irq_lock held. */
static bool inv_ack_notifier_registered(struct kvm *kvm, struct kvm_irq_ack_notifier *kian)
{
	struct kvm_irq_ack_notifier *n;

	hlist_for_each_entry(n, &kvm->irq_ack_notifier_list, link)
		if (n == kian)
			return true;
	return false;
}

/* model-only: resampler.nonempty; resampler_lock and irq_lock held. */
static void inv_check_resamplers(struct inv_ctx *c)
{
	struct kvm *kvm = c->kvm;
	struct kvm_kernel_irqfd_resampler *r, *r2;
	struct kvm_kernel_irqfd *irqfd;

	list_for_each_entry(r, &kvm->irqfds.resampler_list, link) {
		if (list_empty(&r->list))
			inv_fail(c, "resampler.nonempty",
				 "resampler for GSI %u has no irqfd", r->notifier.gsi);
		if (r->kvm != kvm)
			inv_fail(c, "resampler.nonempty", "resampler for GSI %u belongs to another VM",
				 r->notifier.gsi);
		list_for_each_entry(irqfd, &r->list, resampler_link)
			if (irqfd->resampler != r || (u32)irqfd->gsi != r->notifier.gsi)
				inv_fail(c, "resampler.nonempty",
					 "irqfd (GSI %d) on resampler of GSI %u points to %p",
					 irqfd->gsi, r->notifier.gsi, (void *)irqfd->resampler);
		if (!inv_ack_notifier_registered(kvm, &r->notifier))
			inv_fail(c, "resampler.nonempty",
				 "resampler for GSI %u: ack notifier not registered", r->notifier.gsi);
		r2 = r;
		list_for_each_entry_continue(r2, &kvm->irqfds.resampler_list, link)
			if (r2->notifier.gsi == r->notifier.gsi)
				inv_fail(c, "resampler.nonempty",
					 "two resamplers for GSI %u", r->notifier.gsi);
	}
}

/* model-only: two routing entries equal field by field (irqfd.cache). */
static bool inv_same_route(const struct kvm_kernel_irq_routing_entry *a,
			   const struct kvm_kernel_irq_routing_entry *b)
{
	if (a->type != b->type || a->gsi != b->gsi)
		return false;
	if (a->type == KVM_IRQ_ROUTING_IRQCHIP)
		return a->irqchip.irqchip == b->irqchip.irqchip &&
		       a->irqchip.pin == b->irqchip.pin;
	if (a->type == KVM_IRQ_ROUTING_MSI)
		return a->msi.address_lo == b->msi.address_lo &&
		       a->msi.address_hi == b->msi.address_hi &&
		       a->msi.data == b->msi.data;
	return true;
}

/* model-only: is node on head (list walk, no assumption about poisoning)? */
static bool inv_on_list(struct list_head *node, struct list_head *head)
{
	struct list_head *p;

	list_for_each(p, head)
		if (p == node)
			return true;
	return false;
}

/* model-only: irqfd.*; irq_lock and irqfds.lock held (and resampler_lock). */
static void inv_check_irqfd(struct inv_ctx *c, struct kvm_kernel_irqfd *irqfd)
{
	struct kvm *kvm = c->kvm;
	struct kvm_kernel_irq_routing_entry routes[KVM_NR_IRQCHIPS];
	struct eventfd_ctx *ctx = irqfd->eventfd;
	struct kvm_kernel_irqfd *other;
	wait_queue_entry_t *head;
	int n;

	if (irqfd->kvm != kvm)
		inv_fail(c, "irqfd.cache", "irqfd for GSI %d belongs to another VM", irqfd->gsi);

	n = kvm_irq_map_gsi(kvm, routes, irqfd->gsi);
	if (n == 1 ? !inv_same_route(&irqfd->irq_entry, &routes[0])
		   : irqfd->irq_entry.type != 0)
		inv_fail(c, "irqfd.cache",
			 "irqfd for GSI %d caches type %u but the GSI has %d route(s)%s",
			 irqfd->gsi, irqfd->irq_entry.type, n,
			 n == 1 ? " that differ" : "");

	/*
	 * irqfds.lock -> wait-queue lock is the registration order, and the
	 * EPOLLHUP path takes them the other way round: registration is safe
	 * only because it holds a file reference, which the checker does not.
	 * So only try: a busy wait queue (a wakeup or release in progress on
	 * another task) skips this irqfd.
	 */
	if (spin_trylock(&ctx->wqh.lock)) {
		head = list_empty(&ctx->wqh.head) ? NULL :
			list_first_entry(&ctx->wqh.head, wait_queue_entry_t, entry);
		if (head != &irqfd->wait || !(irqfd->wait.flags & WQ_FLAG_PRIORITY))
			inv_fail(c, "irqfd.hooked",
				 "active irqfd for GSI %d (eventfd %d) is not the priority waiter of its eventfd",
				 irqfd->gsi, ctx->id);
		spin_unlock(&ctx->wqh.lock);
	}

	other = irqfd;
	list_for_each_entry_continue(other, &kvm->irqfds.items, list)
		if (other->eventfd == ctx)
			inv_fail(c, "irqfd.exclusive",
				 "irqfds for GSI %d and %d share eventfd %d",
				 irqfd->gsi, other->gsi, ctx->id);

	if (irqfd->resampler) {
		if (!irqfd->resamplefd ||
		    irqfd->resampler->notifier.gsi != (u32)irqfd->gsi ||
		    !inv_on_list(&irqfd->resampler_link, &irqfd->resampler->list) ||
		    !inv_on_list(&irqfd->resampler->link, &kvm->irqfds.resampler_list))
			inv_fail(c, "irqfd.resample",
				 "resampling irqfd for GSI %d is not linked to a live resampler of its GSI",
				 irqfd->gsi);
	}
}

/* model-only: routing, resamplers and irqfds, under their locks in the documented order. */
static void inv_check_irq_state(struct inv_ctx *c)
{
	struct kvm *kvm = c->kvm;
	struct kvm_kernel_irqfd *irqfd;

	/* the documented order: resampler_lock -> irq_lock -> irqfds.lock */
	mutex_lock(&kvm->irqfds.resampler_lock);
	mutex_lock(&kvm->irq_lock);
	inv_check_routing(c, rcu_dereference_protected(kvm->irq_routing,
						       lockdep_is_held(&kvm->irq_lock)));
	inv_check_resamplers(c);
	spin_lock_irq(&kvm->irqfds.lock);
	list_for_each_entry(irqfd, &kvm->irqfds.items, list)
		inv_check_irqfd(c, irqfd);
	spin_unlock_irq(&kvm->irqfds.lock);
	mutex_unlock(&kvm->irq_lock);
	mutex_unlock(&kvm->irqfds.resampler_lock);
}

/* ---- io buses (slots_lock held) --------------------------------------------- */

/* model-only: kvm_io_bus_cmp() written again, so the check does not trust the code it checks */
static int inv_bus_cmp(const struct kvm_io_range *r1, const struct kvm_io_range *r2)
{
	u64 a1 = r1->addr, a2 = r2->addr;

	if (a1 < a2)
		return -1;
	if (r2->len) {
		a1 += (u64)r1->len;
		a2 += (u64)r2->len;
	}
	return a1 > a2 ? 1 : 0;
}

/* model-only: is dev the in-kernel IOAPIC or one of the PIC ports (iobus.count)? */
static bool inv_is_chip_dev(struct kvm *kvm, struct kvm_io_device *dev)
{
	struct kvm_ioapic *ioapic = kvm->arch.vioapic;
	struct kvm_pic *pic = kvm->arch.vpic;

	return (ioapic && dev == &ioapic->dev) ||
	       (pic && (dev == &pic->dev_master || dev == &pic->dev_slave ||
			dev == &pic->dev_elcr));
}

/* model-only: iobus.sorted and iobus.count, under slots_lock. */
static void inv_check_buses(struct inv_ctx *c)
{
	static const char *const names[KVM_NR_BUSES] = {
		"MMIO", "PIO", "VIRTIO_CCW_NOTIFY", "FAST_MMIO", "IOCSR",
	};
	struct kvm *kvm = c->kvm;
	struct list_head *p;
	long total = 0, listed = 0;
	bool all_buses = true;
	int b, i;

	mutex_lock(&kvm->slots_lock);
	for (b = 0; b < KVM_NR_BUSES; b++) {
		struct kvm_io_bus *bus = rcu_dereference_protected(kvm->buses[b],
					lockdep_is_held(&kvm->slots_lock));
		int chip_devs = 0;

		if (!bus) {
			all_buses = false;	/* torn down by a failed unregistration */
			continue;
		}
		if (bus->dev_count < 0 || bus->ioeventfd_count < 0 ||
		    bus->ioeventfd_count > bus->dev_count) {
			inv_fail(c, "iobus.count", "%s bus: dev_count %d, ioeventfd_count %d",
				 names[b], bus->dev_count, bus->ioeventfd_count);
			continue;
		}
		for (i = 0; i < bus->dev_count; i++) {
			if (!bus->range[i].dev || bus->range[i].len < 0)
				inv_fail(c, "iobus.count", "%s bus: range %d has dev %p len %d",
					 names[b], i, (void *)bus->range[i].dev, bus->range[i].len);
			else if (inv_is_chip_dev(kvm, bus->range[i].dev))
				chip_devs++;
			if (i + 1 < bus->dev_count &&
			    inv_bus_cmp(&bus->range[i], &bus->range[i + 1]) > 0)
				inv_fail(c, "iobus.sorted",
					 "%s bus: range %d [0x%llx+%d] sorts after range %d [0x%llx+%d]",
					 names[b], i, (unsigned long long)bus->range[i].addr,
					 bus->range[i].len, i + 1,
					 (unsigned long long)bus->range[i + 1].addr,
					 bus->range[i + 1].len);
		}
		if (bus->dev_count - chip_devs != bus->ioeventfd_count)
			inv_fail(c, "iobus.count",
				 "%s bus: %d devices, %d of them irqchip devices, but ioeventfd_count %d",
				 names[b], bus->dev_count, chip_devs, bus->ioeventfd_count);
		total += bus->ioeventfd_count;
	}
	list_for_each(p, &kvm->ioeventfds)
		listed++;
	if (all_buses && listed != total)
		inv_fail(c, "iobus.count", "kvm->ioeventfds holds %ld, the buses count %ld",
			 listed, total);
	mutex_unlock(&kvm->slots_lock);
}

/* ---- IOAPIC, PIC, LAPICs ------------------------------------------------------ */

/* model-only: the 32-bit IRR/ISR/TMR register holding vec. */
static u32 inv_reg_bank_word(struct kvm_lapic *apic, int bank, int vec)
{
	return kvm_lapic_get_reg(apic, bank + APIC_VECTOR_TO_REG_OFFSET(vec));
}

/* model-only: apic_test_vector() written again, so the check does not trust the code it checks. */
static bool inv_bank_test(struct kvm_lapic *apic, int bank, int vec)
{
	return inv_reg_bank_word(apic, bank, vec) & (1u << APIC_VECTOR_TO_BIT_NUMBER(vec));
}

/* model-only: highest vector set in a bank (-1 none), and how many are set. */
static int inv_bank_highest(struct kvm_lapic *apic, int bank, int *count)
{
	int vec, hi = -1;

	*count = 0;
	for (vec = 0; vec < MAX_APIC_VECTOR; vec += APIC_VECTORS_PER_REG) {
		u32 w = inv_reg_bank_word(apic, bank, vec);

		*count += hweight32(w);
		if (w)
			hi = vec + fls(w) - 1;
	}
	return hi;
}

/* model-only: does some vCPU hold vector in IRR or ISR? */
static bool inv_vector_pending(struct kvm *kvm, int vector)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm) {
		struct kvm_lapic *apic = vcpu->arch.apic;

		if (apic && (inv_bank_test(apic, APIC_IRR, vector) ||
			     inv_bank_test(apic, APIC_ISR, vector)))
			return true;
	}
	return false;
}

/* model-only: ioapic.remote_irr and ioapic.irr, under ioapic->lock. */
static void inv_check_ioapic(struct inv_ctx *c)
{
	struct kvm_ioapic *ioapic = c->kvm->arch.vioapic;
	union kvm_ioapic_redirect_entry tbl[IOAPIC_NUM_PINS];
	unsigned long states[IOAPIC_NUM_PINS];
	u32 irr;
	int pin;

	if (!ioapic)
		return;
	/* snapshot: the vCPU side is read without ioapic->lock (not irq-safe, never nested) */
	spin_lock(&ioapic->lock);
	memcpy(tbl, ioapic->redirtbl, sizeof(tbl));
	memcpy(states, ioapic->irq_states, sizeof(states));
	irr = ioapic->irr;
	spin_unlock(&ioapic->lock);

	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		const union kvm_ioapic_redirect_entry *e = &tbl[pin];

		if (e->fields.remote_irr && e->fields.trig_mode != IOAPIC_LEVEL_TRIG)
			inv_fail(c, "ioapic.remote_irr",
				 "pin %d: remote IRR set on an edge-triggered entry (0x%016llx)",
				 pin, (unsigned long long)e->bits);
		if (e->fields.remote_irr && (c->flags & KVM_INV_REMOTE_IRR_PENDING) &&
		    !inv_vector_pending(c->kvm, e->fields.vector))
			inv_fail(c, "ioapic.remote_irr",
				 "pin %d: remote IRR set but no vCPU holds vector 0x%x in IRR or ISR",
				 pin, e->fields.vector);
		if ((irr & (1u << pin)) && !states[pin])
			inv_fail(c, "ioapic.irr", "pin %d: IRR set with no source asserting the line",
				 pin);
	}
}

/* model-only: pic.elcr, under pic->lock. */
static void inv_check_pic(struct inv_ctx *c)
{
	struct kvm_pic *pic = c->kvm->arch.vpic;
	int i;

	if (!pic)
		return;
	spin_lock(&pic->lock);
	for (i = 0; i < 2; i++)
		if (pic->pics[i].elcr & ~pic->pics[i].elcr_mask)
			inv_fail(c, "pic.elcr", "%s: ELCR 0x%02x outside mask 0x%02x",
				 i ? "slave" : "master", pic->pics[i].elcr, pic->pics[i].elcr_mask);
	spin_unlock(&pic->lock);
}

/* model-only: lapic.isr, lapic.irr and lapic.ppr, under vcpu->mutex. */
static void inv_check_lapic(struct inv_ctx *c, struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	int isr_hi, isr_n, irr_hi, irr_n;
	u32 tpr, ppr, want;

	if (!apic)
		return;
	mutex_lock(&vcpu->mutex);
	isr_hi = inv_bank_highest(apic, APIC_ISR, &isr_n);
	irr_hi = inv_bank_highest(apic, APIC_IRR, &irr_n);
	if (apic->isr_count != isr_n)
		inv_fail(c, "lapic.isr", "vCPU %d: isr_count %d, ISR has %d bits",
			 vcpu->vcpu_idx, apic->isr_count, isr_n);
	if (apic->highest_isr_cache != -1 && apic->highest_isr_cache != isr_hi)
		inv_fail(c, "lapic.isr", "vCPU %d: highest_isr_cache %d, highest ISR bit %d",
			 vcpu->vcpu_idx, apic->highest_isr_cache, isr_hi);
	if (irr_n && !READ_ONCE(apic->irr_pending))
		inv_fail(c, "lapic.irr", "vCPU %d: IRR holds 0x%x but irr_pending is clear",
			 vcpu->vcpu_idx, irr_hi);

	tpr = kvm_lapic_get_reg(apic, APIC_TASKPRI);
	ppr = kvm_lapic_get_reg(apic, APIC_PROCPRI);
	if (isr_hi < 0)
		isr_hi = 0;
	want = (tpr & 0xf0) >= ((u32)isr_hi & 0xf0) ? (tpr & 0xff) : ((u32)isr_hi & 0xf0);
	if (ppr != want)
		inv_fail(c, "lapic.ppr", "vCPU %d: PPR 0x%x, TPR 0x%x and highest ISR 0x%x give 0x%x",
			 vcpu->vcpu_idx, ppr, tpr, isr_hi, want);
	mutex_unlock(&vcpu->mutex);
}

/* model-only: every invariant of the VM (invariants.h); the number broken. */
int kvm_check_invariants_flags(struct kvm *kvm, unsigned int flags)
{
	struct inv_ctx c = { .kvm = kvm, .flags = flags };
	struct kvm_vcpu *vcpu;
	unsigned long i;

	if (!kvm)
		return 0;
	inv_check_irq_state(&c);
	inv_check_buses(&c);
	inv_check_ioapic(&c);
	inv_check_pic(&c);
	kvm_for_each_vcpu(i, vcpu, kvm)
		inv_check_lapic(&c, vcpu);
	return c.broken;
}

/* model-only: kvm_check_invariants_flags() with the default flags. */
int kvm_check_invariants(struct kvm *kvm)
{
	return kvm_check_invariants_flags(kvm, 0);
}

/* model-only: irqfd.released, once an eventfd's file is gone. */
int kvm_check_eventfd_released(struct kvm *kvm, struct eventfd_ctx *ctx)
{
	struct inv_ctx c = { .kvm = kvm };
	struct kvm_kernel_irqfd *irqfd;

	if (!kvm || !ctx)
		return 0;
	spin_lock_irq(&kvm->irqfds.lock);
	list_for_each_entry(irqfd, &kvm->irqfds.items, list)
		if (irqfd->eventfd == ctx)
			inv_fail(&c, "irqfd.released",
				 "irqfd for GSI %d still active on released eventfd %d",
				 irqfd->gsi, ctx->id);
	spin_unlock_irq(&kvm->irqfds.lock);
	return c.broken;
}
