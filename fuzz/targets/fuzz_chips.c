/*
 * fuzz_chips: the guest's register interfaces of the in-kernel irqchip,
 * which the other targets only touch to set a known state: the 8259 pair
 * through its ports (ICW/OCW sequences, ELCR, poll and read-back modes),
 * the IOAPIC through IOREGSEL/IOWIN and its EOI register (reads too, at
 * any offset and width), every LAPIC register as MMIO (xAPIC) or MSR
 * (x2APIC), IA32_APIC_BASE mode changes, and the VMM's state ioctls
 * KVM_GET/SET_IRQCHIP and KVM_GET/SET_LAPIC with arbitrary bytes set.
 * Lines are raised and lowered and interrupts acked and EOIed in between.
 *
 * Input: b0 = vCPUs - 1 (bits 0-1), b1 = the seed, then steps: one byte
 * picks the vCPU, one the operation (% 12: IOAPIC write, IOAPIC read or
 * EOI register, PIC port write, PIC init, LAPIC write, LAPIC read, MSR,
 * KVM_IRQ_LINE_STATUS, ack (+ EOI), KVM_GET/SET_IRQCHIP, KVM_GET/SET_LAPIC,
 * EOI), then its arguments.
 *
 * A finding is: a crash or sanitizer error; a checker report; a broken
 * model invariant (after every step); a result the kernel cannot return
 * (guest accesses: kernel or exit; GET ioctls: 0; SET ioctls: 0 or
 * EINVAL; MSRs: 0 or EINVAL); KVM_SET_IRQCHIP refusing the state
 * KVM_GET_IRQCHIP just returned; or, after the steps, a VM-level call
 * (capabilities, creation errors, NULL arguments) off its kernel result.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>

#include "fuzz_common.h"
#include "model/invariants.h"

#define IOAPIC_BASE	0xfec00000ull
#define LAPIC_BASE	0xfee00000ull
#define MSR_APIC_BASE	0x1bu
#define MSR_X2APIC	0x800u

static const uint16_t pic_ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };

/* The registers a guest programs, and anything else in the page. */
static uint32_t lapic_reg(struct fz *f)
{
	static const uint16_t regs[] = {
		0x20, 0x80, 0xb0, 0xd0, 0xe0, 0xf0, 0x280, 0x300, 0x310, 0x320,
		0x330, 0x340, 0x350, 0x360, 0x370, 0x380, 0x3e0, 0x3f0,
	};
	uint8_t b = fz_u8(f);

	return b < 0xc0 ? regs[b % (sizeof(regs) / sizeof(regs[0]))] : (uint32_t)(b & 0x3f) << 4;
}

static void check_access(int r, const char *what)
{
	FZ_CHECK(r == IRQSIM_ACCESS_KERNEL || r == IRQSIM_ACCESS_EXIT, "%s: %d", what, r);
}

static void op_ioapic(struct kvm_vcpu *v, struct fz *f, bool write)
{
	static const int lens[] = { 1, 2, 4, 8 };
	uint8_t b = fz_u8(f);
	uint64_t val;

	if (write) {
		uint8_t sel = b < 0xf0 ? b % 0x40 : b;

		check_access(irqsim_guest_mmio_write(v, IOAPIC_BASE, 4, sel), "IOREGSEL write");
		check_access(irqsim_guest_mmio_write(v, IOAPIC_BASE + 0x10, 4, fz_u32(f)),
			     "IOWIN write");
		return;
	}
	/* reads of any register window offset and width, and the EOI register */
	if (b & 1) {
		check_access(irqsim_guest_mmio_write(v, IOAPIC_BASE + 0x40, 4, fz_u8(f)),
			     "IOAPIC EOI write");
		return;
	}
	check_access(irqsim_guest_mmio_read(v, IOAPIC_BASE + fz_pick(f, 0x50), lens[(b >> 1) & 3],
					    &val), "IOAPIC read");
}

static void op_pic(struct kvm_vcpu *v, struct fz *f, bool init)
{
	uint8_t b = fz_u8(f);
	uint16_t base = b & 1 ? 0xa0 : 0x20;
	int i;

	if (!init) {
		check_access(irqsim_guest_pio_write(v, pic_ports[b % 6], 1, fz_u8(f)), "PIC write");
		return;
	}
	/* ICW1 (ICW4 needed, maybe single/level), ICW2 vector base, ICW3, ICW4 */
	check_access(irqsim_guest_pio_write(v, base, 1, 0x11 | (fz_u8(f) & 0xa)), "ICW1");
	for (i = 0; i < 3; i++)
		check_access(irqsim_guest_pio_write(v, base + 1, 1, fz_u8(f)), "ICW2-4");
}

static void op_lapic(struct kvm_vcpu *v, struct fz *f, bool write)
{
	uint32_t reg = lapic_reg(f), val;
	int r;

	if (write) {
		val = fz_u32(f);
		r = irqsim_guest_lapic_write(v, reg, val);
	} else {
		r = irqsim_guest_lapic_read(v, reg, &val);
	}
	/* xAPIC: an MMIO access (kernel); x2APIC: WRMSR/RDMSR, #GP = EINVAL */
	FZ_CHECK(r == 0 || r == IRQSIM_ACCESS_EXIT || r == -EINVAL,
		 "LAPIC %s of %#x: %d", write ? "write" : "read", reg, r);
}

static void op_msr(struct kvm_vcpu *v, struct fz *f)
{
	uint8_t b = fz_u8(f);
	uint32_t msr = b < 0x40 ? MSR_APIC_BASE : MSR_X2APIC + fz_u8(f);
	uint64_t val;
	int r;

	if (msr == MSR_APIC_BASE) {
		/* enable and x2APIC bits, BSP, and now and then garbage */
		val = LAPIC_BASE | (uint64_t)(b & 0x1c) << 6;
		if (b & 0x20)
			val ^= fz_u64(f);
	} else {
		val = b & 0x80 ? fz_u64(f) : fz_u32(f);
	}
	r = b & 2 ? irqsim_guest_rdmsr(v, msr, &val) : irqsim_guest_wrmsr(v, msr, val);
	FZ_CHECK(r == 0 || r == -EINVAL, "%s %#x: %d", b & 2 ? "RDMSR" : "WRMSR", msr, r);
}

/*
 * Keep a changed state one the kernel itself could have produced, as far
 * as the model invariants go: KVM_SET_IRQCHIP takes the VMM's bytes
 * unchecked, so ELCR bits outside elcr_mask (pic.elcr), remote IRR on an
 * edge entry (ioapic.remote_irr) and IOAPIC irr bits (re-raised with no
 * source asserting the line by kvm_ioapic_inject_all: ioapic.irr) would
 * break them in the kernel as well.
 */
static void sanitize_chip(struct kvm_irqchip *b, const struct kvm_irqchip *a)
{
	int i;

	if (b->chip_id == KVM_IRQCHIP_IOAPIC) {
		b->chip.ioapic.irr = a->chip.ioapic.irr;
		for (i = 0; i < KVM_IOAPIC_NUM_PINS; i++)
			if (!b->chip.ioapic.redirtbl[i].fields.trig_mode)
				b->chip.ioapic.redirtbl[i].fields.remote_irr = 0;
		return;
	}
	b->chip.pic.elcr_mask = a->chip.pic.elcr_mask;
	b->chip.pic.elcr &= b->chip.pic.elcr_mask;
}

/*
 * KVM_GET_IRQCHIP, SET it back (must succeed), then SET changed bytes.
 * No "same state after the round trip" check: SET re-evaluates the chip
 * (kvm_pic_update_irq recomputes the cascade input of the master, the
 * IOAPIC re-injects its irr and delivers edge pins), as the kernel does.
 */
static void op_irqchip_state(struct kvm *kvm, struct fz *f)
{
	struct kvm_irqchip a, b;
	uint8_t n = fz_u8(f);
	long r;
	int i;

	memset(&a, 0, sizeof(a));
	a.chip_id = n % 3;
	r = irqsim_vm_ioctl(kvm, KVM_GET_IRQCHIP, (unsigned long)&a);
	FZ_CHECK(r == 0, "KVM_GET_IRQCHIP(%u): %ld", a.chip_id, r);
	b = a;
	r = irqsim_vm_ioctl(kvm, KVM_SET_IRQCHIP, (unsigned long)&b);
	FZ_CHECK(r == 0, "KVM_SET_IRQCHIP(%u) of its own state: %ld", a.chip_id, r);
	for (i = 0; i < (n >> 2) % 4 + 1; i++) {
		size_t at = fz_u8(f) % (a.chip_id == KVM_IRQCHIP_IOAPIC ? sizeof(b.chip.ioapic) :
					sizeof(b.chip.pic));

		((uint8_t *)&b.chip)[at] = fz_u8(f);
	}
	sanitize_chip(&b, &a);
	if (n >= 0xf0)
		b.chip_id = n & 0xf;	/* bad chip ids: EINVAL */
	r = irqsim_vm_ioctl(kvm, KVM_SET_IRQCHIP, (unsigned long)&b);
	FZ_CHECK(r == 0 || r == -EINVAL, "KVM_SET_IRQCHIP(%u) of changed bytes: %ld", b.chip_id, r);
}

/*
 * KVM_GET_LAPIC, change whole register words as a migration stream could,
 * KVM_SET_LAPIC. kvm_apic_set_state updates PPR before
 * kvm_apic_update_apicv recounts the restored ISR, so PPR stays stale
 * (docs/fuzzing.md, finding 5) until the next __apic_update_ppr: the
 * vCPU's next event check, or a guest read of PPR, done here. A
 * hardware-disabled APIC has neither, so ISR words are changed only while
 * the APIC is enabled in IA32_APIC_BASE.
 */
static void op_lapic_state(struct kvm_vcpu *v, struct fz *f)
{
	static struct kvm_lapic_state s;
	uint8_t n = fz_u8(f);
	uint64_t base = 0;
	uint32_t ppr;
	long r;
	int i;

	r = irqsim_vcpu_ioctl(v, KVM_GET_LAPIC, (unsigned long)&s);
	FZ_CHECK(r == 0, "KVM_GET_LAPIC: %ld", r);
	irqsim_guest_rdmsr(v, MSR_APIC_BASE, &base);
	for (i = 0; i < n % 4; i++) {
		unsigned int reg = (fz_u8(f) & 0x3f) << 4;
		uint32_t val = fz_u32(f);

		if (reg >= 0x100 && reg < 0x180 && !(base & IRQSIM_APICBASE_ENABLE))
			continue;	/* ISR */
		memcpy(&s.regs[reg], &val, sizeof(val));
	}
	r = irqsim_vcpu_ioctl(v, KVM_SET_LAPIC, (unsigned long)&s);
	FZ_CHECK(r == 0 || r == -EINVAL, "KVM_SET_LAPIC: %ld", r);
	if (!r)
		irqsim_guest_lapic_read(v, 0xa0, &ppr);
}

static void op_line(struct fz_env *env, struct fz *f)
{
	struct kvm_irq_level l = { .irq = fz_pick(f, 24) };
	long r;

	l.level = fz_u8(f) & 1;
	r = irqsim_vm_ioctl(env->kvm, KVM_IRQ_LINE_STATUS, (unsigned long)&l);
	FZ_CHECK(r == 0 && l.status >= -1 && l.status <= 3 * env->nr_vcpus,
		 "KVM_IRQ_LINE_STATUS: %ld status %d", r, l.status);
}

/* Every counter readable (model/api.c), summed so nothing is optimised out. */
static void read_stats(struct kvm *kvm)
{
	const char *const *name;
	uint64_t v, sum = 0;

	for (name = irqsim_stat_names(); *name; name++) {
		FZ_CHECK(irqsim_stat(kvm, *name, &v) == 0, "irqsim_stat(%s) failed", *name);
		sum += v;
	}
	FZ_CHECK(irqsim_stat(kvm, "no.such.counter", &v) == -ENOENT, "unknown counter accepted");
	if (fz_verbose)
		fprintf(stderr, "counters sum %llu\n", (unsigned long long)sum);
}

/*
 * The VM-level API around the chips, the same for every input: capability
 * queries, the irqchip and vCPU creation errors, NULL argument pointers
 * (EFAULT from copy_from_user), the exit log.
 */
static void probe_vm_api(struct fz_env *env)
{
	static const unsigned int nullarg[] = {
		KVM_IRQFD, KVM_IOEVENTFD, KVM_SIGNAL_MSI, KVM_ENABLE_CAP, KVM_IRQ_LINE_STATUS,
		KVM_GET_IRQCHIP, KVM_SET_IRQCHIP,
	};
	struct irqsim_exit ex[4];
	unsigned int i;
	long r;

	for (i = 0; i < 200; i++) {
		r = irqsim_vm_ioctl(env->kvm, KVM_CHECK_EXTENSION, i);
		FZ_CHECK(r >= 0, "KVM_CHECK_EXTENSION(%u): %ld", i, r);
	}
	FZ_CHECK(irqsim_vm_ioctl(env->kvm, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) == 1,
		 "KVM_CAP_IRQFD not reported");
	for (i = 0; i < sizeof(nullarg) / sizeof(nullarg[0]); i++) {
		r = irqsim_vm_ioctl(env->kvm, nullarg[i], 0);
		FZ_CHECK(r == -EFAULT, "ioctl %#x with a NULL argument: %ld", nullarg[i], r);
	}
	r = irqsim_vm_ioctl(env->kvm, KVM_CREATE_IRQCHIP, 0);
	FZ_CHECK(r == -EEXIST, "a second KVM_CREATE_IRQCHIP: %ld", r);
	r = irqsim_vm_ioctl(env->kvm, KVM_CREATE_VCPU, 0);
	FZ_CHECK(r == -EEXIST, "KVM_CREATE_VCPU of an existing id: %ld", r);
	r = irqsim_vm_ioctl(env->kvm, KVM_CREATE_VCPU, 1u << 30);
	FZ_CHECK(r == -EINVAL, "KVM_CREATE_VCPU of a huge id: %ld", r);
	FZ_CHECK(irqsim_exits(env->kvm, ex, 4) == irqsim_exits(env->kvm, NULL, 0),
		 "the exit log changed while nothing ran");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_env env;
	struct fz f;
	int nr, i, steps = 0;

	fz_init(&f, data, size);
	nr = 1 + (fz_u8(&f) & 3);
	fz_env_begin(&env, fz_u8(&f), NULL, 0);
	fz_env_irqchip(&env, FZ_IRQCHIP_KERNEL);
	for (i = 0; i < nr; i++)
		fz_env_add_vcpu(&env, (unsigned long)i);
	while (fz_more(&f) && steps++ < 256) {
		int vi = fz_u8(&f) % nr, op = (int)fz_pick(&f, 12), n, vec;
		struct kvm_vcpu *v = irqsim_vcpu(env.kvm, vi);

		if (fz_verbose)
			fprintf(stderr, "step %d: vCPU %d op %d\n", steps, vi, op);
		switch (op) {
		case 0: op_ioapic(v, &f, true); break;
		case 1: op_ioapic(v, &f, false); break;
		case 2: op_pic(v, &f, false); break;
		case 3: op_pic(v, &f, true); break;
		case 4: op_lapic(v, &f, true); break;
		case 5: op_lapic(v, &f, false); break;
		case 6: op_msr(v, &f); break;
		case 7: op_line(&env, &f); break;
		case 8:
			vec = irqsim_guest_ack(v);
			FZ_CHECK(vec >= -1 && vec <= 255, "ack: %d", vec);
			if (vec >= 0 && (fz_u8(&f) & 1))
				irqsim_guest_eoi(v);
			break;
		case 9: op_irqchip_state(env.kvm, &f); break;
		case 10: op_lapic_state(v, &f); break;
		default:
			irqsim_guest_eoi(v);
			break;
		}
		sim_settle(env.sim);
		n = kvm_check_invariants(env.kvm);
		FZ_CHECK(n == 0, "%d model invariant(s) broken (step %d)", n, steps);
		fz_env_check_reports(&env, "a chips step");
	}
	read_stats(env.kvm);
	probe_vm_api(&env);
	fz_env_end(&env);
	return 0;
}
