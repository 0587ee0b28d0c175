/* The LAPIC as the scenario contract leaves it at VM creation, and its readers. */
#include <string.h>
#include "kvmreal_internal.h"

#define MSR_IA32_APICBASE	0x1b
#define APICBASE_BSP		(1ULL << 8)
#define APICBASE_ENABLE		(1ULL << 11)

static uint32_t reg_get(const struct kvm_lapic_state *s, unsigned int off)
{
	uint32_t v;

	memcpy(&v, &s->regs[off], sizeof(v));
	return v;
}

static void reg_set(struct kvm_lapic_state *s, unsigned int off, uint32_t v)
{
	memcpy(&s->regs[off], &v, sizeof(v));
}

/* KVM_GET_MSRS / KVM_SET_MSRS of IA32_APIC_BASE. */
int kvmreal_apic_base(struct kvmreal_vm *vm, int n, uint64_t *val, bool set)
{
	union {
		struct kvm_msrs hdr;
		uint8_t buf[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
	} m;
	struct kvm_msr_entry e = { .index = MSR_IA32_APICBASE, .data = set ? *val : 0 };
	int ret;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = 1;
	memcpy(m.buf + sizeof(struct kvm_msrs), &e, sizeof(e));
	ret = kvmreal_ioctl(vm->vcpus[n].fd, set ? KVM_SET_MSRS : KVM_GET_MSRS, &m);
	if (ret < 0)
		return ret;
	if (ret != 1)	/* the number of MSRs processed */
		return -EIO;
	memcpy(&e, m.buf + sizeof(struct kvm_msrs), sizeof(e));
	if (!set)
		*val = e.data;
	return 0;
}

static int set_apic_base(struct kvmreal_vm *vm, int n)
{
	uint64_t v = 0xfee00000ULL | APICBASE_ENABLE | (n == 0 ? APICBASE_BSP : 0);

	return kvmreal_apic_base(vm, n, &v, true);
}

/* Enabled (base MSR and SVR), xAPIC, id = n, LDR 0, flat DFR, TPR 0, LVTs masked. */
int kvmreal_lapic_init(struct kvmreal_vm *vm, int n)
{
	static const unsigned int lvts[] = { 0x2f0, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370 };
	struct kvm_lapic_state s;
	int ret;

	ret = set_apic_base(vm, n);
	if (ret < 0)
		return ret;
	ret = kvmreal_ioctl(vm->vcpus[n].fd, KVM_GET_LAPIC, &s);
	if (ret < 0)
		return ret;
	reg_set(&s, 0x20, (uint32_t)n << 24);
	reg_set(&s, 0x80, 0);
	reg_set(&s, 0xd0, 0);
	reg_set(&s, 0xe0, 0xffffffff);
	reg_set(&s, 0xf0, 0x1ff);	/* spurious vector 0xff, software enabled */
	for (size_t i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		reg_set(&s, lvts[i], reg_get(&s, lvts[i]) | 0x10000);
	return kvmreal_ioctl(vm->vcpus[n].fd, KVM_SET_LAPIC, &s);
}

int kvmreal_lapic_get(struct kvmreal_vm *vm, int n, struct kvmreal_apic_bits *out)
{
	struct kvmreal_vcpu *v = kvmreal_vcpu(vm, n);
	struct kvm_lapic_state s;
	int ret;

	if (!v || !out)
		return -EINVAL;
	ret = kvmreal_ioctl(v->fd, KVM_GET_LAPIC, &s);
	if (ret < 0)
		return ret;
	for (int i = 0; i < 8; i++) {
		out->isr[i] = reg_get(&s, 0x100 + 0x10 * i);
		out->tmr[i] = reg_get(&s, 0x180 + 0x10 * i);
		out->irr[i] = reg_get(&s, 0x200 + 0x10 * i);
	}
	out->id = reg_get(&s, 0x20);
	out->tpr = reg_get(&s, 0x80);
	out->ppr = reg_get(&s, 0xa0);
	out->ldr = reg_get(&s, 0xd0);
	out->dfr = reg_get(&s, 0xe0);
	out->svr = reg_get(&s, 0xf0);
	return 0;
}
