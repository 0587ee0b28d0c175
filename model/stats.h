/*
 * Named counters of the simulated VM, visible to scenarios as
 * `expect stat NAME=N` and to library users through irqsim_stat().
 * Not a kernel structure (the kernel's VM stats are different): these
 * count the events a simulator user wants to assert on.
 *
 * Each X(field, "name", "what it counts") line defines one counter; add a
 * line to add a counter (and document it in docs/model.md).
 */
#ifndef MODEL_STATS_H
#define MODEL_STATS_H

#include <kshim/types.h>
#include <kshim/atomic.h>

#define KVM_SIM_STATS(X)							\
	X(irqfd_fast, "irqfd.inject.fast", "irqfd injections done in the wakeup callback (MSI fast path)") \
	X(irqfd_slow, "irqfd.inject.slow", "irqfd injections done by the inject work item (slow path)") \
	X(irqfd_pending_at_assign, "irqfd.inject.at_assign", "irqfds whose eventfd was already signalled at assign") \
	X(irqfd_hup, "irqfd.hup", "irqfds deactivated by EPOLLHUP (eventfd released)") \
	X(irqfd_shutdown, "irqfd.shutdown", "irqfd shutdowns completed") \
	X(resampler_ack, "irqfd.resample.ack", "resampler ack notifications (one de-assert each)") \
	X(resampler_signal, "irqfd.resample.signal", "resamplefd signals sent") \
	X(ioeventfd_signal, "ioeventfd.signal", "guest writes caught by an ioeventfd") \
	X(exits_mmio, "exits.mmio", "guest MMIO writes that exited to userspace") \
	X(exits_pio, "exits.pio", "guest PIO writes that exited to userspace") \
	X(msi_delivered, "msi.delivered", "MSI messages accepted by at least one LAPIC") \
	X(apic_fast_path, "apic.delivery.fast", "deliveries resolved by the APIC map fast path") \
	X(apic_slow_path, "apic.delivery.slow", "deliveries resolved by walking every vCPU") \
	X(ioapic_eoi, "ioapic.eoi", "EOIs broadcast to the IOAPIC") \
	X(ioapic_eoi_storm, "ioapic.eoi.storm", "successive-EOI storms deferred to the eoi_inject work") \
	X(ioapic_coalesced, "ioapic.coalesced", "IOAPIC asserts coalesced into a pending IRR bit") \
	X(pic_coalesced, "pic.coalesced", "PIC asserts coalesced") \
	X(routing_updates, "routing.updates", "KVM_SET_GSI_ROUTING tables published") \
	X(iobus_updates, "iobus.updates", "io bus arrays published (register or unregister)")

struct kvm_sim_stats {
#define KVM_SIM_STAT_FIELD(field, name, doc) atomic64_t field;
	KVM_SIM_STATS(KVM_SIM_STAT_FIELD)
#undef KVM_SIM_STAT_FIELD
};

#define kvm_stat_inc(kvm, field) atomic64_inc(&(kvm)->stat.field)

#endif
