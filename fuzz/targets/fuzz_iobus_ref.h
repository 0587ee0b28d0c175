/*
 * fuzz_iobus's input decoding and reference registry (kernel-notes
 * 2.2-2.5), shared by the target and its fuzz-repro converter
 * (fuzz_iobus_to_scn.c) so both read the same bytes the same way and
 * predict the same results.
 */
#ifndef FUZZ_IOBUS_REF_H
#define FUZZ_IOBUS_REF_H

#include <errno.h>
#include <string.h>
#include <linux/kvm.h>
#include "fuzz_common.h"

#define NR_SLOTS	4
#define MAX_REGS	64
#define MMIO_BASE	0x10000000ull
#define PIO_BASE	0x100u
#define POOL		24

enum ref_bus { REF_MMIO, REF_PIO, REF_CCW, REF_FAST };

struct ref_reg {
	enum ref_bus bus;
	uint64_t addr;
	uint32_t len;
	bool wildcard;
	uint64_t datamatch;
	int ctx;		/* eventfd identity: slot * 1000 + generation */
};

/* What the kernel's buses hold, as the reference sees it. */
struct ref_iobus {
	struct ref_reg regs[MAX_REGS];
	int nr_regs;
};

/* kvm_io_bus_cmp */
static inline int bus_cmp(uint64_t a1, int l1, uint64_t a2, int l2)
{
	if (a1 < a2)
		return -1;
	if (l2) {
		a1 += (uint64_t)l1;
		a2 += (uint64_t)l2;
	}
	return a1 > a2 ? 1 : 0;
}

static inline enum ref_bus flags_bus(uint32_t flags)
{
	if (flags & KVM_IOEVENTFD_FLAG_PIO)
		return REF_PIO;
	if (flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return REF_CCW;
	return REF_MMIO;
}

/* ioeventfd_check_collision */
static inline bool ref_collides(const struct ref_iobus *s, enum ref_bus bus, uint64_t addr,
				uint32_t len, bool wildcard, uint64_t dm)
{
	int i;

	for (i = 0; i < s->nr_regs; i++) {
		const struct ref_reg *r = &s->regs[i];

		if (r->bus != bus || r->addr != addr)
			continue;
		if (!r->len || !len)
			return true;
		if (r->len == len && (r->wildcard || wildcard || r->datamatch == dm))
			return true;
	}
	return false;
}

/* false when the registry is full (a harness limit, not a kernel one) */
static inline bool ref_add(struct ref_iobus *s, enum ref_bus bus, const struct kvm_ioeventfd *a,
			   int ctx)
{
	if (s->nr_regs == MAX_REGS)
		return false;
	s->regs[s->nr_regs++] = (struct ref_reg){
		.bus = bus, .addr = a->addr, .len = a->len,
		.wildcard = !(a->flags & KVM_IOEVENTFD_FLAG_DATAMATCH),
		.datamatch = a->datamatch, .ctx = ctx,
	};
	return true;
}

static inline int ref_find(const struct ref_iobus *s, enum ref_bus bus,
			   const struct kvm_ioeventfd *a, int ctx)
{
	bool wildcard = !(a->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	int i;

	for (i = 0; i < s->nr_regs; i++) {
		const struct ref_reg *r = &s->regs[i];

		if (r->bus == bus && r->ctx == ctx && r->addr == a->addr && r->len == a->len &&
		    r->wildcard == wildcard && (wildcard || r->datamatch == a->datamatch))
			return i;
	}
	return -1;
}

static inline void ref_del(struct ref_iobus *s, int i)
{
	s->regs[i] = s->regs[--s->nr_regs];
}

/* KVM_IOEVENTFD assign: the kernel's validation order (kernel-notes 2.2) */
static inline int ref_assign_result(const struct ref_iobus *s, const struct kvm_ioeventfd *a,
				    bool is_pipe, bool bad_fd)
{
	if ((a->len != 0 && a->len != 1 && a->len != 2 && a->len != 4 && a->len != 8) ||
	    a->addr + a->len < a->addr || (a->flags & ~KVM_IOEVENTFD_VALID_FLAG_MASK) ||
	    (!a->len && (a->flags & KVM_IOEVENTFD_FLAG_DATAMATCH)))
		return -EINVAL;
	if (is_pipe)
		return -EINVAL;
	if (bad_fd)
		return -EBADF;
	if (ref_collides(s, flags_bus(a->flags), a->addr, a->len,
			 !(a->flags & KVM_IOEVENTFD_FLAG_DATAMATCH), a->datamatch))
		return -EEXIST;
	return 0;
}

/* Registered after a successful assign: MMIO length 0 sits on the fast bus too. */
static inline bool ref_assigned(struct ref_iobus *s, const struct kvm_ioeventfd *a, int ctx)
{
	enum ref_bus bus = flags_bus(a->flags);

	if (!ref_add(s, bus, a, ctx))
		return false;
	return bus != REF_MMIO || a->len || ref_add(s, REF_FAST, a, ctx);
}

/* After a successful deassign of entry i (the fast-bus twin goes too). */
static inline void ref_deassigned(struct ref_iobus *s, int i, struct kvm_ioeventfd a, int ctx)
{
	enum ref_bus bus = s->regs[i].bus;

	ref_del(s, i);
	a.flags &= ~KVM_IOEVENTFD_FLAG_DATAMATCH;
	if (bus == REF_MMIO && !a.len && (i = ref_find(s, REF_FAST, &a, ctx)) >= 0)
		ref_del(s, i);
}

/* The registration a guest write of len bytes at addr signals, or -1 (kernel-notes 2.5). */
static inline uint64_t trunc_width(uint64_t v, int len)
{
	return len == 8 ? v : v & ((1ull << (8 * len)) - 1);
}

static inline int ref_write_hit(const struct ref_iobus *s, bool pio, uint64_t addr, int len,
				uint64_t val)
{
	enum ref_bus bus = pio ? REF_PIO : REF_MMIO;
	int i;

	for (i = 0; i < s->nr_regs; i++) {
		const struct ref_reg *g = &s->regs[i];

		if (g->bus == bus && g->addr == addr && (!g->len || (int)g->len == len) &&
		    (g->wildcard || g->datamatch == trunc_width(val, len)))
			return i;
	}
	return -1;
}

/*
 * Which fd an op names: >= 0 a slot; FD_PIPE the pipe; FD_GARBAGE a
 * negative number (*garbage_fd).
 */
#define FD_PIPE		(-1)
#define FD_GARBAGE	(-2)

static inline int decode_fd_choice(struct fz *f, int *garbage_fd)
{
	uint8_t b = fz_u8(f);

	*garbage_fd = -1 - (b & 6);
	if (b >= 0xf8)
		return b & 1 ? FD_PIPE : FD_GARBAGE;
	return b % NR_SLOTS;
}

/* The ioeventfd arguments but the fd; DEASSIGN clear. */
static inline void decode_ioeventfd(struct fz *f, struct kvm_ioeventfd *a)
{
	static const uint32_t lens[] = { 0, 1, 2, 4, 8, 1, 2, 4, 0, 8, 3, 16 };
	uint8_t fb = fz_u8(f), ab = fz_u8(f), lb = fz_u8(f), db = fz_u8(f);

	memset(a, 0, sizeof(*a));
	a->flags = fb < 0xf0 ? (fb & 0x1b) : fb | (uint32_t)fz_u8(f) << 8;
	a->flags &= ~KVM_IOEVENTFD_FLAG_DEASSIGN;
	if (ab >= 0xfc)
		a->addr = ~0ull - (ab & 3) * 2;		/* overflow candidates */
	else
		a->addr = (a->flags & KVM_IOEVENTFD_FLAG_PIO ? PIO_BASE : MMIO_BASE) + ab % POOL;
	a->len = lens[lb % (sizeof(lens) / sizeof(lens[0]))];
	a->datamatch = db < 0xf0 ? db % 4 : fz_u64(f);
}

/* A guest write's address, width and value. */
static inline void decode_write(struct fz *f, bool pio, uint64_t *addr, int *len, uint64_t *val)
{
	static const int lens[] = { 1, 2, 4, 8 };
	uint8_t ab = fz_u8(f), vb = fz_u8(f);

	*len = lens[fz_u8(f) % (pio ? 3 : 4)];
	*addr = (pio ? PIO_BASE : MMIO_BASE) + ab % POOL;
	*val = vb < 0xf0 ? vb % 4 : fz_u64(f);
}

#endif
