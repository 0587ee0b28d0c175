/*
 * Guest statements: what a vCPU does. There is no instruction emulation:
 * the guest's register writes go through the same entry points a vCPU's
 * exits take (irqsim_guest_*), so the LAPIC and IOAPIC see exactly the
 * MMIO traffic a real guest would produce.
 */
#include <errno.h>
#include <string.h>
#include "interp.h"

/* xAPIC register offsets (Intel SDM vol. 3, table 11-1) */
#define APIC_ID		0x20
#define APIC_TPR	0x80
#define APIC_LDR	0xd0
#define APIC_DFR	0xe0
#define APIC_SPIV	0xf0
#define APIC_SPIV_ENABLE	0x100
#define APIC_LVT_MASKED	0x10000
#define APIC_DFR_FLAT	0xffffffffu
#define APIC_DFR_CLUSTER 0x0fffffffu

/* IOAPIC register window and indirect registers */
#define IOAPIC_BASE	0xfec00000ull
#define IOAPIC_IOREGSEL	(IOAPIC_BASE + 0x00)
#define IOAPIC_IOWIN	(IOAPIC_BASE + 0x10)
#define IOAPIC_REDTBL(pin)	(0x10 + 2 * (pin))
#define IOAPIC_PINS	24
#define IOAPIC_MASKED	(1u << 16)

static const uint32_t lvt_regs[] = {
	0x320,	/* timer */
	0x330,	/* thermal */
	0x340,	/* performance counter */
	0x350,	/* LINT0 */
	0x360,	/* LINT1 */
	0x370,	/* error */
};

struct kvm_vcpu *interp_vcpu(struct interp *in, const struct scn_stmt *s,
			     uint32_t idx, int *rc)
{
	struct kvm_vcpu *v = NULL;
	struct kvm *kvm = interp_kvm(in, s, rc);

	if (!kvm)
		return NULL;
	if (idx <= (uint32_t)INT32_MAX)
		v = irqsim_vcpu(kvm, (int)idx);
	if (!v)
		*rc = interp_script_error(in, s, "vCPU %u does not exist", idx);
	return v;
}

/*
 * As a booted guest leaves its LAPIC: software-enabled with spurious vector
 * 0xff (the APIC base MSR is hardware-enabled by the vCPU's reset), xAPIC,
 * id = index, LDR 0, flat DFR, TPR 0, every LVT masked. SVR first: while
 * the APIC is software-disabled the LVT writes would be forced masked
 * anyway, and this order states the intent.
 */
int interp_lapic_reset(struct kvm_vcpu *vcpu, int idx)
{
	int r;

	r = irqsim_guest_lapic_write(vcpu, APIC_SPIV, APIC_SPIV_ENABLE | 0xff);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu, APIC_ID, (uint32_t)idx << 24);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu, APIC_LDR, 0);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu, APIC_DFR, APIC_DFR_FLAT);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu, APIC_TPR, 0);
	for (size_t i = 0; !r && i < sizeof(lvt_regs) / sizeof(lvt_regs[0]); i++)
		r = irqsim_guest_lapic_write(vcpu, lvt_regs[i], APIC_LVT_MASKED);
	return r < 0 ? r : 0;
}

static int svr_update(struct kvm_vcpu *v, bool enable)
{
	uint32_t svr = 0;
	int r;

	r = irqsim_guest_lapic_read(v, APIC_SPIV, &svr);
	if (r < 0)
		return r;
	svr = enable ? svr | APIC_SPIV_ENABLE : svr & ~APIC_SPIV_ENABLE;
	return irqsim_guest_lapic_write(v, APIC_SPIV, svr);
}

/*
 * `ldr=X`: the xAPIC logical APIC id (LDR bits 31:24) when X fits in a
 * byte, as the contract's users write it; a larger X is the raw register.
 */
static uint32_t ldr_value(uint32_t x)
{
	return x <= 0xff ? x << 24 : x;
}

int interp_lapic(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_lapic *l = &s->u.lapic;
	struct interp_outcome o;
	struct kvm_vcpu *v;
	int rc = 0, r = 0;

	v = interp_vcpu(in, s, l->vcpu, &rc);
	if (!v)
		return rc;
	if (l->x2apic)
		return interp_script_error(in, s, "'x2apic' is not supported: the simulator's API cannot write the APIC base MSR");
	if (l->has_id && l->id > 0xff)
		return interp_script_error(in, s, "id=%u does not fit the 8-bit xAPIC id", l->id);
	if (l->has_tpr && l->tpr > 0xff)
		return interp_script_error(in, s, "tpr=0x%x does not fit the 8-bit TPR", l->tpr);
	if (l->sw == SCN_LAPIC_SW_ENABLE)
		r = svr_update(v, true);
	if (!r && l->has_id)
		r = irqsim_guest_lapic_write(v, APIC_ID, l->id << 24);
	if (!r && l->has_ldr)
		r = irqsim_guest_lapic_write(v, APIC_LDR, ldr_value(l->ldr));
	if (!r && l->has_dfr)
		r = irqsim_guest_lapic_write(v, APIC_DFR,
					     l->dfr == SCN_DFR_FLAT ? APIC_DFR_FLAT : APIC_DFR_CLUSTER);
	if (!r && l->has_tpr)
		r = irqsim_guest_lapic_write(v, APIC_TPR, l->tpr);
	if (!r && l->sw == SCN_LAPIC_SW_DISABLE)
		r = svr_update(v, false);
	o = interp_outcome_ret(IV_CALL, r < 0 ? r : 0);
	return interp_check(in, s, s->line, &o);
}

int interp_ack(struct interp *in, const struct scn_stmt *s)
{
	struct interp_outcome o = { .vocab = IV_ACK, .has_val = true };
	struct kvm_vcpu *v;
	int rc = 0, vec;

	v = interp_vcpu(in, s, s->u.ack.vcpu, &rc);
	if (!v)
		return rc;
	vec = irqsim_guest_ack(v);
	o.val = vec < 0 ? -1 : vec;
	/* nothing deliverable is an answer, not a failure */
	if (!s->n_results)
		return INTERP_CONTINUE;
	return interp_check(in, s, s->line, &o);
}

int interp_eoi(struct interp *in, const struct scn_stmt *s)
{
	struct kvm_vcpu *v;
	int rc = 0;

	v = interp_vcpu(in, s, s->u.eoi.vcpu, &rc);
	if (!v)
		return rc;
	irqsim_guest_eoi(v);
	return INTERP_CONTINUE;
}

int interp_guest_write(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_guest_write *w = &s->u.guest_write;
	struct interp_outcome o;
	struct kvm_vcpu *v;
	int rc = 0, r;

	v = interp_vcpu(in, s, w->vcpu, &rc);
	if (!v)
		return rc;
	if (w->len != 1 && w->len != 2 && w->len != 4 && w->len != 8)
		return interp_script_error(in, s, "LEN must be 1, 2, 4 or 8, not %u", w->len);
	if (w->space == SCN_SPACE_PIO) {
		if (w->addr > 0xffff)
			return interp_script_error(in, s, "port 0x%llx is above 0xffff",
						   (unsigned long long)w->addr);
		r = irqsim_guest_pio_write(v, (uint16_t)w->addr, (int)w->len, w->value);
	} else {
		r = irqsim_guest_mmio_write(v, w->addr, (int)w->len, w->value);
	}
	o = interp_outcome_ret(IV_ACCESS, r);
	return interp_check(in, s, s->line, &o);
}

/* One IOAPIC register write through the window: IOREGSEL, then IOWIN. */
static int ioapic_write(struct kvm_vcpu *v, uint32_t reg, uint32_t val)
{
	int r;

	r = irqsim_guest_mmio_write(v, IOAPIC_IOREGSEL, 4, reg);
	if (r != IRQSIM_ACCESS_KERNEL)
		return r;
	return irqsim_guest_mmio_write(v, IOAPIC_IOWIN, 4, val);
}

static int ioapic_read(struct kvm_vcpu *v, uint32_t reg, uint32_t *val)
{
	uint64_t x = 0;
	int r;

	r = irqsim_guest_mmio_write(v, IOAPIC_IOREGSEL, 4, reg);
	if (r != IRQSIM_ACCESS_KERNEL)
		return r;
	r = irqsim_guest_mmio_read(v, IOAPIC_IOWIN, 4, &x);
	*val = (uint32_t)x;
	return r;
}

static uint32_t entry_low(const struct scn_ioapic_pin *p)
{
	return (uint32_t)p->vector |
	       (uint32_t)p->delivery << 8 |
	       (uint32_t)(p->destmode == SCN_DESTMODE_LOGICAL) << 11 |
	       (uint32_t)(p->polarity == SCN_POLARITY_LOW) << 13 |
	       (uint32_t)(p->trigger == SCN_TRIGGER_LEVEL) << 15 |
	       (p->mask == SCN_PIN_MASKED ? IOAPIC_MASKED : 0);
}

/*
 * The guest programs redirection entry P from vCPU 0: the high dword
 * (destination) first, then the low one, whose write is the one that
 * unmasks, so the entry is never live with a stale destination. Masking
 * alone is a read-modify-write of the low dword.
 */
int interp_ioapic_pin(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_ioapic_pin *p = &s->u.ioapic_pin;
	struct kvm_vcpu *v;
	uint32_t low = 0;
	int rc = 0, r;

	if (p->pin >= IOAPIC_PINS)
		return interp_script_error(in, s, "pin %u: the IOAPIC has %d pins", p->pin, IOAPIC_PINS);
	if (!in->kvm || !irqsim_vcpu(in->kvm, 0))
		return interp_script_error(in, s, "'ioapic pin' is written by vCPU 0: the VM needs a vCPU");
	v = interp_vcpu(in, s, 0, &rc);
	if (!v)
		return rc;
	if (p->program) {
		r = ioapic_write(v, IOAPIC_REDTBL(p->pin) + 1, (uint32_t)p->dest << 24);
		if (r == IRQSIM_ACCESS_KERNEL)
			r = ioapic_write(v, IOAPIC_REDTBL(p->pin), entry_low(p));
	} else {
		r = ioapic_read(v, IOAPIC_REDTBL(p->pin), &low);
		if (r == IRQSIM_ACCESS_KERNEL) {
			low = p->mask == SCN_PIN_MASKED ? low | IOAPIC_MASKED : low & ~IOAPIC_MASKED;
			r = ioapic_write(v, IOAPIC_REDTBL(p->pin), low);
		}
	}
	if (r == IRQSIM_ACCESS_EXIT)
		return interp_fail(in, s->line, "expected kernel, got exit (no in-kernel IOAPIC)");
	if (r < 0) {
		char eb[24];

		return interp_fail(in, s->line, "expected ok, got %s",
				   interp_errno_name(-r, eb, sizeof(eb)));
	}
	return INTERP_CONTINUE;
}
