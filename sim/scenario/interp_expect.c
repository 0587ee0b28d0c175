/*
 * Expectations: read the state the way a VMM can (KVM_GET_LAPIC,
 * KVM_GET_IRQCHIP, the eventfd count, the exits it saw, the simulator's
 * counters) and compare. Reading never changes the state, so on the kvm
 * backend, where the kernel's deferred work runs when it likes, a reading
 * that is not yet the wanted one is simply taken again (interp_poll_again).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"

#define APIC_ISR	0x100
#define APIC_TMR	0x180
#define APIC_IRR	0x200

static const char *const reg_names[] = {
	[SCN_APIC_IRR] = "irr", [SCN_APIC_ISR] = "isr", [SCN_APIC_TMR] = "tmr",
};

/* Observe, then pass or fail with "expected WANT, got GOT". */
static int conclude(struct interp *in, const struct scn_stmt *s, const char *want,
		    const char *got, bool ok)
{
	if (interp_tainted(in, s, s->line))
		return INTERP_CONTINUE;
	interp_observe(in, s, s->line, got, ok);
	if (ok)
		return INTERP_CONTINUE;
	return interp_fail(in, s->line, "expected %s, got %s", want, got);
}

/*
 * Inside a `settle off` window the simulator holds deferred work back; the
 * kernel cannot be told to, so what would be seen there is not the point.
 */
static bool in_unsettled_window(struct interp *in)
{
	return !in->ops->simulated && !in->settle_on;
}

static int unsettled(struct interp *in, const struct scn_stmt *s)
{
	return interp_not_checkable(in, s, s->line,
				    "inside a 'settle off' window (the kernel's work items cannot be held back)");
}

static void apic_bitmap(const struct kvm_lapic_state *st, unsigned int base, uint32_t out[8])
{
	for (unsigned int i = 0; i < 8; i++)
		memcpy(&out[i], &st->regs[base + 0x10 * i], sizeof(out[i]));
}

int interp_expect_lapic(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_lapic *e = &s->u.expect_lapic;
	static const unsigned int base[] = {
		[SCN_APIC_IRR] = APIC_IRR, [SCN_APIC_ISR] = APIC_ISR, [SCN_APIC_TMR] = APIC_TMR,
	};
	struct kvm_lapic_state st;
	uint32_t got[8], want[8] = { 0 };
	char gbuf[1024], wbuf[1024], eb[24];
	double t0 = 0;
	bool ok;
	int rc;
	long r;

	rc = interp_need_vcpu(in, s, e->vcpu);
	if (rc)
		return rc;
	if (in_unsettled_window(in))
		return unsettled(in, s);
	if (s->kind == SCN_EXPECT_LAPIC_HAS) {
		want[e->vector / 32] = 1u << (e->vector % 32);
	} else {
		for (unsigned int i = 0; i < 8; i++)
			want[i] = (uint32_t)(e->set.bits[i / 2] >> (32 * (i % 2)));
	}
	interp_format_vectors(wbuf, sizeof(wbuf), want);
	do {
		r = in->ops->vcpu_ioctl(in, e->vcpu, KVM_GET_LAPIC, &st);
		if (r < 0) {
			snprintf(wbuf, sizeof(wbuf), "%s state", reg_names[e->reg]);
			return conclude(in, s, wbuf, interp_errno_name((int)-r, eb, sizeof(eb)), false);
		}
		apic_bitmap(&st, base[e->reg], got);
		if (s->kind == SCN_EXPECT_LAPIC_HAS)
			ok = (got[e->vector / 32] >> (e->vector % 32)) & 1;
		else
			ok = !memcmp(want, got, sizeof(got));
		interp_format_vectors(gbuf, sizeof(gbuf), got);
	} while (interp_poll_again(in, s->line, gbuf, ok, &t0));
	return conclude(in, s, wbuf, gbuf, ok);
}

int interp_expect_ioapic(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_ioapic *e = &s->u.expect_ioapic;
	struct kvm_irqchip chip;
	unsigned int irr, rirr;
	char want[64] = "", got[64], eb[24];
	double t0 = 0;
	bool ok;
	int rc;
	long r;

	rc = interp_need_vm(in, s);
	if (rc)
		return rc;
	if (e->pin >= KVM_IOAPIC_NUM_PINS)
		return interp_script_error(in, s, "pin %u: the IOAPIC has %d pins", e->pin,
					   KVM_IOAPIC_NUM_PINS);
	if (in_unsettled_window(in))
		return unsettled(in, s);
	if (e->has_irr)
		snprintf(want, sizeof(want), "irr=%u", e->irr);
	if (e->has_remote_irr)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%sremote_irr=%u",
			 e->has_irr ? " " : "", e->remote_irr);
	do {
		memset(&chip, 0, sizeof(chip));
		chip.chip_id = KVM_IRQCHIP_IOAPIC;
		r = in->ops->vm_ioctl(in, KVM_GET_IRQCHIP, &chip);
		if (r < 0)
			return conclude(in, s, want, interp_errno_name((int)-r, eb, sizeof(eb)), false);
		irr = (chip.chip.ioapic.irr >> e->pin) & 1;
		rirr = chip.chip.ioapic.redirtbl[e->pin].fields.remote_irr;
		ok = true;
		got[0] = '\0';
		if (e->has_irr) {
			ok &= irr == e->irr;
			snprintf(got, sizeof(got), "irr=%u", irr);
		}
		if (e->has_remote_irr) {
			ok &= rirr == e->remote_irr;
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%sremote_irr=%u",
				 e->has_irr ? " " : "", rirr);
		}
	} while (interp_poll_again(in, s->line, got, ok, &t0));
	return conclude(in, s, want, got, ok);
}

int interp_expect_eventfd(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_eventfd *e = &s->u.expect_eventfd;
	char want[48], got[48], eb[24];
	uint64_t count = 0;
	double t0 = 0;
	int r;

	if (in_unsettled_window(in))
		return unsettled(in, s);
	snprintf(want, sizeof(want), "count=%" PRIu64, e->count);
	do {
		r = in->ops->efd_peek(in, interp_efd_get(in, e->efd), &count);
		if (r < 0)
			return conclude(in, s, want, interp_errno_name(-r, eb, sizeof(eb)), false);
		snprintf(got, sizeof(got), "count=%" PRIu64, count);
	} while (interp_poll_again(in, s->line, got, count == e->count, &t0));
	return conclude(in, s, want, got, count == e->count);
}

int interp_expect_exits(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_exits *e = &s->u.expect_exits;
	uint64_t mmio = 0, pio = 0;
	char want[64] = "", have[64] = "", eb[24];
	bool ok = true;
	int rc, r;

	rc = interp_need_vm(in, s);
	if (rc)
		return rc;
	/* guest writes are synchronous on both backends: no window, no polling */
	r = in->ops->exits(in, &mmio, &pio);
	if (r < 0)
		return conclude(in, s, "the exit counts", interp_errno_name(-r, eb, sizeof(eb)), false);
	if (e->has_mmio) {
		ok &= mmio == e->mmio;
		snprintf(want, sizeof(want), "mmio=%" PRIu64, e->mmio);
		snprintf(have, sizeof(have), "mmio=%" PRIu64, mmio);
	}
	if (e->has_pio) {
		ok &= pio == e->pio;
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%spio=%" PRIu64,
			 e->has_mmio ? " " : "", e->pio);
		snprintf(have + strlen(have), sizeof(have) - strlen(have), "%spio=%" PRIu64,
			 e->has_mmio ? " " : "", pio);
	}
	return conclude(in, s, want, have, ok);
}

int interp_expect_stat(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_stat *e = &s->u.expect_stat;
	char want[160], got[160], eb[24];
	uint64_t v = 0;
	int rc, r;

	rc = interp_need_vm(in, s);
	if (rc)
		return rc;
	r = in->ops->stat(in, e->name, &v);
	if (r == -ENOENT)
		return interp_script_error(in, s, "unknown counter '%s' (see docs/cli.md for the list)",
					   e->name);
	if (r == -EOPNOTSUPP)
		return interp_not_checkable(in, s, s->line,
					    "the kernel has no such counter (expect stat)");
	snprintf(want, sizeof(want), "%s=%" PRIu64, e->name, e->value);
	if (r < 0)
		return conclude(in, s, want, interp_errno_name(-r, eb, sizeof(eb)), false);
	snprintf(got, sizeof(got), "%s=%" PRIu64, e->name, v);
	return conclude(in, s, want, got, v == e->value);
}
