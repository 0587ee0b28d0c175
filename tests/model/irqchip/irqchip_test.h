/*
 * Shared helpers of the irqchip team's tests: a simulation with one VM,
 * and the ioctls and guest operations a test needs, spelled shortly.
 * Every test starts with vm_setup() and ends with vm_teardown(), which
 * asserts that the simulation ends with no checker report (leaks, lock
 * order, RCU usage...).
 */
#ifndef TESTS_IRQCHIP_TEST_H
#define TESTS_IRQCHIP_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>
#include <irqsim/kvm.h>
#include <irqsim/sim.h>
#include "tests/cunit_main.h"
#include "model/kvm_host.h"
#include "model/lapic.h"
#include "model/irq.h"

enum vm_irqchip { VM_NO_IRQCHIP, VM_KERNEL_IRQCHIP, VM_SPLIT_IRQCHIP };

extern struct sim *sim;
extern struct kvm *kvm;
extern enum sim_backend test_backend;	/* sched unless a suite switched it */

/* Simulation + VM (+ irqchip) + nvcpus vCPUs (ids 0..n-1), LAPICs left at RESET. */
void vm_setup(enum vm_irqchip chip, int nvcpus);
/* Destroy the VM and the simulation; asserts no checker report. */
void vm_teardown(void);

struct kvm_vcpu *vcpu(int idx);

/* Guest: enable the LAPIC (SPIV 0x1ff) with xAPIC id, LDR logical id, flat or cluster DFR. */
void lapic_setup(int idx, uint8_t id, uint8_t ldr, bool cluster);
void lapic_write(int idx, uint32_t reg, uint32_t val);
uint32_t lapic_reg(int idx, uint32_t reg);	/* via KVM_GET_LAPIC */
bool irr_has(int idx, int vec);
bool isr_has(int idx, int vec);
bool tmr_has(int idx, int vec);
int irr_count(int idx);
/* Host-initiated APIC base MSR write (KVM_SET_MSRS); 0 or 1 (#GP). */
int set_apic_base(int idx, uint64_t value);
void enable_x2apic(int idx);

/* Host */
long vm_ioctl(unsigned int ioctl, unsigned long arg);
long set_routing(const struct kvm_irq_routing_entry *e, unsigned int nr, unsigned int flags);
long signal_msi(uint32_t lo, uint32_t hi, uint32_t data);
/* KVM_IRQ_LINE_STATUS: returns the status; asserts the ioctl returned 0. */
int irq_line(uint32_t gsi, int level);
struct kvm_irq_routing_entry route_irqchip(uint32_t gsi, uint32_t chip, uint32_t pin);
struct kvm_irq_routing_entry route_msi(uint32_t gsi, uint32_t lo, uint32_t hi, uint32_t data);
long enable_cap(uint32_t cap, uint64_t arg0);

/* Guest programs IOAPIC redirection entry pin (vCPU 0 through IOREGSEL/IOWIN). */
void ioapic_write_entry(int pin, uint64_t entry);
uint64_t ioapic_entry(int pin);		/* KVM_GET_IRQCHIP */
/* Guest initialises the master PIC (ICW1-4) with vector base, all unmasked. */
void pic_init_master(uint8_t base);

uint64_t stat(const char *name);

/* MSI address for a destination id and mode */
#define MSI_ADDR(dest, logical)	(0xfee00000u | ((uint32_t)(dest) << 12) | ((logical) ? 4u : 0u))
#define MSI_RH			(1u << 3)

extern const struct cunit_test routing_tests[];
extern const struct cunit_test irq_line_tests[];
extern const struct cunit_test msi_tests[];
extern const struct cunit_test dest_tests[];
extern const struct cunit_test lapic_tests[];
extern const struct cunit_test vm_tests[];

#endif
