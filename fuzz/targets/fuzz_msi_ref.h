/*
 * fuzz_msi's input decoding and reference (kernel-notes 4.4, 6.1-6.5),
 * shared by the target and its fuzz-repro converter (fuzz_msi_to_scn.c)
 * so both read the same bytes the same way and predict the same results.
 */
#ifndef FUZZ_MSI_REF_H
#define FUZZ_MSI_REF_H

#include <string.h>
#include <linux/kvm.h>
#include "fuzz_common.h"

#define MAX_VCPUS 16

struct ref_apic {
	uint32_t vcpu_id;
	uint8_t xapic_id;
	uint32_t ldr;
	uint32_t dfr;
	bool sw_enabled;
	bool x2apic;
};

/* The reference's view of the VM (the target embeds it in its state). */
struct ref_vm {
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

static inline bool ref_match(const struct ref_vm *s, const struct ref_apic *a, const struct msg *m)
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

static inline bool ref_accepts(const struct ref_apic *a, unsigned int dm)
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
static inline bool mixed_modes(const struct ref_vm *s)
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
static inline bool disabled_logical_target(const struct ref_vm *s, const struct msg *m,
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

/* The MSI an op sends: destinations that exist, broadcasts, anything else. */
static inline void decode_msi(struct fz *f, const struct ref_vm *s, struct kvm_msi *msi)
{
	uint8_t db = fz_u8(f), mb = fz_u8(f), hb = fz_u8(f);
	uint32_t dest;

	memset(msi, 0, sizeof(*msi));
	if (db < 0xa0)
		dest = s->apic[db % s->n].vcpu_id;
	else if (db < 0xc0)
		dest = 1u << (db & 7) | (uint32_t)(db & 0x18) << 1;	/* logical-looking */
	else if (db < 0xd0)
		dest = 0xff;
	else
		dest = fz_u8(f);
	msi->address_lo = 0xfee00000u | (dest & 0xff) << 12 | (mb & 0xc);
	if (mb >= 0xf0)
		msi->address_lo |= fz_u32(f) & 0xfff;	/* reserved and extended-id bits */
	msi->address_hi = hb < 0xe0 ? (dest & 0xffffff00u) : fz_u32(f);
	msi->data = fz_u8(f);
	msi->data |= (uint32_t)(fz_u8(f) & 0x7) << 8 | (mb & 0x10 ? 0x8000 : 0);
	msi->data |= (uint32_t)(mb & 0x20) << 9;	/* the ignored level bit 14 */
}

/* The message as the slow path reads it. */
static inline void msi_to_msg(const struct ref_vm *s, const struct kvm_msi *msi, struct msg *m)
{
	m->dest = ((msi->address_lo >> 12) & 0xff) |
		  (s->x2apic_format ? (msi->address_hi & 0xffffff00u) : 0);
	m->logical = msi->address_lo & 4;
	m->hint = msi->address_lo & 8;
	m->vector = msi->data & 0xff;
	m->dm = (msi->data >> 8) & 7;
	m->trig = msi->data & 0x8000;
}

#endif
