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
#include "model/kvm_host.h"
#include "model/lapic.h"
#include "model/invariants.h"

#define MAX_VCPUS 16

struct ref_apic {
	uint32_t vcpu_id;
	uint8_t xapic_id;
	uint32_t ldr;
	uint32_t dfr;
	bool sw_enabled;
	bool x2apic;
};

struct msi_state {
	struct fz_env env;
	struct ref_apic apic[MAX_VCPUS];
	int n;
	bool x2apic_format;
	bool quirk_disabled;
};

struct msg {
	uint32_t dest;
	bool logical, hint, trig;
	uint8_t vector;
	unsigned int dm;	/* 0..7, APIC_DM_* >> 8 */
};

static bool ref_match(const struct msi_state *s, const struct ref_apic *a, const struct msg *m)
{
	uint32_t mda = m->dest;

	if (!s->quirk_disabled && mda == 0xff && a->x2apic)
		mda = 0xffffffffu;
	if (mda == (a->x2apic ? 0xffffffffu : 0xffu))
		return true;
	if (!m->logical) {
		if (a->x2apic || mda > 0xff)
			return mda == a->vcpu_id;
		return mda == a->xapic_id;
	}
	if (a->x2apic)
		return (a->ldr >> 16) == (mda >> 16) && (a->ldr & mda & 0xffff);
	switch (a->dfr) {
	case 0xffffffffu:
		return ((a->ldr >> 24) & mda) != 0;
	case 0x0fffffffu:
		return ((a->ldr >> 28) == (mda >> 4)) && ((a->ldr >> 24) & mda & 0xf);
	default:
		return false;
	}
}

static bool ref_accepts(const struct ref_apic *a, unsigned int dm)
{
	switch (dm) {
	case 0: case 1:
		return a->sw_enabled;
	case 7:
		return false;	/* ExtINT: only through LVT0 */
	default:
		return true;	/* SMI, remote read, NMI, INIT, SIPI */
	}
}

/*
 * Where the kernel's fast path knowingly differs from the slow path's
 * matching (docs/fuzzing.md, findings): xAPIC and x2APIC APICs side by
 * side, or (32-bit x2APIC ids enabled) two xAPIC APICs with one id, where
 * phys_map keeps the first and ignores the alias.
 */
static bool mixed_modes(const struct msi_state *s)
{
	int i, j, x2 = 0;

	for (i = 0; i < s->n; i++)
		x2 += s->apic[i].x2apic;
	if (x2 && x2 < s->n)
		return true;
	for (i = 0; s->x2apic_format && i < s->n; i++)
		for (j = i + 1; j < s->n; j++)
			if (!s->apic[i].x2apic && !s->apic[j].x2apic &&
			    s->apic[i].xapic_id == s->apic[j].xapic_id)
				return true;
	return false;
}

/*
 * A logical NMI/SMI/INIT/SIPI/remote-read aimed at a software-disabled
 * APIC: the slow path delivers it, but the logical map only holds enabled
 * APICs, so the fast path drops it (kernel behaviour, docs/fuzzing.md).
 */
static bool disabled_logical_target(const struct msi_state *s, const struct msg *m,
				    const bool *match)
{
	int i;

	if (!m->logical || m->dm <= 1 || m->dm == 7)
		return false;
	for (i = 0; i < s->n; i++)
		if (match[i] && !s->apic[i].sw_enabled)
			return true;
	return false;
}

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
	uint8_t db = fz_u8(f), mb = fz_u8(f), hb = fz_u8(f);
	struct kvm_msi msi = { 0 };
	struct msg m;
	bool before[MAX_VCPUS], match[MAX_VCPUS], lowest, fresh = true;
	int i, r, want = 0, nmatch = 0, nsw = 0, delta = 0;
	uint32_t dest;

	/* destinations that exist, broadcasts, and anything else */
	if (db < 0xa0)
		dest = s->apic[db % s->n].vcpu_id;
	else if (db < 0xc0)
		dest = 1u << (db & 7) | (uint32_t)(db & 0x18) << 1;	/* logical-looking */
	else if (db < 0xd0)
		dest = 0xff;
	else
		dest = fz_u8(f);
	msi.address_lo = 0xfee00000u | (dest & 0xff) << 12 | (mb & 0xc);
	if (mb >= 0xf0)
		msi.address_lo |= fz_u32(f) & 0xfff;	/* reserved and extended-id bits */
	msi.address_hi = hb < 0xe0 ? (dest & 0xffffff00u) : fz_u32(f);
	msi.data = fz_u8(f) | (uint32_t)(fz_u8(f) & 0x7) << 8 | (mb & 0x10 ? 0x8000 : 0);
	msi.data |= (uint32_t)(mb & 0x20) << 9;		/* the ignored level bit 14 */

	m.dest = ((msi.address_lo >> 12) & 0xff) |
		 (s->x2apic_format ? (msi.address_hi & 0xffffff00u) : 0);
	m.logical = msi.address_lo & 4;
	m.hint = msi.address_lo & 8;
	m.vector = msi.data & 0xff;
	m.dm = (msi.data >> 8) & 7;
	m.trig = msi.data & 0x8000;

	for (i = 0; i < s->n; i++) {
		before[i] = irr_has(s, i, m.vector);
		match[i] = ref_match(s, &s->apic[i], &m);
	}
	r = (int)irqsim_vm_ioctl(s->env.kvm, KVM_SIGNAL_MSI, (unsigned long)&msi);
	if (s->x2apic_format && (msi.address_hi & 0xff)) {
		FZ_CHECK(r == -EINVAL, "KVM_SIGNAL_MSI with reserved address_hi bits: %d", r);
		return;
	}
	/* slow path: physical 0xff with lowest priority becomes fixed (the hint stays) */
	if (!m.logical && m.dest == 0xff && (m.dm == 1 || m.hint))
		m.dm = m.dm == 1 ? 0 : m.dm;
	lowest = m.dm == 1 || m.hint;

	if (mixed_modes(s) || disabled_logical_target(s, &m, match)) {
		/*
		 * Known kernel behaviour with xAPIC and x2APIC APICs side by side
		 * (docs/fuzzing.md, findings): the fast path indexes phys_map,
		 * which holds xAPIC APICs by xAPIC id, for x2APIC logical and
		 * (quirk disabled) 0xff physical messages, so it may reach APICs
		 * the slow path's matching rejects, or miss ones it accepts. Only
		 * the bounds are checked then.
		 */
		FZ_CHECK(r >= -1 && r <= s->n && (!lowest || r <= 1),
			 "MSI in a mixed-mode VM returned %d", r);
		return;
	}
	for (i = 0; i < s->n; i++) {
		bool now = irr_has(s, i, m.vector);

		FZ_CHECK(now || !before[i], "MSI cleared vector %#x in vCPU %d's IRR", m.vector, i);
		if (!match[i]) {
			FZ_CHECK(now == before[i],
				 "MSI dest %#x %s vec %#x dm %u hint %d reached vCPU %d (id %u xapic id %#x ldr %#x dfr %#x x2apic %d sw %d), which does not match",
				 m.dest, m.logical ? "logical" : "physical", m.vector, m.dm, m.hint, i,
				 s->apic[i].vcpu_id, s->apic[i].xapic_id, s->apic[i].ldr, s->apic[i].dfr,
				 s->apic[i].x2apic, s->apic[i].sw_enabled);
			continue;
		}
		nmatch++;
		nsw += s->apic[i].sw_enabled;
		fresh &= !before[i];
		delta += now != before[i];
		if (!lowest) {
			bool acc = ref_accepts(&s->apic[i], m.dm);

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
	int i = fz_u8(f) % s->n;
	struct ref_apic *a = &s->apic[i];
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

	fprintf(stderr, "x2apic_format %d broadcast quirk disabled %d\n", s->x2apic_format,
		s->quirk_disabled);
	for (i = 0; i < s->n; i++) {
		struct kvm_lapic *m = model_apic(s, i);

		fprintf(stderr, "vCPU %d id %u: ref xapic_id %#x ldr %#x dfr %#x sw %d x2apic %d | "
			"model ID %#x LDR %#x DFR %#x SVR %#x base %#llx\n", i, s->apic[i].vcpu_id,
			s->apic[i].xapic_id, s->apic[i].ldr, s->apic[i].dfr, s->apic[i].sw_enabled,
			s->apic[i].x2apic, kvm_lapic_get_reg(m, APIC_ID), kvm_lapic_get_reg(m, APIC_LDR),
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
	s.n = 1 + h % MAX_VCPUS;
	fz_env_begin(&s.env, fz_u8(&f), NULL, 0);
	fz_env_irqchip(&s.env, h & 0x10 ? FZ_IRQCHIP_SPLIT : FZ_IRQCHIP_KERNEL);
	if (x & 0x80) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_X2APIC_API, .args = { x & 3 } };

		FZ_CHECK(irqsim_vm_ioctl(s.env.kvm, KVM_ENABLE_CAP, (unsigned long)&cap) == 0,
			 "KVM_ENABLE_CAP(X2APIC_API)");
		s.x2apic_format = x & KVM_X2APIC_API_USE_32BIT_IDS;
		s.quirk_disabled = x & KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK;
	}
	for (i = 0; i < s.n; i++) {
		if (i)
			id += x & 0x40 ? 1 + fz_u8(&f) % 3 : 1;
		fz_env_add_vcpu(&s.env, id);
		s.apic[i] = (struct ref_apic){
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
