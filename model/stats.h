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
	X(pic_kick, "pic.kick", "vCPU kicks after the PIC output rose (no run loop: a counter)") \
	X(routing_updates, "routing.updates", "KVM_SET_GSI_ROUTING tables published") \
	X(iobus_updates, "iobus.updates", "io bus arrays published (register or unregister)") \
	X(irq_line, "irq_line", "KVM_IRQ_LINE and KVM_IRQ_LINE_STATUS calls that reached kvm_set_irq") \
	X(signal_msi, "signal_msi", "KVM_SIGNAL_MSI calls that reached kvm_set_msi") \
	X(lapic_accepted, "lapic.accepted", "interrupts a local APIC accepted (__apic_accept_irq returned 1)") \
	X(lapic_dropped, "lapic.dropped", "fixed/lowest-priority interrupts dropped by a disabled local APIC") \
	X(lapic_nmi, "lapic.nmi", "NMIs accepted by a local APIC") \
	X(lapic_ack, "lapic.ack", "vectors acknowledged by a guest (IRR to ISR)") \
	X(lapic_eoi, "lapic.eoi", "guest EOIs that retired an in-service vector") \
	X(pic_extint, "lapic.extint", "acknowledges served by the PIC INTA cycle (ExtINT)") \
	X(apic_map_rebuilds, "apic.map.rebuilds", "optimized APIC maps published by kvm_recalculate_apic_map") \
	X(scan_ioapic, "lapic.scan_ioapic", "EOI-exit bitmaps recomputed (KVM_REQ_SCAN_IOAPIC handled)")

/*
 * One task slot's counts (the runtime's per-task slots, kshim/ksim.h, as
 * per-CPU stats are in the kernel): struct kvm holds one per slot, a task
 * adds to its own with a plain load and store, a reader sums the slots.
 */
#define KVM_SIM_STAT_FIELD(field, name, doc) unsigned long field;
struct kvm_sim_stat_counts {
	KVM_SIM_STATS(KVM_SIM_STAT_FIELD)
};

/* Padded to whole cache lines, so that two slots share none (if kmalloc aligns). */
struct kvm_sim_stats {
	union {
		struct {
			KVM_SIM_STATS(KVM_SIM_STAT_FIELD)
		};
		char pad[(sizeof(struct kvm_sim_stat_counts) + 63) & ~(size_t)63];
	};
};
#undef KVM_SIM_STAT_FIELD

#define kvm_stat_inc(kvm, field) do {					\
	unsigned int __slot;						\
									\
	ksim_fine_yield();						\
	__slot = ksim_this_slot();					\
	ksim_slot_add(&(kvm)->stat[__slot].field, __slot, 1);		\
} while (0)

/* The counter's value: the sum over every slot. */
#define kvm_stat_read(kvm, field) ({					\
	unsigned long __sum = 0;					\
									\
	for (int __i = 0; __i < KSIM_NR_SLOTS; __i++)			\
		__sum += __atomic_load_n(&(kvm)->stat[__i].field, __ATOMIC_RELAXED); \
	__sum; })

#endif
