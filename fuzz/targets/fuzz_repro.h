/*
 * fuzz-repro: a fuzz input turned into a readable .scn scenario that
 * `irqsim run` executes (docs/fuzzing.md "Reproducing a finding"). One
 * converter per target; each reads the bytes exactly as its target does
 * and states the results the target's reference expects, so the scenario
 * passes on a correct model and fails where the target found a problem.
 * What .scn cannot express is left in comments. Converters never fail on
 * any bytes; NULL means out of memory.
 */
#ifndef FUZZ_REPRO_H
#define FUZZ_REPRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fuzz_repro_flags {
	/* fuzz_iobus: state the reference's result even where the known
	 * kvm_io_bus bsearch miss may apply (as FUZZ_IOBUS_STRICT=1) */
	FUZZ_REPRO_STRICT = 1 << 0,
};

char *fuzz_api_to_scn(const uint8_t *data, size_t size, size_t *len);
char *fuzz_routing_to_scn(const uint8_t *data, size_t size, size_t *len);
char *fuzz_iobus_to_scn(const uint8_t *data, size_t size, unsigned int flags, size_t *len);
char *fuzz_msi_to_scn(const uint8_t *data, size_t size, size_t *len);

/*
 * The scenario for target ("fuzz_api", "fuzz_routing", "fuzz_iobus",
 * "fuzz_msi"; "api", "routing", ... too). -ENOENT: unknown target,
 * -ENOMEM; 0 and *text (caller frees) on success.
 */
int fuzz_repro(const char *target, const uint8_t *data, size_t size, unsigned int flags,
	       char **text, size_t *len);

/* The names fuzz_repro() takes, NULL-terminated. */
extern const char *const fuzz_repro_targets[];

/*
 * fuzz_api inputs carry scheduling bytes that .scn cannot state: the seed
 * and those bytes (pointing into data), for an `irqsim replay` command.
 * Returns false for other targets or when the input has none.
 */
bool fuzz_repro_schedule(const char *target, const uint8_t *data, size_t size,
			 uint64_t *seed, const uint8_t **bytes, size_t *nbytes);

#endif
