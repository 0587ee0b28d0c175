/*
 * fuzz_routing: KVM_SET_GSI_ROUTING tables built from the input (any nr,
 * flags, entries of every type, invalid ones included), applied to a VM
 * with a full, split or no irqchip, interleaved with KVM_IRQ_LINE(_STATUS),
 * KVM_SIGNAL_MSI, guest acks/EOIs and allocation failures.
 *
 * Checked after every step:
 * - the ioctl's result equals a reference validation written here from
 *   kernel-notes 3.1/3.2 (check order does not matter: every rejection is
 *   EINVAL), or ENOMEM right after an injected allocation failure;
 * - on error the old table is still the published one; on success the
 *   published table holds exactly the entries given, nr_rt_entries is the
 *   highest GSI + 1;
 * - KVM_IRQ_LINE status is -1 for a GSI without routes, otherwise within
 *   [-1, 3 * vCPUs]; KVM_SIGNAL_MSI within [-1, vCPUs] or EINVAL exactly
 *   when the reference says so;
 * - every model invariant (model/invariants.c), with remote-IRR pending
 *   tracking: IOAPIC pins use vectors 0x20-0x5f, MSIs 0x80-0xff, so an EOI
 *   can never be lost to vector aliasing;
 * - no checker report (lockdep, RCU, context, memory, WARN).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#include "fuzz_common.h"
#include "fuzz_routing_ref.h"
#include "model/kvm_host.h"
#include "model/invariants.h"

struct routing_state {
	struct fz_env env;
	enum fz_irqchip mode;
	bool x2apic_format;
	bool fault_armed;
};

static bool same_entry(const struct kvm_kernel_irq_routing_entry *k,
		       const struct kvm_irq_routing_entry *u)
{
	if (k->type != u->type || k->gsi != u->gsi)
		return false;
	if (u->type == KVM_IRQ_ROUTING_IRQCHIP)
		return k->irqchip.irqchip == u->u.irqchip.irqchip &&
		       k->irqchip.pin == u->u.irqchip.pin +
				(u->u.irqchip.irqchip == KVM_IRQCHIP_PIC_SLAVE ? 8 : 0);
	return k->msi.address_lo == u->u.msi.address_lo &&
	       k->msi.address_hi == u->u.msi.address_hi && k->msi.data == u->u.msi.data;
}

/* The published table holds exactly t's entries. Main task, nothing else running. */
static void check_table(struct kvm *kvm, const struct ref_table *t)
{
	struct kvm_irq_routing_table *rt = rcu_access_pointer(kvm->irq_routing);
	unsigned int want_nr = 1, i, gsi;

	for (i = 0; i < t->n; i++)
		if (t->e[i].gsi + 1 > want_nr)
			want_nr = t->e[i].gsi + 1;
	FZ_CHECK(rt && rt->nr_rt_entries == want_nr,
		 "routing: nr_rt_entries %u, expected %u", rt ? rt->nr_rt_entries : 0, want_nr);
	for (gsi = 0; gsi < want_nr; gsi++) {
		struct kvm_kernel_irq_routing_entry *k;
		unsigned int want = 0, have = 0;

		for (i = 0; i < t->n; i++)
			want += t->e[i].gsi == gsi;
		hlist_for_each_entry(k, &rt->map[gsi], link) {
			bool found = false;

			have++;
			for (i = 0; i < t->n && !found; i++)
				found = same_entry(k, &t->e[i]);
			FZ_CHECK(found, "routing: GSI %u holds an entry (type %u) nobody asked for",
				 gsi, k->type);
		}
		FZ_CHECK(have == want, "routing: GSI %u has %u entries, %u given", gsi, have, want);
	}
}

static void op_set_routing(struct routing_state *s, struct fz *f)
{
	struct ref_table t;
	struct kvm_irq_routing *arg;
	void *old = rcu_access_pointer(s->env.kvm->irq_routing);
	uint8_t nb = fz_u8(f), fb = fz_u8(f);
	int want;
	long r;
	unsigned int i;

	memset(&t, 0, sizeof(t));
	t.flags = fb >= 0xf0 ? (fb & 0xf) : 0;
	if (nb == 0xfe) {
		r = irqsim_vm_ioctl(s->env.kvm, KVM_SET_GSI_ROUTING, 0);
		FZ_CHECK(r == -EFAULT, "KVM_SET_GSI_ROUTING(NULL) = %ld, expected EFAULT", r);
		return;
	}
	t.nr = nb == 0xff ? 4097 + fz_u8(f) : nb % (MAX_ENTRIES + 1);
	t.n = t.nr <= MAX_ENTRIES ? t.nr : 0;
	for (i = 0; i < t.n; i++)
		decode_entry(f, &t.e[i]);

	/* exactly the bytes the header announces (none for an oversized nr) */
	arg = calloc(1, sizeof(*arg) + t.n * sizeof(arg->entries[0]));
	if (!arg)
		abort();
	arg->nr = t.nr;
	arg->flags = t.flags;
	memcpy(arg->entries, t.e, t.n * sizeof(t.e[0]));
	want = ref_set_routing(s->mode, s->x2apic_format, &t);
	r = irqsim_vm_ioctl(s->env.kvm, KVM_SET_GSI_ROUTING, (unsigned long)arg);
	free(arg);
	if (fz_verbose) {
		fprintf(stderr, "KVM_SET_GSI_ROUTING nr=%u flags=%#x -> %ld (reference %d)\n",
			t.nr, t.flags, r, want);
		for (i = 0; i < t.n; i++)
			fprintf(stderr, "  gsi %u type %u flags %#x chip %u pin %u / msi %#x:%#x data %#x\n",
				t.e[i].gsi, t.e[i].type, t.e[i].flags, t.e[i].u.irqchip.irqchip,
				t.e[i].u.irqchip.pin, t.e[i].u.msi.address_hi, t.e[i].u.msi.address_lo,
				t.e[i].u.msi.data);
	}

	if (r == -ENOMEM && s->fault_armed) {
		s->fault_armed = false;
	} else {
		FZ_CHECK(r == want, "KVM_SET_GSI_ROUTING nr=%u flags=%#x: got %ld, reference %d",
			 t.nr, t.flags, r, want);
	}
	if (r) {
		FZ_CHECK(rcu_access_pointer(s->env.kvm->irq_routing) == old,
			 "KVM_SET_GSI_ROUTING failed (%ld) but replaced the table", r);
		return;
	}
	check_table(s->env.kvm, &t);
}

/* Does the published table route gsi anywhere? */
static bool gsi_routed(struct kvm *kvm, uint32_t gsi)
{
	struct kvm_irq_routing_table *rt = rcu_access_pointer(kvm->irq_routing);

	return rt && gsi < rt->nr_rt_entries && !hlist_empty(&rt->map[gsi]);
}

static void op_irq_line(struct routing_state *s, struct fz *f, bool status)
{
	struct kvm_irq_level lvl;
	int max = 3 * (s->env.nr_vcpus ? s->env.nr_vcpus : 1);
	uint32_t gsi;
	long r;

	decode_irq_line(f, &lvl);
	gsi = lvl.irq;		/* status shares the union with irq */

	r = irqsim_vm_ioctl(s->env.kvm, status ? KVM_IRQ_LINE_STATUS : KVM_IRQ_LINE,
			    (unsigned long)&lvl);
	if (s->mode == FZ_IRQCHIP_NONE) {
		FZ_CHECK(r == -ENXIO, "KVM_IRQ_LINE without irqchip = %ld, expected ENXIO", r);
		return;
	}
	FZ_CHECK(r == 0, "KVM_IRQ_LINE gsi %u level %u = %ld", gsi, lvl.level, r);
	if (!status)
		return;
	if (fz_verbose)
		fprintf(stderr, "KVM_IRQ_LINE_STATUS gsi %u level %u -> status %d\n",
			gsi, lvl.level, lvl.status);
	FZ_CHECK(lvl.status >= -1 && lvl.status <= max,
		 "KVM_IRQ_LINE_STATUS gsi %u: status %d outside [-1, %d]", gsi, lvl.status, max);
	FZ_CHECK(gsi_routed(s->env.kvm, gsi) || lvl.status == -1,
		 "KVM_IRQ_LINE_STATUS gsi %u has no route but status %d", gsi, lvl.status);
}

static void op_signal_msi(struct routing_state *s, struct fz *f)
{
	struct kvm_msi msi;
	bool einval;
	long r;

	decode_signal_msi(f, &msi);
	einval = s->mode == FZ_IRQCHIP_NONE || (msi.flags & ~KVM_MSI_VALID_DEVID) ||
		 (s->x2apic_format && (msi.address_hi & 0xff));
	r = irqsim_vm_ioctl(s->env.kvm, KVM_SIGNAL_MSI, (unsigned long)&msi);

	if (einval)
		FZ_CHECK(r == -EINVAL, "KVM_SIGNAL_MSI = %ld, reference EINVAL", r);
	else
		FZ_CHECK(r >= -1 && r <= s->env.nr_vcpus && (s->env.nr_vcpus || r == -1),
			 "KVM_SIGNAL_MSI addr %#x data %#x = %ld with %d vCPUs",
			 msi.address_lo, msi.data, r, s->env.nr_vcpus);
}

static void setup(struct routing_state *s, struct fz *f)
{
	uint8_t h = fz_u8(f);
	int nr_vcpus, i, pins;

	s->mode = (enum fz_irqchip[]){ FZ_IRQCHIP_KERNEL, FZ_IRQCHIP_KERNEL,
				       FZ_IRQCHIP_SPLIT, FZ_IRQCHIP_NONE }[h & 3];
	s->x2apic_format = h & 4;
	nr_vcpus = (h >> 3) % 3;
	fz_env_begin(&s->env, fz_u8(f), NULL, 0);
	fz_env_irqchip(&s->env, s->mode);
	if (s->x2apic_format) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_X2APIC_API,
			.args = { KVM_X2APIC_API_USE_32BIT_IDS },
		};
		long r = irqsim_vm_ioctl(s->env.kvm, KVM_ENABLE_CAP, (unsigned long)&cap);

		FZ_CHECK(r == 0, "KVM_ENABLE_CAP(X2APIC_API) = %ld", r);
	}
	for (i = 0; i < nr_vcpus; i++)
		fz_env_add_vcpu(&s->env, (unsigned long)i);
	if (s->mode != FZ_IRQCHIP_KERNEL || !nr_vcpus)
		return;
	/* a few unmasked IOAPIC pins, fixed or lowest priority, vectors 0x20-0x5f */
	pins = fz_pick(f, 9);
	for (i = 0; i < pins; i++) {
		uint8_t a = fz_u8(f), b = fz_u8(f);
		uint64_t entry = 0x20 + (a & 0x3f);

		entry |= (uint64_t)(b & 1) << 8;	/* lowest priority */
		entry |= (uint64_t)((b >> 1) & 1) << 11;	/* logical */
		entry |= (uint64_t)((b >> 2) & 1) << 15;	/* level */
		entry |= (uint64_t)(((b >> 3) & 7) == 7) << 16;	/* masked */
		entry |= (uint64_t)((b >> 6) % nr_vcpus + ((b >> 1) & 1)) << 56;
		FZ_CHECK(fz_ioapic_write_entry(irqsim_vcpu(s->env.kvm, 0), (a >> 6) * 6 + (b % 6),
					       entry) >= 0, "programming the IOAPIC failed");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct routing_state s = { 0 };
	struct fz f;
	int steps = 0;

	fz_init(&f, data, size);
	setup(&s, &f);
	while (fz_more(&f) && steps++ < 256) {
		struct kvm_vcpu *v = s.env.nr_vcpus ?
			irqsim_vcpu(s.env.kvm, fz_u8(&f) % s.env.nr_vcpus) : NULL;
		int n;

		switch (fz_pick(&f, 9)) {
		case 0: case 1:
			op_set_routing(&s, &f);
			break;
		case 2:
			op_irq_line(&s, &f, false);
			break;
		case 3:
			op_irq_line(&s, &f, true);
			break;
		case 4:
			op_signal_msi(&s, &f);
			break;
		case 5:
			if (v)
				FZ_CHECK(irqsim_guest_ack(v) >= -1, "ack out of range");
			break;
		case 6:
			if (v)
				irqsim_guest_eoi(v);
			break;
		case 7:
			sim_settle(s.env.sim);
			break;
		default:
			sim_fail_nth_alloc(s.env.sim, 1 + fz_u8(&f) % 8);
			s.fault_armed = true;
			break;
		}
		sim_settle(s.env.sim);
		/*
		 * Not KVM_INV_REMOTE_IRR_PENDING: these programs may give an
		 * edge and a level pin one vector, which strands remote IRR in
		 * the kernel too (tests/scenarios/remote_irr_shared_vector.scn).
		 */
		n = kvm_check_invariants(s.env.kvm);
		FZ_CHECK(n == 0, "%d model invariant(s) broken (step %d)", n, steps);
		fz_env_check_reports(&s.env, "a routing step");
	}
	sim_fail_nth_alloc(s.env.sim, 0);
	fz_env_end(&s.env);
	return 0;
}
