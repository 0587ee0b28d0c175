/*
 * Unit-test environment for the IOAPIC and PIC: a hand-built struct kvm
 * with a few vCPUs, and test-local fakes of every symbol the two chips
 * call in other teams' files (LAPIC delivery, io bus, ack notifiers,
 * resampler, routing lookups, scan requests, kick). The chips' own code
 * (model/ioapic.c, model/i8259.c) is compiled into the test as is.
 *
 * The fakes record what they were asked and let a test choose answers,
 * so each test can check exactly what the chips did and when.
 */
#ifndef TESTS_IOAPIC_FAKE_ENV_H
#define TESTS_IOAPIC_FAKE_ENV_H

#include "model/kvm_host.h"
#include "model/iodev.h"
#include "model/lapic.h"
#include "model/ioapic.h"
#include "model/i8259.h"

#define FAKE_NR_VCPUS	4
#define FAKE_MAX_DEVS	8
#define FAKE_MAX_LOG	64

struct fake_dev {
	enum kvm_bus bus;
	gpa_t addr;
	int len;
	struct kvm_io_device *dev;
};

struct fake_delivery {
	struct kvm_lapic_irq irq;
	bool with_dest_map;
};

struct fake_ack {
	unsigned int irqchip, pin;
	bool ioapic_lock_held;		/* the IOAPIC lock was held during the call (a bug) */
	bool pic_lock_held;
};

struct fake_env {
	struct sim *sim;
	struct kvm *kvm;
	struct kvm_vcpu vcpu[FAKE_NR_VCPUS];
	struct kvm_lapic lapic[FAKE_NR_VCPUS];

	/* kvm_io_bus_register_dev / unregister */
	struct fake_dev devs[FAKE_MAX_DEVS];
	int nr_devs;
	int register_fail_at;		/* n-th registration (1-based) fails with register_err */
	int register_err;
	int register_calls;

	/* kvm_irq_delivery_to_apic */
	struct fake_delivery deliveries[FAKE_MAX_LOG];
	int nr_deliveries;		/* total, may exceed FAKE_MAX_LOG */
	bool delivery_ret_forced;
	int delivery_ret;

	/* kvm_notify_acked_irq */
	struct fake_ack acks[FAKE_MAX_LOG];
	int nr_acks;
	void (*on_ack)(struct fake_env *env, unsigned int irqchip, unsigned int pin);

	/* kvm_irq_has_notifier / kvm_notify_irqfd_resampler */
	unsigned long has_notifier[KVM_NR_IRQCHIPS];	/* pin bitmaps */
	unsigned long has_resampler;			/* IOAPIC pin bitmap */
	int resampler_calls;

	/* kvm_make_scan_ioapic_request(_mask) */
	int scan_all;
	int scan_mask;
	unsigned long last_scan_mask;

	/* kvm_apic_pending_eoi: vectors "still in IRR/ISR" per vCPU */
	DECLARE_BITMAP(pending_eoi[FAKE_NR_VCPUS], 256);

	/* kvm_apic_accept_pic_intr per vCPU; kvm_vcpu_kick count */
	bool accept_pic[FAKE_NR_VCPUS];
	int kicks[FAKE_NR_VCPUS];
};

extern struct fake_env env;

/* Fresh simulation, VM with FAKE_NR_VCPUS vCPUs (APIC ids 0..3), PIC + IOAPIC created. */
void fake_env_setup(void);
/* Destroy chips and simulation; returns the simulation's checker report count. */
unsigned int fake_env_teardown(void);

/* A named counter of struct kvm_sim_stats (aborts on an unknown name). */
u64 fake_stat(const char *name);

/* Guest accesses through the device the chip registered. */
int fake_mmio_write(gpa_t addr, int len, u64 val);
int fake_mmio_read(gpa_t addr, int len, u64 *val);
int fake_pio_write(u16 port, u8 val);
u8 fake_pio_read(u16 port);
struct fake_dev *fake_find_dev(enum kvm_bus bus, gpa_t addr);

/* IOAPIC helpers through the MMIO window. */
void ioapic_write_reg(u32 reg, u32 val);
u32 ioapic_read_reg(u32 reg);
void ioapic_write_entry(int pin, u64 entry);
u64 ioapic_read_entry(int pin);

/* A redirection entry: vector, dest id, level?, masked? (fixed, physical). */
u64 redir(u8 vector, u8 dest, bool level, bool masked);

#endif
