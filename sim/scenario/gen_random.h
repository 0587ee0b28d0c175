/*
 * Random scenario programs, for differential testing against the real
 * kernel (`irqsim diff --random`) and for fuzzers that want to reach the
 * model through whole, valid scenarios (a fuzz_api input -> .scn text).
 *
 * The generator reads its choices from a byte string (an exhausted string
 * reads as zeros and ends the program), so a fuzzer's input maps to one
 * program and small input changes give small program changes;
 * scn_gen_from_seed() fills the bytes from a seeded PRNG.
 *
 * Every program parses and runs on both backends without script errors:
 * one `vm` (1-2 vCPUs, irqchip kernel mostly, sometimes split or none),
 * 2-4 eventfds, then host statements (eventfd writes/reads/close, routing
 * tables of IOAPIC, PIC and MSI entries, irq_line, msi, irqfd with and
 * without resample, ioeventfd), guest statements (IOAPIC entries, LAPIC
 * TPR/LDR/DFR, PIO/MMIO writes at the ioeventfd addresses, ack, eoi) and
 * observations (`expect` lines). Statements carry no `=> RESULT`:
 * results are meant to be compared between backends (run with
 * keep_going), not against the script. Values come from small sets (GSIs
 * 0-3, 16-18, 24-26; a few vectors, ports and addresses) so that
 * collisions, sharing and re-routing happen often.
 */
#ifndef IRQSIM_GEN_RANDOM_H
#define IRQSIM_GEN_RANDOM_H

#include <stddef.h>
#include <stdint.h>

struct scn_gen_opts {
	unsigned int max_stmts;		/* statements after the preamble (default 32) */
	unsigned int max_vcpus;		/* 1..4 (default 2: kvm_pvm's recommended count) */
};

void scn_gen_opts_init(struct scn_gen_opts *o);

/*
 * The program the bytes describe, as NUL-terminated .scn text (malloc'd;
 * *len its length if len is not NULL), or NULL when out of memory.
 */
char *scn_gen_from_bytes(const uint8_t *data, size_t size, const struct scn_gen_opts *o,
			 size_t *len);

/* The same from a seed: splitmix64 bytes. The same seed gives the same program. */
char *scn_gen_from_seed(uint64_t seed, const struct scn_gen_opts *o, size_t *len);

#endif
