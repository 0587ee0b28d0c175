/*
 * What the model unit tests' hand-built VMs share (tests/model/eventfd,
 * tests/model/ioapic): a struct kvm with the locks, SRCU structs and
 * notifier list kvm_create_vm sets up, and stats looked up by name. The
 * rest of each VM (buses, vCPUs, chips) is the test's own.
 */
#ifndef TESTS_MODEL_COMMON_FAKE_KVM_H
#define TESTS_MODEL_COMMON_FAKE_KVM_H

#include "model/kvm_host.h"

/* A zeroed struct kvm on sim, set up as kvm_create_vm does; aborts on failure. */
struct kvm *fake_kvm_alloc(struct sim *sim, enum kvm_irqchip_mode mode);
/* Clean up both SRCU structs and free kvm (callers wait for callbacks first). */
void fake_kvm_free(struct kvm *kvm);
/* The named stat (docs' "ioapic.eoi" names, KVM_SIM_STATS); aborts if unknown. */
u64 fake_kvm_stat(struct kvm *kvm, const char *name);

#endif
