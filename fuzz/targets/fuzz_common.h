/*
 * Shared by the libFuzzer targets: a byte reader that never fails (an
 * exhausted input reads as zeros), one simulation + VM per input with the
 * checkers on and every report printed, and the guest-side helpers the
 * targets use to put LAPICs and IOAPIC pins in a known state.
 *
 * A finding is reported with fz_fail(): the message goes to stderr and the
 * process aborts, which libFuzzer (and the replay main) turn into a crash
 * with the input saved.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <irqsim/sim.h>
#include <irqsim/kvm.h>

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline void fz_init(struct fz *f, const uint8_t *data, size_t size)
{
	f->p = data;
	f->n = size;
}

static inline bool fz_more(const struct fz *f)
{
	return f->n > 0;
}

static inline uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t lo = fz_u8(f);

	return (uint16_t)(lo | (uint16_t)fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint32_t lo = fz_u16(f);

	return lo | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t lo = fz_u32(f);

	return lo | (uint64_t)fz_u32(f) << 32;
}

/* One of n choices (n > 0). */
static inline unsigned int fz_pick(struct fz *f, unsigned int n)
{
	return fz_u8(f) % n;
}

/* Take the last len bytes off the input (for a schedule), clamped to what is left. */
static inline const uint8_t *fz_take_tail(struct fz *f, size_t *len)
{
	if (*len > f->n)
		*len = f->n;
	f->n -= *len;
	return f->p + f->n;
}

__attribute__((noreturn, format(printf, 1, 2)))
void fz_fail(const char *fmt, ...);

#define FZ_CHECK(cond, ...) do {				\
	if (!(cond))						\
		fz_fail(__VA_ARGS__);				\
} while (0)

/* The simulation of one input. */
struct fz_env {
	struct sim *sim;
	struct kvm *kvm;
	int nr_vcpus;
};

enum fz_irqchip {
	FZ_IRQCHIP_NONE,
	FZ_IRQCHIP_KERNEL,
	FZ_IRQCHIP_SPLIT,
};

/*
 * Create the simulation (sched backend, checkers on, the given seed and
 * schedule bytes) and an empty VM. Aborts if the runtime cannot start.
 */
void fz_env_begin(struct fz_env *env, uint64_t seed, const uint8_t *schedule,
		  size_t schedule_len);
/* KVM_CREATE_IRQCHIP or KVM_ENABLE_CAP(SPLIT_IRQCHIP); must succeed. */
void fz_env_irqchip(struct fz_env *env, enum fz_irqchip mode);
/* KVM_CREATE_VCPU with this id; the LAPIC (if any) left as a booted guest leaves it. */
void fz_env_add_vcpu(struct fz_env *env, unsigned long id);
/* Fail on any checker report filed so far; what = the operation just done. */
void fz_env_check_reports(struct fz_env *env, const char *what);
/* Destroy the VM and the simulation; fail on reports (leaks included). */
void fz_env_end(struct fz_env *env);

/* Booted-guest LAPIC: SVR enabled (0x1ff), id, LDR 0, flat DFR, TPR 0, LVTs masked. */
int fz_lapic_boot(struct kvm_vcpu *vcpu, uint32_t xapic_id);
/* The guest writes IOAPIC redirection entry pin (both halves) through IOREGSEL/IOWIN. */
int fz_ioapic_write_entry(struct kvm_vcpu *vcpu, unsigned int pin, uint64_t entry);

/* Called by fz_fail before it aborts (a target's state dump), or NULL. */
extern void (*fz_on_fail)(void);

/* Seeded by the replay main and by LLVMFuzzerInitialize: quiet unless set. */
extern bool fz_verbose;

#endif
