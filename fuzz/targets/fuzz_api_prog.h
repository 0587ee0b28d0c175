/*
 * fuzz_api's input format: bytes decode into a program of host operations
 * spread over up to 4 host threads, plus the VM shape, a seed, the
 * scheduling bytes and one fault-injection point. The same decoded program
 * is executed by fuzz_api.c and printed as a .scn scenario by
 * fuzz_api_to_scn.c (the fuzz-repro hook), so the two always agree.
 *
 * Layout: b0 = irqchip (bits 0-1: 3 none, 2 split, else kernel), vCPUs - 1
 * (bits 2-3), threads - 1 (bits 4-5); b1 % 8 = fault kind (6 allocation,
 * 7 fd lookup, else none), then its n (1 byte) if any; seed (2 bytes);
 * schedule length (1 byte) = that many bytes taken off the END of the
 * input; the rest are operations: one byte (kind = low nibble, thread =
 * high nibble) and the kind's arguments. Eventfds e0-e3 exist from the
 * start; `eventfd` operations (always on thread 0) add e4..e15.
 */
#ifndef FUZZ_API_PROG_H
#define FUZZ_API_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FA_MAX_OPS		128
#define FA_MAX_THREADS		4
#define FA_MAX_EVENTFDS		16
#define FA_INIT_EVENTFDS	4
#define FA_MAX_ROUTES		4
#define FA_MMIO_POOL		0x10000000ull
#define FA_PIO_POOL		0x100u

enum fa_kind {
	FA_EVENTFD,		/* eventfd eN [count=1] */
	FA_WRITE,		/* write eN V */
	FA_CLOSE,		/* close eN */
	FA_IRQFD,		/* irqfd eN gsi=G [resample=eM] [flags=X] [deassign] */
	FA_ROUTING,		/* routing ... end */
	FA_IRQ_LINE,		/* irq_line G L */
	FA_MSI,			/* msi addr=A data=D */
	FA_IOEVENTFD,		/* ioeventfd eN mmio|pio addr=A len=L [datamatch=V] [flags=X] [deassign] */
	FA_MMIO_WRITE,		/* vcpu N mmio write A L V */
	FA_PIO_WRITE,		/* vcpu N pio write P L V */
	FA_ACK,			/* vcpu N ack */
	FA_EOI,			/* vcpu N eoi */
	FA_IOAPIC_PIN,		/* ioapic pin P vector=V dest=D [trigger=level] [masked] */
	FA_NR_KINDS,
};

enum fa_irqchip { FA_IRQCHIP_NONE, FA_IRQCHIP_KERNEL, FA_IRQCHIP_SPLIT };
enum fa_fault { FA_FAULT_NONE, FA_FAULT_ALLOC, FA_FAULT_FDGET };

struct fa_route {
	uint32_t gsi;
	bool msi;
	uint32_t chip, pin;		/* KVM_IRQCHIP_*; irqchip entries */
	uint32_t addr, data;		/* msi entries */
};

struct fa_op {
	enum fa_kind kind;
	uint8_t thread;
	uint8_t ev, ev2;		/* eventfd indexes (ev2: the resamplefd) */
	bool resample, deassign, pio, has_datamatch, level_trig, masked;
	uint32_t gsi, level, flags, len;
	uint64_t addr, value, datamatch;
	uint8_t vcpu, pin, vector, dest;
	uint32_t msi_addr, msi_data;
	uint8_t nr_routes;
	struct fa_route routes[FA_MAX_ROUTES];
};

struct fa_prog {
	enum fa_irqchip irqchip;
	int nr_vcpus, nr_threads;
	uint64_t seed;
	enum fa_fault fault;
	unsigned long fault_nth;
	const uint8_t *schedule;	/* points into the input */
	size_t schedule_len;
	int nr_eventfds;		/* e0..e(n-1) over the whole program */
	int nr_ops;
	struct fa_op ops[FA_MAX_OPS];
};

/* Decode any bytes into a program (never fails; short inputs give short programs). */
void fa_decode(const uint8_t *data, size_t size, struct fa_prog *p);

/* The .scn text of a decoded program (malloc'd, NUL-terminated), or NULL on ENOMEM. */
char *fa_prog_to_scn(const struct fa_prog *p, size_t *len);

/*
 * The fuzz-repro hook: a fuzz_api input (e.g. a crash file) as a readable
 * scenario that `irqsim run` accepts. NULL on ENOMEM.
 */
char *fuzz_api_to_scn(const uint8_t *data, size_t size, size_t *len);

#endif
