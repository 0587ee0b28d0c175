/*
 * Expectations: read the state the way a VMM can (KVM_GET_LAPIC,
 * KVM_GET_IRQCHIP, the eventfd count, the exits it saw, the simulator's
 * counters) and compare. Reading never changes the state.
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
	struct kvm_vcpu *v;
	bool ok;
	int rc = 0;
	long r;

	v = interp_vcpu(in, s, e->vcpu, &rc);
	if (!v)
		return rc;
	r = irqsim_vcpu_ioctl(v, KVM_GET_LAPIC, (unsigned long)&st);
	if (r < 0)
		return interp_fail(in, s->line, "expected %s state, got %s", reg_names[e->reg],
				   interp_errno_name((int)-r, eb, sizeof(eb)));
	apic_bitmap(&st, base[e->reg], got);
	if (s->kind == SCN_EXPECT_LAPIC_HAS) {
		ok = (got[e->vector / 32] >> (e->vector % 32)) & 1;
		want[e->vector / 32] = 1u << (e->vector % 32);
	} else {
		for (unsigned int i = 0; i < 8; i++)
			want[i] = (uint32_t)(e->set.bits[i / 2] >> (32 * (i % 2)));
		ok = !memcmp(want, got, sizeof(got));
	}
	if (ok)
		return INTERP_CONTINUE;
	interp_format_vectors(wbuf, sizeof(wbuf), want);
	interp_format_vectors(gbuf, sizeof(gbuf), got);
	return interp_fail(in, s->line, "expected %s, got %s", wbuf, gbuf);
}

int interp_expect_ioapic(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_ioapic *e = &s->u.expect_ioapic;
	struct kvm_irqchip chip;
	struct kvm *kvm;
	unsigned int irr, rirr;
	char want[64] = "", got[64] = "", eb[24];
	bool ok = true;
	int rc = 0;
	long r;

	kvm = interp_kvm(in, s, &rc);
	if (!kvm)
		return rc;
	if (e->pin >= KVM_IOAPIC_NUM_PINS)
		return interp_script_error(in, s, "pin %u: the IOAPIC has %d pins", e->pin,
					   KVM_IOAPIC_NUM_PINS);
	if (e->has_irr)
		snprintf(want, sizeof(want), "irr=%u", e->irr);
	if (e->has_remote_irr)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%sremote_irr=%u",
			 e->has_irr ? " " : "", e->remote_irr);
	memset(&chip, 0, sizeof(chip));
	chip.chip_id = KVM_IRQCHIP_IOAPIC;
	r = irqsim_vm_ioctl(kvm, KVM_GET_IRQCHIP, (unsigned long)&chip);
	if (r < 0)
		return interp_fail(in, s->line, "expected %s, got %s", want,
				   interp_errno_name((int)-r, eb, sizeof(eb)));
	irr = (chip.chip.ioapic.irr >> e->pin) & 1;
	rirr = chip.chip.ioapic.redirtbl[e->pin].fields.remote_irr;
	if (e->has_irr) {
		ok &= irr == e->irr;
		snprintf(got, sizeof(got), "irr=%u", irr);
	}
	if (e->has_remote_irr) {
		ok &= rirr == e->remote_irr;
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%sremote_irr=%u",
			 e->has_irr ? " " : "", rirr);
	}
	if (ok)
		return INTERP_CONTINUE;
	return interp_fail(in, s->line, "expected %s, got %s", want, got);
}

int interp_expect_eventfd(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_eventfd *e = &s->u.expect_eventfd;
	uint64_t count = 0;
	char eb[24];
	int r;

	r = interp_fd_peek(in->sim, interp_efd_get(in, e->efd), &count);
	if (r < 0)
		return interp_fail(in, s->line, "expected count=%" PRIu64 ", got %s", e->count,
				   interp_errno_name(-r, eb, sizeof(eb)));
	if (count == e->count)
		return INTERP_CONTINUE;
	return interp_fail(in, s->line, "expected count=%" PRIu64 ", got count=%" PRIu64,
			   e->count, count);
}

int interp_expect_exits(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_exits *e = &s->u.expect_exits;
	struct irqsim_exit *ex = NULL;
	uint64_t mmio = 0, pio = 0;
	unsigned int n, got;
	char want[64] = "", have[64] = "";
	struct kvm *kvm;
	bool ok = true;
	int rc = 0;

	kvm = interp_kvm(in, s, &rc);
	if (!kvm)
		return rc;
	n = irqsim_exits(kvm, NULL, 0);
	if (n) {
		ex = calloc(n, sizeof(*ex));
		if (!ex)
			return interp_fail(in, s->line, "out of memory reading the exits");
		got = irqsim_exits(kvm, ex, n);
		if (got < n)
			n = got;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (ex[i].pio)
			pio++;
		else
			mmio++;
	}
	free(ex);
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
	if (ok)
		return INTERP_CONTINUE;
	return interp_fail(in, s->line, "expected %s, got %s", want, have);
}

int interp_expect_stat(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_expect_stat *e = &s->u.expect_stat;
	struct kvm *kvm;
	uint64_t v = 0;
	int rc = 0, r;

	kvm = interp_kvm(in, s, &rc);
	if (!kvm)
		return rc;
	r = irqsim_stat(kvm, e->name, &v);
	if (r == -ENOENT)
		return interp_script_error(in, s, "unknown counter '%s' (see docs/cli.md for the list)",
					   e->name);
	if (r < 0) {
		char eb[24];

		return interp_fail(in, s->line, "expected %s=%" PRIu64 ", got %s", e->name,
				   e->value, interp_errno_name(-r, eb, sizeof(eb)));
	}
	if (v == e->value)
		return INTERP_CONTINUE;
	return interp_fail(in, s->line, "expected %s=%" PRIu64 ", got %s=%" PRIu64,
			   e->name, e->value, e->name, v);
}
