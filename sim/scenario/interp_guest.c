/*
 * Guest statements: what a vCPU does. On the simulator there is no
 * instruction emulation: the guest's register writes go through the same
 * entry points a vCPU's exits take (irqsim_guest_*), so the LAPIC and
 * IOAPIC see exactly the MMIO traffic a real guest would produce. On the
 * kvm backend the same writes are real guest instructions (sim/kvmreal).
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
#define IOAPIC_MASKED	(1u << 16)

static const uint32_t lvt_regs[] = {
	0x320,	/* timer */
	0x330,	/* thermal */
	0x340,	/* performance counter */
	0x350,	/* LINT0 */
	0x360,	/* LINT1 */
	0x370,	/* error */
};

int interp_need_vcpu(struct interp *in, const struct scn_stmt *s, uint32_t idx)
{
	int rc = interp_need_vm(in, s);

	if (rc)
		return rc;
	if (!in->ops->has_vcpu(in, idx))
		return interp_script_error(in, s, "vCPU %u does not exist", idx);
	return INTERP_CONTINUE;
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

/* A read-modify-write of SVR; the read is what KVM_GET_LAPIC shows (= the register). */
static int svr_update(struct interp *in, uint32_t v, bool enable)
{
	struct kvm_lapic_state st;
	uint32_t svr;
	long r;

	r = in->ops->vcpu_ioctl(in, v, KVM_GET_LAPIC, &st);
	if (r < 0)
		return (int)r;
	memcpy(&svr, &st.regs[APIC_SPIV], sizeof(svr));
	svr = enable ? svr | APIC_SPIV_ENABLE : svr & ~APIC_SPIV_ENABLE;
	return in->ops->lapic_write(in, v, APIC_SPIV, svr);
}

/*
 * `ldr=X`: the xAPIC logical APIC id (LDR bits 31:24) when X fits in a
 * byte, as the contract's users write it; a larger X is the raw register.
 */
static uint32_t ldr_value(uint32_t x)
{
	return x <= 0xff ? x << 24 : x;
}

/*
 * `x2apic`: the guest sets the x2APIC enable bit of its APIC base MSR
 * (RDMSR, then WRMSR), as Linux's x2apic_enable() does. Done before the
 * register writes, which then go through the x2APIC MSRs (ID and LDR are
 * read-only there: writing them is the #GP the kernel gives, EINVAL).
 */
static int x2apic_enable(struct interp *in, uint32_t v)
{
	uint64_t base = 0;
	int r;

	r = in->ops->rdmsr(in, v, IRQSIM_MSR_IA32_APICBASE, &base);
	if (!r)
		r = in->ops->wrmsr(in, v, IRQSIM_MSR_IA32_APICBASE, base | IRQSIM_APICBASE_X2APIC);
	return r;
}

int interp_lapic(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_lapic *l = &s->u.lapic;
	const struct interp_ops *ops = in->ops;
	struct interp_outcome o;
	uint32_t v = l->vcpu;
	int rc, r = 0;

	rc = interp_need_vcpu(in, s, v);
	if (rc)
		return rc;
	if (l->has_id && l->id > 0xff)
		return interp_script_error(in, s, "id=%u does not fit the 8-bit xAPIC id", l->id);
	if (l->has_tpr && l->tpr > 0xff)
		return interp_script_error(in, s, "tpr=0x%x does not fit the 8-bit TPR", l->tpr);
	if (l->x2apic) {
		r = x2apic_enable(in, v);
		/* the rest of the scenario assumes x2APIC mode: nothing after is comparable */
		if (r == -EOPNOTSUPP && !ops->simulated)
			return interp_taint(in, s,
					    "the guest cannot switch its LAPIC to x2APIC mode here");
	}
	if (!r && l->sw == SCN_LAPIC_SW_ENABLE)
		r = svr_update(in, v, true);
	if (!r && l->has_id)
		r = ops->lapic_write(in, v, APIC_ID, l->id << 24);
	if (!r && l->has_ldr)
		r = ops->lapic_write(in, v, APIC_LDR, ldr_value(l->ldr));
	if (!r && l->has_dfr)
		r = ops->lapic_write(in, v, APIC_DFR,
				     l->dfr == SCN_DFR_FLAT ? APIC_DFR_FLAT : APIC_DFR_CLUSTER);
	if (!r && l->has_tpr)
		r = ops->lapic_write(in, v, APIC_TPR, l->tpr);
	if (!r && l->sw == SCN_LAPIC_SW_DISABLE)
		r = svr_update(in, v, false);
	o = interp_outcome_ret(IV_CALL, r < 0 ? r : 0);
	return interp_check(in, s, s->line, &o);
}

/*
 * Nothing deliverable is an answer, not a failure. On the kvm backend an
 * interrupt may still be on its way (an inject work item): `none` when
 * something else was wanted is read again for a while (a `none` ack
 * changes nothing, so asking again is safe).
 */
int interp_ack(struct interp *in, const struct scn_stmt *s)
{
	struct interp_outcome o = { .vocab = IV_ACK, .has_val = true };
	uint32_t v = s->u.ack.vcpu;
	char got[32];
	double t0 = 0;
	int rc, vec;

	rc = interp_need_vcpu(in, s, v);
	if (rc)
		return rc;
	for (;;) {
		vec = in->ops->ack(in, v);
		/* an acknowledge not done leaves the state behind the script's */
		if (vec == -EOPNOTSUPP && !in->ops->simulated)
			return interp_taint(in, s, in->ops->reason ? in->ops->reason(in) :
					    "the backend cannot acknowledge here");
		if (vec < -1) {
			o = interp_outcome_ret(IV_ACK, vec);
			break;
		}
		o.val = vec;
		if (vec >= 0)
			break;
		interp_format_outcome(got, sizeof(got), s, &o);
		if (!interp_poll_again(in, s->line, got,
				       interp_outcome_matches(s, &o), &t0))
			break;
	}
	if (!s->n_results && !o.err) {
		if (interp_tainted(in, s, s->line))
			return INTERP_CONTINUE;
		interp_format_outcome(got, sizeof(got), s, &o);
		interp_observe(in, s, s->line, got, true);
		return INTERP_CONTINUE;
	}
	return interp_check(in, s, s->line, &o);
}

int interp_eoi(struct interp *in, const struct scn_stmt *s)
{
	struct interp_outcome o;
	int rc;

	rc = interp_need_vcpu(in, s, s->u.eoi.vcpu);
	if (rc)
		return rc;
	o = interp_outcome_ret(IV_CALL, in->ops->eoi(in, s->u.eoi.vcpu));
	return interp_check(in, s, s->line, &o);
}

int interp_guest_write(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_guest_write *w = &s->u.guest_write;
	struct interp_outcome o;
	int rc, r;

	rc = interp_need_vcpu(in, s, w->vcpu);
	if (rc)
		return rc;
	if (w->len != 1 && w->len != 2 && w->len != 4 && w->len != 8)
		return interp_script_error(in, s, "LEN must be 1, 2, 4 or 8, not %u", w->len);
	if (w->space == SCN_SPACE_PIO) {
		if (w->addr > 0xffff)
			return interp_script_error(in, s, "port 0x%llx is above 0xffff",
						   (unsigned long long)w->addr);
		r = in->ops->pio_write(in, w->vcpu, (uint16_t)w->addr, (int)w->len, w->value);
	} else {
		r = in->ops->mmio_write(in, w->vcpu, w->addr, (int)w->len, w->value);
	}
	o = interp_outcome_ret(IV_ACCESS, r);
	return interp_check(in, s, s->line, &o);
}

/* One IOAPIC register write from vCPU 0 through the window: IOREGSEL, then IOWIN. */
static int ioapic_write(struct interp *in, uint32_t reg, uint32_t val)
{
	int r;

	r = in->ops->mmio_write(in, 0, IOAPIC_IOREGSEL, 4, reg);
	if (r != IRQSIM_ACCESS_KERNEL)
		return r;
	return in->ops->mmio_write(in, 0, IOAPIC_IOWIN, 4, val);
}

/*
 * The guest selects the register, and reads what IOWIN would return: the
 * entry as KVM_GET_IRQCHIP reports it (the kvm backend's guest cannot
 * read; the IOAPIC returns the same bits to both).
 */
static int ioapic_read_low(struct interp *in, uint32_t pin, uint32_t *val)
{
	struct kvm_irqchip chip;
	long r;

	r = in->ops->mmio_write(in, 0, IOAPIC_IOREGSEL, 4, IOAPIC_REDTBL(pin));
	if (r != IRQSIM_ACCESS_KERNEL)
		return (int)r;
	memset(&chip, 0, sizeof(chip));
	chip.chip_id = KVM_IRQCHIP_IOAPIC;
	r = in->ops->vm_ioctl(in, KVM_GET_IRQCHIP, &chip);
	if (r < 0)
		return (int)r;
	/* an index past the last entry reads all-ones through IOWIN */
	*val = pin < KVM_IOAPIC_NUM_PINS ?
	       (uint32_t)chip.chip.ioapic.redirtbl[pin].bits : 0xffffffffu;
	return IRQSIM_ACCESS_KERNEL;
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
 * unmasks, so the entry is never live with a stale destination; a masked
 * entry is written low dword first, so it is masked before its
 * destination changes (what Linux and the kvm backend's kvmreal do).
 * Masking alone is a read-modify-write of the low dword.
 */
int interp_ioapic_pin(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_ioapic_pin *p = &s->u.ioapic_pin;
	uint32_t low = 0;
	const char *en;
	char eb[24];
	int r;

	/* pins 24 and up are passed through: the IOAPIC ignores their index */
	if (!in->ops->has_vm(in) || !in->ops->has_vcpu(in, 0))
		return interp_script_error(in, s, "'ioapic pin' is written by vCPU 0: the VM needs a vCPU");
	if (p->program && p->mask == SCN_PIN_MASKED) {
		/* masking: the low dword first, as Linux's ioapic_mask_entry */
		r = ioapic_write(in, IOAPIC_REDTBL(p->pin), entry_low(p));
		if (r == IRQSIM_ACCESS_KERNEL)
			r = ioapic_write(in, IOAPIC_REDTBL(p->pin) + 1, (uint32_t)p->dest << 24);
	} else if (p->program) {
		r = ioapic_write(in, IOAPIC_REDTBL(p->pin) + 1, (uint32_t)p->dest << 24);
		if (r == IRQSIM_ACCESS_KERNEL)
			r = ioapic_write(in, IOAPIC_REDTBL(p->pin), entry_low(p));
	} else {
		r = ioapic_read_low(in, p->pin, &low);
		if (r == IRQSIM_ACCESS_KERNEL) {
			low = p->mask == SCN_PIN_MASKED ? low | IOAPIC_MASKED : low & ~IOAPIC_MASKED;
			r = ioapic_write(in, IOAPIC_REDTBL(p->pin), low);
		}
	}
	if (r == -EOPNOTSUPP)
		return interp_not_checkable(in, s, s->line, "the guest cannot write the IOAPIC here");
	if (interp_tainted(in, s, s->line))
		return INTERP_CONTINUE;
	if (r == IRQSIM_ACCESS_EXIT) {
		interp_observe(in, s, s->line, "exit", false);
		return interp_fail(in, s->line, "expected kernel, got exit (no in-kernel IOAPIC)");
	}
	if (r < 0) {
		en = interp_errno_name(-r, eb, sizeof(eb));
		interp_observe(in, s, s->line, en, false);
		return interp_fail(in, s->line, "expected ok, got %s", en);
	}
	interp_observe(in, s, s->line, "ok", true);
	return INTERP_CONTINUE;
}
