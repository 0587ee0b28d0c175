/*
 * `vcpu N ack`: interrupt acknowledge.
 *
 * On a normal KVM the guest acknowledges by taking the interrupt (the
 * kernel moves the vector from IRR to ISR on injection) and the guest
 * program's handler records the vector. The kvm_pvm module EOIs an
 * interrupt the moment it injects it, so the ISR is never observable
 * there; in that mode the host does what the injection would: the highest
 * IRR vector above PPR moves to the ISR (KVM_GET_LAPIC / KVM_SET_LAPIC).
 * Which mode applies is measured once per process with a probe VM.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "kvmreal_internal.h"

#define PROBE_VECTOR	0x40

static int highest_bit(const uint32_t *map)
{
	for (int w = 7; w >= 0; w--)
		if (map[w])
			return w * 32 + 31 - __builtin_clz(map[w]);
	return -1;
}

/* apic_has_interrupt_for_ppr(): the vector the next injection would take, or -1. */
static int deliverable(const struct kvmreal_apic_bits *b)
{
	int irr = highest_bit(b->irr), isr = highest_bit(b->isr);
	uint32_t tpr = b->tpr & 0xff, ppr;

	if (irr < 0)
		return -1;
	ppr = (isr >= 0 && (uint32_t)(isr & 0xf0) > (tpr & 0xf0)) ? (uint32_t)(isr & 0xf0) : tpr;
	if ((uint32_t)(irr & 0xf0) <= ppr)
		return -1;
	return irr;
}

static int hw_enabled(struct kvmreal_vm *vm, int n, bool *on)
{
	uint64_t base;
	int ret = kvmreal_apic_base(vm, n, &base, false);

	if (ret < 0)
		return ret;
	*on = (base >> 11) & 1;
	return 0;
}

static int ack_host(struct kvmreal_vm *vm, int n, int vec)
{
	struct kvm_lapic_state s;
	uint32_t w;
	int ret;

	ret = kvmreal_ioctl(vm->vcpus[n].fd, KVM_GET_LAPIC, &s);
	if (ret < 0)
		return ret;
	memcpy(&w, &s.regs[0x200 + 0x10 * (vec / 32)], 4);
	w &= ~(1u << (vec % 32));
	memcpy(&s.regs[0x200 + 0x10 * (vec / 32)], &w, 4);
	memcpy(&w, &s.regs[0x100 + 0x10 * (vec / 32)], 4);
	w |= 1u << (vec % 32);
	memcpy(&s.regs[0x100 + 0x10 * (vec / 32)], &w, 4);
	return kvmreal_ioctl(vm->vcpus[n].fd, KVM_SET_LAPIC, &s);
}

/* The guest opens an interrupt window; the handler records what it took. */
static int ack_guest(struct kvmreal_vm *vm, int n, int mode, int *vector)
{
	struct kvmreal_vcpu *v = &vm->vcpus[n];
	uint64_t before;
	int exited, ret;

	pthread_mutex_lock(&v->lock);
	before = U64_AT(v->block, CMD_TAKEN);
	U32_AT(v->block, CMD_EOI) = 0;
	U32_AT(v->block, CMD_OP) = mode == KVMREAL_ACK_GUEST_HLT ? GOP_ACK_HLT : GOP_ACK_WINDOW;
	ret = kvmreal_vcpu_command(vm, v, &exited);
	/*
	 * The first interrupt taken is this ack. Another one may follow at the
	 * iretq/cli boundary; it was really taken (and shows in the ISR).
	 */
	*vector = U64_AT(v->block, CMD_TAKEN) != before ?
		  (int)U32_AT(v->block, CMD_LOG + 4 * (before % 8)) : -1;
	pthread_mutex_unlock(&v->lock);
	return ret;
}

static int ack_with_mode(struct kvmreal_vm *vm, int n, int mode, int *vector)
{
	struct kvmreal_apic_bits b;
	bool on;
	int vec, ret;

	*vector = -1;
	if (!kvmreal_vcpu(vm, n))
		return kvmreal_fail(vm, -EINVAL, "no such vCPU");
	ret = kvmreal_lapic_get(vm, n, &b);
	if (ret < 0)
		return kvmreal_fail(vm, ret, "KVM_GET_LAPIC failed (no in-kernel LAPIC?)");
	ret = hw_enabled(vm, n, &on);
	if (ret < 0)
		return ret;
	vec = deliverable(&b);
	if (!on || vec < 0)
		return 0;	/* nothing to take: never halt waiting for it */
	if (mode == KVMREAL_ACK_HOST) {
		ret = ack_host(vm, n, vec);
		if (ret < 0)
			return ret;
		*vector = vec;
		return 0;
	}
	return ack_guest(vm, n, mode, vector);
}

int kvmreal_guest_ack(struct kvmreal_vm *vm, int n, int *vector)
{
	int mode = kvmreal_ack_mode();

	if (!vector)
		return -EINVAL;
	*vector = -1;
	if (mode < 0)
		return kvmreal_fail(vm, mode, "the acknowledge-mode probe failed");
	return ack_with_mode(vm, n, mode, vector);
}

/*
 * Probe: an MSI to vCPU 0, then the guest takes it through a window, or
 * failing that with sti; hlt. Taken with the ISR bit set: guest mode;
 * taken with the ISR empty: the kernel EOIed on injection (kvm_pvm).
 */
static int probe_mode(void)
{
	struct kvmreal_vm *vm;
	struct kvmreal_apic_bits b;
	int vec, ret, mode;

	ret = kvmreal_vm_create(&vm, 1, KVMREAL_IRQCHIP_KERNEL);
	if (ret < 0)
		return ret;
	for (mode = KVMREAL_ACK_GUEST_WINDOW; mode <= KVMREAL_ACK_GUEST_HLT; mode++) {
		ret = kvmreal_signal_msi(vm, 0xfee00000, 0, PROBE_VECTOR);
		if (ret != 1) {
			ret = ret < 0 ? ret : -EIO;
			goto out;
		}
		ret = ack_guest(vm, 0, mode, &vec);
		if (ret < 0)
			goto out;
		if (vec == PROBE_VECTOR)
			break;
	}
	if (vec != PROBE_VECTOR) {
		ret = -EIO;	/* the guest never took the interrupt */
		goto out;
	}
	ret = kvmreal_lapic_get(vm, 0, &b);
	if (ret < 0)
		goto out;
	ret = kvmreal_bit(b.isr, PROBE_VECTOR) ? mode : KVMREAL_ACK_HOST;
out:
	kvmreal_vm_destroy(vm);
	return ret;
}

static pthread_once_t mode_once = PTHREAD_ONCE_INIT;
static int detected_mode;

static void detect(void)
{
	const char *force = getenv("KVMREAL_ACK");

	detected_mode = probe_mode();
	if (force && !strcmp(force, "host"))
		detected_mode = KVMREAL_ACK_HOST;
	else if (force && !strcmp(force, "guest") && detected_mode == KVMREAL_ACK_HOST)
		detected_mode = KVMREAL_ACK_GUEST_HLT;
}

int kvmreal_ack_mode(void)
{
	pthread_once(&mode_once, detect);
	return detected_mode;
}

const char *kvmreal_ack_mode_name(int mode)
{
	switch (mode) {
	case KVMREAL_ACK_GUEST_WINDOW:
		return "guest (sti; nop; cli: the kernel injects, ISR observed)";
	case KVMREAL_ACK_GUEST_HLT:
		return "guest (sti; hlt: the kernel injects, ISR observed)";
	case KVMREAL_ACK_HOST:
		return "host (the kernel EOIs on injection, as kvm_pvm does: IRR->ISR by KVM_SET_LAPIC)";
	}
	return "unknown (the probe failed)";
}
