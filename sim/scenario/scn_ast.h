/*
 * The AST of a parsed .scn scenario (docs/scenario-language.md).
 *
 * A program is an array of statements; a `thread` statement owns the array of
 * its body and a `routing` block owns its entries. Every statement keeps the
 * line and column of its first token so that the interpreter can report
 * `FILE:LINE: expected X, got Y`. Eventfd names are resolved by the parser to
 * an index into scn_program.eventfds (declaration order), so the interpreter
 * never compares strings at run time.
 *
 * Optional arguments have a has_X flag beside the value; arguments with a
 * documented default (ioapic dest=0, destmode=physical, ...) hold the default
 * when absent and have no has_X. Enum values that correspond to a hardware or
 * uapi encoding use that encoding (scn_chip = KVM_IRQCHIP_*, scn_delivery =
 * IOAPIC delivery mode bits).
 *
 * The whole tree is immutable after scn_parse() returns and is freed by
 * scn_program_free(); nothing in it is protected by a lock, so it may be read
 * from any number of threads at once.
 */
#ifndef IRQSIM_SCN_AST_H
#define IRQSIM_SCN_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum scn_kind {
	SCN_VM,			/* vm [vcpus=N] [irqchip=...] */
	SCN_EVENTFD,		/* eventfd NAME [count=N] */
	SCN_WRITE,		/* write NAME [N] */
	SCN_READ,		/* read NAME */
	SCN_CLOSE,		/* close NAME */
	SCN_ROUTING,		/* routing ... end, or routing default */
	SCN_IRQ_LINE,		/* irq_line GSI LEVEL */
	SCN_MSI,		/* msi addr=A data=D ... */
	SCN_IRQFD,		/* irqfd NAME gsi=N ... */
	SCN_IOEVENTFD,		/* ioeventfd NAME mmio|pio addr=A len=L ... */
	SCN_SETTLE,		/* settle [off|on] */
	SCN_LAPIC,		/* vcpu N lapic ... */
	SCN_ACK,		/* vcpu N ack */
	SCN_EOI,		/* vcpu N eoi */
	SCN_GUEST_WRITE,	/* vcpu N mmio|pio write ADDR LEN VALUE */
	SCN_IOAPIC_PIN,		/* ioapic pin P ... */
	SCN_EXPECT_LAPIC,	/* expect lapic N irr|isr|tmr V... | none */
	SCN_EXPECT_LAPIC_HAS,	/* expect lapic N irr|isr|tmr has V */
	SCN_EXPECT_IOAPIC,	/* expect ioapic pin P [irr=] [remote_irr=] */
	SCN_EXPECT_EVENTFD,	/* expect eventfd NAME count=N */
	SCN_EXPECT_EXITS,	/* expect exits [mmio=N] [pio=N] */
	SCN_EXPECT_STAT,	/* expect stat NAME=N */
	SCN_THREAD,		/* thread NAME ... end */
	SCN_RUN,		/* run [schedules=N] [seed=S] */
	SCN_KIND_COUNT,
	SCN_ROUTE_ENTRY = SCN_KIND_COUNT, /* only inside scn_routing.entries */
};

enum scn_irqchip_mode { SCN_IRQCHIP_KERNEL, SCN_IRQCHIP_SPLIT, SCN_IRQCHIP_NONE };
/* values are KVM_IRQCHIP_PIC_MASTER, KVM_IRQCHIP_PIC_SLAVE, KVM_IRQCHIP_IOAPIC */
enum scn_chip { SCN_CHIP_PIC_MASTER = 0, SCN_CHIP_PIC_SLAVE = 1, SCN_CHIP_IOAPIC = 2 };
enum scn_route_type { SCN_ROUTE_IRQCHIP, SCN_ROUTE_MSI };
enum scn_space { SCN_SPACE_MMIO, SCN_SPACE_PIO };
enum scn_settle_mode { SCN_SETTLE_NOW, SCN_SETTLE_OFF, SCN_SETTLE_ON };
enum scn_dfr { SCN_DFR_FLAT, SCN_DFR_CLUSTER };
enum scn_lapic_sw { SCN_LAPIC_SW_KEEP, SCN_LAPIC_SW_ENABLE, SCN_LAPIC_SW_DISABLE };
enum scn_destmode { SCN_DESTMODE_PHYSICAL, SCN_DESTMODE_LOGICAL };
/* IOAPIC redirection-entry delivery mode encoding (bits 8-10) */
enum scn_delivery {
	SCN_DELIVERY_FIXED = 0, SCN_DELIVERY_LOWEST = 1, SCN_DELIVERY_SMI = 2,
	SCN_DELIVERY_NMI = 4, SCN_DELIVERY_INIT = 5, SCN_DELIVERY_EXTINT = 7,
};
enum scn_trigger { SCN_TRIGGER_EDGE, SCN_TRIGGER_LEVEL };
enum scn_polarity { SCN_POLARITY_HIGH, SCN_POLARITY_LOW };
/* ioapic pin: which of masked/unmasked was written (NONE: neither) */
enum scn_pin_mask { SCN_PIN_MASK_NONE, SCN_PIN_MASKED, SCN_PIN_UNMASKED };
enum scn_apic_reg { SCN_APIC_IRR, SCN_APIC_ISR, SCN_APIC_TMR };

/* One alternative of `=> A|B|...`. */
enum scn_result_kind {
	SCN_RES_OK,		/* the statement succeeded (any return value) */
	SCN_RES_ERRNO,		/* failed with errno `value` (positive, e.g. 22) */
	SCN_RES_NUM,		/* returned `value` (two's complement if negative) */
	SCN_RES_NONE,		/* vcpu ack: nothing deliverable */
	SCN_RES_KERNEL,		/* guest write handled in the kernel */
	SCN_RES_EXIT,		/* guest write exited to userspace */
};

struct scn_result {
	enum scn_result_kind kind;
	bool negative;		/* SCN_RES_NUM written with a '-' (printing only) */
	uint64_t value;
};

/* A vector set, bit v = vector v. */
struct scn_vecset {
	uint64_t bits[4];
};

static inline bool scn_vecset_test(const struct scn_vecset *s, unsigned int v)
{
	return v < 256 && (s->bits[v / 64] >> (v % 64)) & 1;
}

struct scn_vm {
	uint32_t vcpus;			/* 0..SCN_MAX_VCPUS, default 1 */
	enum scn_irqchip_mode irqchip;	/* default kernel */
};

struct scn_eventfd {
	uint32_t efd;		/* index into scn_program.eventfds */
	uint64_t count;		/* initial count, default 0 */
};

struct scn_write {
	uint32_t efd;
	uint64_t value;		/* default 1 */
};

struct scn_efd_ref {		/* read, close */
	uint32_t efd;
};

struct scn_route_entry {
	uint32_t gsi;
	enum scn_route_type type;	/* derived: msi flag given or not */
	/* irqchip entries */
	bool has_chip;
	enum scn_chip chip;
	bool has_pin;
	uint32_t pin;
	/* msi entries */
	bool msi;
	bool has_addr;
	uint32_t addr;			/* address_lo */
	bool has_data;
	uint32_t data;
	bool has_addr_hi;
	uint32_t addr_hi;		/* address_hi, 0 when absent */
	unsigned int line, col;
};

struct scn_routing {
	bool is_default;		/* `routing default`: no entries */
	struct scn_route_entry *entries;
	size_t n_entries;
	unsigned int end_line;		/* line of `end` (holds the `=>`) */
};

struct scn_irq_line {
	uint32_t gsi;
	uint32_t level;
};

struct scn_msi {
	uint32_t addr;			/* address_lo */
	uint32_t data;
	bool has_addr_hi;
	uint32_t addr_hi;
	bool has_flags;			/* extension: raw kvm_msi.flags */
	uint32_t flags;
};

struct scn_irqfd {
	uint32_t efd;
	uint32_t gsi;
	bool has_resample;
	uint32_t resample_efd;		/* index into scn_program.eventfds */
	bool has_flags;
	uint32_t flags;			/* raw bits ORed into kvm_irqfd.flags */
	bool deassign;
};

struct scn_ioeventfd {
	uint32_t efd;
	enum scn_space space;
	uint64_t addr;
	uint32_t len;
	bool has_datamatch;
	uint64_t datamatch;
	bool has_flags;
	uint32_t flags;			/* raw bits ORed into kvm_ioeventfd.flags */
	bool deassign;
};

struct scn_settle {
	enum scn_settle_mode mode;
};

struct scn_lapic {
	uint32_t vcpu;
	bool has_id;
	uint32_t id;
	bool has_ldr;
	uint32_t ldr;
	bool has_dfr;
	enum scn_dfr dfr;
	bool has_tpr;
	uint32_t tpr;
	enum scn_lapic_sw sw;		/* enable / disable / unchanged */
	bool x2apic;			/* extension: switch to x2APIC mode */
};

struct scn_vcpu_ref {		/* ack, eoi */
	uint32_t vcpu;
};

struct scn_guest_write {
	uint32_t vcpu;
	enum scn_space space;
	uint64_t addr;
	uint32_t len;
	uint64_t value;
};

struct scn_ioapic_pin {
	uint32_t pin;
	bool program;			/* derived: vector= given, the whole entry is written */
	bool has_vector;
	uint8_t vector;
	uint8_t dest;			/* default 0 */
	enum scn_destmode destmode;
	enum scn_delivery delivery;
	enum scn_trigger trigger;
	enum scn_polarity polarity;
	enum scn_pin_mask mask;		/* program: masked iff SCN_PIN_MASKED */
};

struct scn_expect_lapic {	/* SCN_EXPECT_LAPIC and SCN_EXPECT_LAPIC_HAS */
	uint32_t vcpu;
	enum scn_apic_reg reg;
	struct scn_vecset set;		/* EXPECT_LAPIC: exactly these (empty = none) */
	uint8_t vector;			/* EXPECT_LAPIC_HAS: this one is set */
};

struct scn_expect_ioapic {
	uint32_t pin;
	bool has_irr;
	uint8_t irr;			/* 0 or 1 */
	bool has_remote_irr;
	uint8_t remote_irr;		/* 0 or 1 */
};

struct scn_expect_eventfd {
	uint32_t efd;
	uint64_t count;
};

struct scn_expect_exits {
	bool has_mmio;
	uint64_t mmio;
	bool has_pio;
	uint64_t pio;
};

struct scn_expect_stat {
	const char *name;		/* may contain dots: irqfd.inject.fast */
	uint64_t value;
};

struct scn_stmt;

struct scn_thread {
	const char *name;
	uint32_t index;			/* 0.. in declaration order */
	struct scn_stmt *body;
	size_t n_body;
	unsigned int end_line;
};

struct scn_run {
	bool has_schedules;
	uint64_t schedules;
	bool has_seed;
	uint64_t seed;
};

struct scn_stmt {
	enum scn_kind kind;
	unsigned int line, col;		/* first token of the statement */
	unsigned int n_results;		/* 0: the statement must succeed */
	struct scn_result *results;	/* `=> A|B`: any one may hold */
	union {
		struct scn_vm vm;
		struct scn_eventfd eventfd;
		struct scn_write write;
		struct scn_efd_ref read;
		struct scn_efd_ref close;
		struct scn_routing routing;
		struct scn_irq_line irq_line;
		struct scn_msi msi;
		struct scn_irqfd irqfd;
		struct scn_ioeventfd ioeventfd;
		struct scn_settle settle;
		struct scn_lapic lapic;
		struct scn_vcpu_ref ack;
		struct scn_vcpu_ref eoi;
		struct scn_guest_write guest_write;
		struct scn_ioapic_pin ioapic_pin;
		struct scn_expect_lapic expect_lapic;
		struct scn_expect_ioapic expect_ioapic;
		struct scn_expect_eventfd expect_eventfd;
		struct scn_expect_exits expect_exits;
		struct scn_expect_stat expect_stat;
		struct scn_thread thread;
		struct scn_run run;
	} u;
};

struct scn_eventfd_decl {
	const char *name;
	unsigned int line;		/* of its `eventfd` statement */
	bool in_thread;			/* declared inside a thread body */
};

#define SCN_MAX_VCPUS 1024

struct scn_program {
	const char *filename;
	struct scn_stmt *stmts;		/* top level, in order */
	size_t n_stmts;
	struct scn_eventfd_decl *eventfds;
	uint32_t n_eventfds;
	uint32_t n_threads;
	uint32_t vcpus;			/* copied from the vm statement */
	enum scn_irqchip_mode irqchip;	/* copied from the vm statement */
	void *priv;			/* parser-owned memory */
};

#endif
