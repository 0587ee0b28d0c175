/*
 * What the three parts of the model's lapic.c share: in the kernel they are
 * one file, arch/x86/kvm/lapic.c, and these are its static helpers. Only
 * lapic.c, lapic_map.c and lapic_regs.c include this header.
 */
#ifndef MODEL_LAPIC_INTERNAL_H
#define MODEL_LAPIC_INTERNAL_H

#include "lapic.h"
#include "iodev.h"

/*
 * kvm->arch.apic_map_dirty: CLEAN -> DIRTY (and UPDATE_IN_PROGRESS ->
 * DIRTY) without a lock; DIRTY -> UPDATE_IN_PROGRESS -> CLEAN under
 * apic_map_lock.
 */
enum { CLEAN, UPDATE_IN_PROGRESS, DIRTY };

/* kvm_x2apic_id(): KVM hard-wires the x2APIC id to the vCPU id. */
static inline u32 kvm_x2apic_id(struct kvm_lapic *apic)
{
	return apic->vcpu->vcpu_id;
}

/* kvm_apic_calc_x2apic_ldr() */
static inline u32 kvm_apic_calc_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1 << (id & 0xf));
}

/* lapic.c */
void apic_update_ppr(struct kvm_lapic *apic);
int apic_set_eoi(struct kvm_lapic *apic);
void __kvm_apic_set_base(struct kvm_vcpu *vcpu, u64 value);
void kvm_apic_update_apicv(struct kvm_vcpu *vcpu);

/* lapic_regs.c */
extern const struct kvm_io_device_ops apic_mmio_ops;
void kvm_apic_set_xapic_id(struct kvm_lapic *apic, u8 id);
void kvm_apic_set_x2apic_id(struct kvm_lapic *apic, u32 id);

#endif
