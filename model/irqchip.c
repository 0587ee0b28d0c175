// SPDX-License-Identifier: GPL-2.0-only
/*
 * GSI routing, after virt/kvm/irqchip.c: the table readers (under
 * irq_srcu), kvm_set_irq and its return convention, KVM_SIGNAL_MSI, and
 * KVM_SET_GSI_ROUTING: validate and build a complete new table, publish it
 * under irq_lock (refreshing every irqfd's cached entry), wait for an
 * irq_srcu grace period after dropping irq_lock, then free the old table.
 */
#include <kshim/kernel.h>
#include <kshim/slab.h>
#include <kshim/srcu.h>
#include <kshim/nospec.h>

#include "kvm_host.h"
#include "irq.h"

/*
 * kvm_irq_map_gsi(): copy the GSI's entries (at most KVM_NR_IRQCHIPS) into
 * entries[]. Caller holds irq_srcu or irq_lock. A GSI beyond the table has
 * no entries: KVM_IRQ_LINE and irqfds accept any GSI.
 */
int kvm_irq_map_gsi(struct kvm *kvm, struct kvm_kernel_irq_routing_entry *entries, int gsi)
{
	struct kvm_irq_routing_table *irq_rt;
	struct kvm_kernel_irq_routing_entry *e;
	int n = 0;

	irq_rt = srcu_dereference_check(kvm->irq_routing, &kvm->irq_srcu,
					lockdep_is_held(&kvm->irq_lock));
	if (irq_rt && (u32)gsi < irq_rt->nr_rt_entries) {
		hlist_for_each_entry(e, &irq_rt->map[gsi], link) {
			if (WARN_ON_ONCE(n >= KVM_NR_IRQCHIPS))
				break;
			entries[n] = *e;
			++n;
		}
	}
	return n;
}

/* kvm_irq_map_chip_pin(): the GSI routed to (irqchip, pin), or -1; caller holds irq_srcu */
int kvm_irq_map_chip_pin(struct kvm *kvm, unsigned irqchip, unsigned pin)
{
	struct kvm_irq_routing_table *irq_rt;

	irq_rt = srcu_dereference(kvm->irq_routing, &kvm->irq_srcu);
	return irq_rt->chip[irqchip][pin];
}

/* kvm_send_userspace_msi(): KVM_SIGNAL_MSI; the raw kvm_set_msi result */
int kvm_send_userspace_msi(struct kvm *kvm, struct kvm_msi *msi)
{
	struct kvm_kernel_irq_routing_entry route;

	if (!irqchip_in_kernel(kvm) || (msi->flags & ~KVM_MSI_VALID_DEVID))
		return -EINVAL;

	memset(&route, 0, sizeof(route));
	route.msi.address_lo = msi->address_lo;
	route.msi.address_hi = msi->address_hi;
	route.msi.data = msi->data;
	route.msi.flags = msi->flags;
	route.msi.devid = msi->devid;

	kvm_stat_inc(kvm, signal_msi);
	return kvm_set_msi(&route, kvm, KVM_USERSPACE_IRQ_SOURCE_ID, 1, false);
}

/*
 * kvm_set_irq(): assert or de-assert a GSI on every chip it is routed to.
 *  < 0  ignored (no route, masked, not delivered)
 *  = 0  coalesced (a previous interrupt is still pending)
 *  > 0  number of deliveries, summed over the entries
 */
int kvm_set_irq(struct kvm *kvm, int irq_source_id, u32 irq, int level, bool line_status)
{
	struct kvm_kernel_irq_routing_entry irq_set[KVM_NR_IRQCHIPS];
	int ret = -1, i, idx;

	sim_trace_instant("irq", "kvm_set_irq", "gsi=%u level=%d source=%d",
			  irq, level, irq_source_id);

	/*
	 * Which of PIC and IOAPIC the guest uses is unknowable, so both get
	 * the line. The set callbacks run outside irq_srcu, on the copies.
	 */
	idx = srcu_read_lock(&kvm->irq_srcu);
	i = kvm_irq_map_gsi(kvm, irq_set, irq);
	srcu_read_unlock(&kvm->irq_srcu, idx);

	while (i--) {
		int r;

		r = irq_set[i].set(&irq_set[i], kvm, irq_source_id, level, line_status);
		if (r < 0)
			continue;
		ret = r + ((ret < 0) ? 0 : ret);
	}
	return ret;
}

/* free_irq_routing_table() */
static void free_irq_routing_table(struct kvm_irq_routing_table *rt)
{
	u32 i;

	if (!rt)
		return;

	for (i = 0; i < rt->nr_rt_entries; ++i) {
		struct kvm_kernel_irq_routing_entry *e;
		struct hlist_node *n;

		hlist_for_each_entry_safe(e, n, &rt->map[i], link) {
			hlist_del(&e->link);
			kfree(e);
		}
	}
	kfree(rt);
}

/* kvm_free_irq_routing(): VM destruction only; nobody can reach the table any more */
void kvm_free_irq_routing(struct kvm *kvm)
{
	struct kvm_irq_routing_table *rt = rcu_access_pointer(kvm->irq_routing);

	free_irq_routing_table(rt);
	RCU_INIT_POINTER(kvm->irq_routing, NULL);
}

/*
 * setup_routing_entry(): a GSI maps to one non-irqchip entry, or to up to
 * three irqchip entries on distinct chips.
 */
static int setup_routing_entry(struct kvm *kvm, struct kvm_irq_routing_table *rt,
			       struct kvm_kernel_irq_routing_entry *e,
			       const struct kvm_irq_routing_entry *ue)
{
	struct kvm_kernel_irq_routing_entry *ei;
	int r;
	u32 gsi = array_index_nospec(ue->gsi, (u32)KVM_MAX_IRQ_ROUTES);

	hlist_for_each_entry(ei, &rt->map[gsi], link)
		if (ei->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    ue->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    ue->u.irqchip.irqchip == ei->irqchip.irqchip)
			return -EINVAL;

	e->gsi = gsi;
	e->type = ue->type;
	r = kvm_set_routing_entry(kvm, e, ue);
	if (r)
		return r;
	if (e->type == KVM_IRQ_ROUTING_IRQCHIP)
		rt->chip[e->irqchip.irqchip][e->irqchip.pin] = e->gsi;	/* last writer wins */

	hlist_add_head(&e->link, &rt->map[e->gsi]);
	return 0;
}

/*
 * kvm_set_irq_routing(): replace the whole table (entries are never
 * merged with the old ones). Any error leaves the old table in place.
 */
int kvm_set_irq_routing(struct kvm *kvm, const struct kvm_irq_routing_entry *ue,
			unsigned nr, unsigned flags)
{
	struct kvm_irq_routing_table *new, *old;
	struct kvm_kernel_irq_routing_entry *e;
	u32 i, j, nr_rt_entries = 0;
	int r;

	for (i = 0; i < nr; ++i) {
		if (ue[i].gsi >= KVM_MAX_IRQ_ROUTES)
			return -EINVAL;
		nr_rt_entries = max(nr_rt_entries, ue[i].gsi);
	}
	nr_rt_entries += 1;

	new = kzalloc(struct_size(new, map, nr_rt_entries), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;

	new->nr_rt_entries = nr_rt_entries;
	for (i = 0; i < KVM_NR_IRQCHIPS; i++)
		for (j = 0; j < KVM_IRQCHIP_NUM_PINS; j++)
			new->chip[i][j] = -1;

	for (i = 0; i < nr; ++i) {
		r = -ENOMEM;
		e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
		if (!e)
			goto out;

		r = -EINVAL;
		switch (ue->type) {
		case KVM_IRQ_ROUTING_MSI:
			if (ue->flags & ~KVM_MSI_VALID_DEVID)
				goto free_entry;
			break;
		default:
			if (ue->flags)
				goto free_entry;
			break;
		}
		r = setup_routing_entry(kvm, new, e, ue);
		if (r)
			goto free_entry;
		++ue;
	}

	mutex_lock(&kvm->irq_lock);
	old = rcu_dereference_protected(kvm->irq_routing, lockdep_is_held(&kvm->irq_lock));
	rcu_assign_pointer(kvm->irq_routing, new);
	kvm_irq_routing_update(kvm);
	kvm_arch_irq_routing_update(kvm);
	mutex_unlock(&kvm->irq_lock);
	kvm_stat_inc(kvm, routing_updates);

	/* Readers of the old table hold irq_srcu, never irq_lock: wait outside it. */
	synchronize_srcu_expedited(&kvm->irq_srcu);

	new = old;
	r = 0;
	goto out;

free_entry:
	kfree(e);
out:
	free_irq_routing_table(new);
	return r;
}

/*
 * kvm_init_irq_routing(): an empty table at VM creation, so that
 * kvm->irq_routing is never NULL. No grace period: nobody can read it yet.
 */
int kvm_init_irq_routing(struct kvm *kvm)
{
	struct kvm_irq_routing_table *new;
	int i, j;

	new = kzalloc(struct_size(new, map, 1), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;

	new->nr_rt_entries = 1;
	for (i = 0; i < KVM_NR_IRQCHIPS; i++)
		for (j = 0; j < KVM_IRQCHIP_NUM_PINS; j++)
			new->chip[i][j] = -1;

	RCU_INIT_POINTER(kvm->irq_routing, new);
	return 0;
}
