/*
 * Writes N fuzz_api inputs that decode to exactly OPS operations each
 * (fuzz/targets/fuzz_api_prog.h), for the speed benchmark:
 *   gen_api_programs DIR N OPS SEED
 * Kernel irqchip, 1-4 vCPUs and threads, no fault injection, 16
 * schedule bytes; the operations are random bytes, grown one byte at a
 * time until the decoder sees OPS operations.
 */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_api_prog.h"

int main(int argc, char **argv)
{
	static struct fa_prog p;
	uint8_t buf[4096];
	unsigned int seed;
	int n, ops, i;

	if (argc != 5) {
		fprintf(stderr, "usage: %s DIR N OPS SEED\n", argv[0]);
		return 2;
	}
	n = atoi(argv[2]);
	ops = atoi(argv[3]);
	seed = (unsigned int)strtoul(argv[4], NULL, 0);
	if (ops < 1 || ops > FA_MAX_OPS)
		return 2;
	srand(seed);
	for (i = 0; i < n; i++) {
		const size_t head = 5, sched = 16;
		size_t len = head, body = 0, j;
		char path[4096];
		FILE *f;

		/* b0: kernel irqchip, vCPUs and threads random; b1: no fault; seed; schedule length */
		buf[0] = (uint8_t)((rand() & 0x3c) & ~3u);
		buf[1] = 0;
		buf[2] = (uint8_t)rand();
		buf[3] = (uint8_t)rand();
		buf[4] = (uint8_t)sched;
		do {
			buf[head + body++] = (uint8_t)rand();
			len = head + body + sched;
			for (j = 0; j < sched; j++)
				buf[head + body + j] = (uint8_t)(rand() & 3);
			fa_decode(buf, len, &p);
		} while (p.nr_ops < ops && len < sizeof(buf) - 1);
		snprintf(path, sizeof(path), "%s/api%d-%03d", argv[1], ops, i);
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
