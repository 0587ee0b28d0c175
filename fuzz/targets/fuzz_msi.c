/*
 * fuzz_msi: 1-16 vCPUs (ids possibly sparse), LAPICs programmed by the
 * guest (xAPIC id, LDR, DFR flat/cluster/garbage, software enable/disable,
 * x2APIC mode), optional KVM_CAP_X2APIC_API flags, and MSIs with every
 * address/data bit, sent with KVM_SIGNAL_MSI.
 *
 * Each MSI is checked against a small reference written here from
 * kernel-notes 4.4 and 6.1-6.5, which tracks the LAPIC registers itself
 * (it never reads them from the model):
 * - decode: destination (address_lo[19:12], address_hi[31:8] with 32-bit
 *   x2APIC ids), logical bit, redirection hint, vector, delivery mode,
 *   trigger; EINVAL for bad flags or reserved address_hi bits;
 * - matching (kvm_apic_match_dest): physical, logical flat/cluster, x2APIC
 *   cluster, broadcast, the 0xff -> x2APIC broadcast quirk, the hot-plug
 *   hack (ids > 0xff compare with the x2APIC id);
 * - acceptance: fixed/lowest need a software-enabled APIC, NMI/SMI/INIT/
 *   SIPI/remote-read are always taken, ExtINT never;
 * - fixed (not lowest priority): the return value is the number of
 *   acceptances when something matched, 0 or -1 when nothing did; exactly
 *   the accepting APICs get the vector in IRR (TMR = trigger);
 * - lowest priority (mode 1 or the hint; physical 0xff downgrades mode 1 to
 *   fixed): at most one receiver, among the matching APICs; -1 only when no
 *   software-enabled APIC matched.
 * Plus model invariants and checker reports after every step.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>

#include "fuzz_common.h"
#include "fuzz_msi_ref.h"
#include "model/kvm_host.h"
#include "model/lapic.h"
#include "model/invariants.h"

struct msi_state {
	struct fz_env env;
	struct ref_vm ref;
};

static struct kvm_lapic *model_apic(struct msi_state *s, int i)
{
	return irqsim_vcpu(s->env.kvm, i)->arch.apic;
}

static bool irr_has(struct msi_state *s, int i, int v)
{
	return apic_test_vector(v, (char *)model_apic(s, i)->regs + APIC_IRR);
}

static void op_msi(struct msi_state *s, struct fz *f)
{
	struct kvm_msi msi;
	struct msg m;
	bool before[MAX_VCPUS], match[MAX_VCPUS], lowest, fresh = true;
	int i, r, want = 0, nmatch = 0, nsw = 0, delta = 0;

	decode_msi(f, &s->ref, &msi);
	msi_to_msg(&s->ref, &msi, &m);

	for (i = 0; i < s->ref.n; i++) {
		before[i] = irr_has(s, i, m.vector);
		match[i] = ref_match(&s->ref, &s->ref.apic[i], &m);
	}
	r = (int)irqsim_vm_ioctl(s->env.kvm, KVM_SIGNAL_MSI, (unsigned long)&msi);
	if (s->ref.x2apic_format && (msi.address_hi & 0xff)) {
		FZ_CHECK(r == -EINVAL, "KVM_SIGNAL_MSI with reserved address_hi bits: %d", r);
		return;
	}
	/* slow path: physical 0xff with lowest priority becomes fixed (the hint stays) */
	if (!m.logical && m.dest == 0xff && (m.dm == 1 || m.hint))
		m.dm = m.dm == 1 ? 0 : m.dm;
	lowest = m.dm == 1 || m.hint;

	if (mixed_modes(&s->ref) || disabled_logical_target(&s->ref, &m, match)) {
		/*
		 * Known kernel behaviour with xAPIC and x2APIC APICs side by side
		 * (docs/fuzzing.md, findings): the fast path indexes phys_map,
		 * which holds xAPIC APICs by xAPIC id, for x2APIC logical and
		 * (quirk disabled) 0xff physical messages, so it may reach APICs
		 * the slow path's matching rejects, or miss ones it accepts. Only
		 * the bounds are checked then.
		 */
		FZ_CHECK(r >= -1 && r <= s->ref.n && (!lowest || r <= 1),
			 "MSI in a mixed-mode VM returned %d", r);
		return;
	}
	for (i = 0; i < s->ref.n; i++) {
		bool now = irr_has(s, i, m.vector);

		FZ_CHECK(now || !before[i], "MSI cleared vector %#x in vCPU %d's IRR", m.vector, i);
		if (!match[i]) {
			FZ_CHECK(now == before[i],
				 "MSI dest %#x %s vec %#x dm %u hint %d reached vCPU %d (id %u xapic id %#x ldr %#x dfr %#x x2apic %d sw %d), which does not match",
				 m.dest, m.logical ? "logical" : "physical", m.vector, m.dm, m.hint, i,
				 s->ref.apic[i].vcpu_id, s->ref.apic[i].xapic_id, s->ref.apic[i].ldr, s->ref.apic[i].dfr,
				 s->ref.apic[i].x2apic, s->ref.apic[i].sw_enabled);
			continue;
		}
		nmatch++;
		nsw += s->ref.apic[i].sw_enabled;
		fresh &= !before[i];
		delta += now != before[i];
		if (!lowest) {
			bool acc = ref_accepts(&s->ref.apic[i], m.dm);

			want += acc;
			FZ_CHECK(now == (before[i] || (acc && m.dm <= 1)),
				 "MSI dest %#x %s vec %#x dm %u: vCPU %d IRR %d, reference %d",
				 m.dest, m.logical ? "logical" : "physical", m.vector, m.dm, i, now,
				 before[i] || (acc && m.dm <= 1));
			if (acc && m.dm <= 1)
				FZ_CHECK(apic_test_vector(m.vector, (char *)model_apic(s, i)->regs + APIC_TMR) == m.trig,
					 "MSI vec %#x: vCPU %d TMR bit differs from the trigger", m.vector, i);
		}
	}
	if (!lowest) {
		if (nmatch)
			FZ_CHECK(r == want, "MSI dest %#x %s dm %u: returned %d, %d acceptance(s) expected",
				 m.dest, m.logical ? "logical" : "physical", m.dm, r, want);
		else
			FZ_CHECK(r == 0 || r == -1, "MSI to nobody returned %d", r);
		return;
	}
	FZ_CHECK(r >= -1 && r <= 1, "lowest-priority MSI returned %d", r);
	FZ_CHECK(delta <= 1, "lowest-priority MSI reached %d vCPUs", delta);
	FZ_CHECK(r != -1 || (!nsw && !delta), "lowest-priority MSI returned -1 with %d enabled candidates",
		 nsw);
	if (fresh && m.dm <= 1 && r >= 0)
		FZ_CHECK(delta == r, "lowest-priority MSI returned %d but %d vCPU(s) got the vector",
			 r, delta);
}

static void op_lapic(struct msi_state *s, struct fz *f)
{
	int i = fz_u8(f) % s->ref.n;
	struct ref_apic *a = &s->ref.apic[i];
	struct kvm_vcpu *v = irqsim_vcpu(s->env.kvm, i);
	uint8_t b = fz_u8(f);
	int r;

	switch (fz_pick(f, 6)) {
	case 0:
		r = irqsim_guest_lapic_write(v, APIC_ID, (uint32_t)b << 24);
		if (!a->x2apic) {
			FZ_CHECK(r == 0, "xAPIC id write: %d", r);
			a->xapic_id = b;
		}
		break;
	case 1:
		r = irqsim_guest_lapic_write(v, APIC_LDR, (uint32_t)b << 24 | fz_u8(f));
		if (!a->x2apic) {
			FZ_CHECK(r == 0, "LDR write: %d", r);
			a->ldr = (uint32_t)b << 24;
		}
		break;
	case 2: {
		uint32_t dfr = b < 0x80 ? 0xffffffffu : b < 0xf0 ? 0x0fffffffu : (uint32_t)b << 24;

		r = irqsim_guest_lapic_write(v, APIC_DFR, dfr);
		if (!a->x2apic) {
			FZ_CHECK(r == 0, "DFR write: %d", r);
			a->dfr = dfr | 0x0fffffffu;
		}
		break;
	}
	case 3:
		r = irqsim_guest_lapic_write(v, APIC_SPIV, b & 1 ? 0x1ff : 0xff);
		FZ_CHECK(r == 0, "SVR write: %d", r);
		a->sw_enabled = b & 1;
		break;
	case 4:
		if (a->x2apic)
			break;
		mutex_lock(&v->mutex);
		r = kvm_apic_set_base(v, APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
				      X2APIC_ENABLE | (i == 0 ? MSR_IA32_APICBASE_BSP : 0), true);
		mutex_unlock(&v->mutex);
		FZ_CHECK(r == 0, "switching vCPU %d to x2APIC: %d", i, r);
		a->x2apic = true;
		a->ldr = (a->vcpu_id >> 4) << 16 | 1u << (a->vcpu_id & 0xf);
		break;
	default: {
		/* drain: take and retire one interrupt */
		int vec = irqsim_guest_ack(v);

		if (vec >= 0)
			irqsim_guest_eoi(v);
		break;
	}
	}
}

static struct msi_state *dump_state;

/* On a finding: the reference's view and the model's registers, side by side. */
static void dump_apics(void)
{
	struct msi_state *s = dump_state;
	int i;

	fprintf(stderr, "x2apic_format %d broadcast quirk disabled %d\n", s->ref.x2apic_format,
		s->ref.quirk_disabled);
	for (i = 0; i < s->ref.n; i++) {
		struct kvm_lapic *m = model_apic(s, i);

		fprintf(stderr, "vCPU %d id %u: ref xapic_id %#x ldr %#x dfr %#x sw %d x2apic %d | "
			"model ID %#x LDR %#x DFR %#x SVR %#x base %#llx\n", i, s->ref.apic[i].vcpu_id,
			s->ref.apic[i].xapic_id, s->ref.apic[i].ldr, s->ref.apic[i].dfr, s->ref.apic[i].sw_enabled,
			s->ref.apic[i].x2apic, kvm_lapic_get_reg(m, APIC_ID), kvm_lapic_get_reg(m, APIC_LDR),
			kvm_lapic_get_reg(m, APIC_DFR), kvm_lapic_get_reg(m, APIC_SPIV),
			(unsigned long long)irqsim_vcpu(s->env.kvm, i)->arch.apic_base);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msi_state s;
	struct fz f;
	uint8_t h, x;
	uint32_t id = 0;
	int i, steps = 0;

	memset(&s, 0, sizeof(s));
	dump_state = &s;
	fz_on_fail = dump_apics;
	fz_init(&f, data, size);
	h = fz_u8(&f);
	x = fz_u8(&f);
	s.ref.n = 1 + h % MAX_VCPUS;
	fz_env_begin(&s.env, fz_u8(&f), NULL, 0);
	fz_env_irqchip(&s.env, h & 0x10 ? FZ_IRQCHIP_SPLIT : FZ_IRQCHIP_KERNEL);
	if (x & 0x80) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_X2APIC_API, .args = { x & 3 } };

		FZ_CHECK(irqsim_vm_ioctl(s.env.kvm, KVM_ENABLE_CAP, (unsigned long)&cap) == 0,
			 "KVM_ENABLE_CAP(X2APIC_API)");
		s.ref.x2apic_format = x & KVM_X2APIC_API_USE_32BIT_IDS;
		s.ref.quirk_disabled = x & KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK;
	}
	for (i = 0; i < s.ref.n; i++) {
		if (i)
			id += x & 0x40 ? 1 + fz_u8(&f) % 3 : 1;
		fz_env_add_vcpu(&s.env, id);
		s.ref.apic[i] = (struct ref_apic){
			.vcpu_id = id, .xapic_id = (uint8_t)id, .ldr = 0,
			.dfr = 0xffffffffu, .sw_enabled = true,
		};
	}
	while (fz_more(&f) && steps++ < 256) {
		int n;

		if (fz_u8(&f) & 1)
			op_msi(&s, &f);
		else
			op_lapic(&s, &f);
		n = kvm_check_invariants(s.env.kvm);
		FZ_CHECK(n == 0, "%d model invariant(s) broken (step %d)", n, steps);
		fz_env_check_reports(&s.env, "an MSI step");
	}
	fz_on_fail = NULL;
	fz_env_end(&s.env);
	return 0;
}
