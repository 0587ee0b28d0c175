/*
 * Random scenario programs from a byte string (see gen_random.h). Each
 * choice takes one byte; the value sets are small on purpose, so that
 * programs collide on GSIs, eventfds and addresses.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen_random.h"

struct gen {
	const uint8_t *p;
	size_t n;
	FILE *out;
	unsigned int vcpus;
	unsigned int nefd;
	bool irqchip;			/* in-kernel LAPICs (kernel or split) */
	bool ioapic;			/* in-kernel IOAPIC (kernel) */
};

static unsigned int pick(struct gen *g, unsigned int n)
{
	if (!g->n)
		return 0;
	g->n--;
	return *g->p++ % n;
}

static bool coin(struct gen *g, unsigned int one_in)
{
	return pick(g, one_in) == 0;
}

static const uint32_t gsis[] = { 0, 1, 2, 3, 16, 17, 18, 24, 25, 26 };
static const uint8_t vectors[] = { 0x31, 0x41, 0x42, 0x51, 0x61, 0x81, 0xe1 };
static const uint16_t ports[] = { 0xc050, 0xc052, 0xc058 };
static const uint64_t mmios[] = { 0xd0000000, 0xd0000004, 0xd0001000 };
static const unsigned int lens[] = { 0, 1, 2, 4, 8 };
static const unsigned int wlens[] = { 1, 2, 4 };

#define PICK(g, arr) ((arr)[pick(g, sizeof(arr) / sizeof((arr)[0]))])

static unsigned int efd(struct gen *g)
{
	return pick(g, g->nefd);
}

static unsigned int vcpu(struct gen *g)
{
	return pick(g, g->vcpus);
}

/* An MSI address/data pair: physical or logical destination, a vector, sometimes level. */
static void msi_args(struct gen *g, uint32_t *addr, uint32_t *data)
{
	bool logical = coin(g, 4);
	uint32_t dest = logical ? 1u << pick(g, 2) : pick(g, g->vcpus + 1);

	*addr = 0xfee00000u | dest << 12 | (logical ? 1u << 2 : 0);
	*data = PICK(g, vectors) | (coin(g, 5) ? 1u << 15 | 1u << 14 : 0);
	if (coin(g, 12))
		*data |= 1u << 8;	/* lowest priority */
}

static void routing(struct gen *g)
{
	unsigned int n = 1 + pick(g, 3);

	if (coin(g, 5)) {
		fprintf(g->out, "routing default\n");
		return;
	}
	fprintf(g->out, "routing\n");
	for (unsigned int i = 0; i < n; i++) {
		uint32_t gsi = PICK(g, gsis), addr, data;

		switch (pick(g, 3)) {
		case 0:
			fprintf(g->out, "  gsi %u irqchip=ioapic pin=%u\n", gsi, gsi % 24);
			break;
		case 1:
			fprintf(g->out, "  gsi %u irqchip=%s pin=%u\n", gsi,
				coin(g, 2) ? "pic-master" : "pic-slave", gsi % 8);
			break;
		default:
			msi_args(g, &addr, &data);
			fprintf(g->out, "  gsi %u msi addr=0x%x data=0x%x\n", gsi, addr, data);
			break;
		}
	}
	fprintf(g->out, "end\n");
}

static void irqfd(struct gen *g)
{
	unsigned int e = efd(g), gsi = PICK(g, gsis);

	if (coin(g, 3)) {
		fprintf(g->out, "irqfd e%u gsi=%u deassign\n", e, gsi);
		return;
	}
	fprintf(g->out, "irqfd e%u gsi=%u", e, gsi);
	if (coin(g, 3))
		fprintf(g->out, " resample=e%u", efd(g));
	if (coin(g, 16))
		fprintf(g->out, " flags=0x%x", 1u << pick(g, 4));
	fputc('\n', g->out);
}

static void ioeventfd(struct gen *g)
{
	bool pio = coin(g, 2);
	unsigned int e = efd(g), len = PICK(g, lens);
	uint64_t addr = pio ? PICK(g, ports) : PICK(g, mmios);

	fprintf(g->out, "ioeventfd e%u %s addr=0x%llx len=%u", e, pio ? "pio" : "mmio",
		(unsigned long long)addr, len);
	if (coin(g, 3))
		fprintf(g->out, " datamatch=%u", pick(g, 3));
	if (coin(g, 3))
		fprintf(g->out, " deassign");
	fputc('\n', g->out);
}

static void guest_write(struct gen *g)
{
	bool pio = coin(g, 2);
	unsigned int len = PICK(g, wlens);
	uint64_t addr = pio ? PICK(g, ports) : PICK(g, mmios);

	fprintf(g->out, "vcpu %u %s write 0x%llx %u %u\n", vcpu(g), pio ? "pio" : "mmio",
		(unsigned long long)addr, len, pick(g, 3));
}

static void ioapic_pin(struct gen *g)
{
	unsigned int pin = PICK(g, gsis) % 24;

	if (coin(g, 3)) {
		fprintf(g->out, "ioapic pin %u %s\n", pin, coin(g, 2) ? "masked" : "unmasked");
		return;
	}
	fprintf(g->out, "ioapic pin %u vector=0x%x dest=%u", pin, PICK(g, vectors),
		pick(g, g->vcpus + 1));
	if (coin(g, 4))
		fprintf(g->out, " destmode=logical");
	if (coin(g, 2))
		fprintf(g->out, " trigger=level");
	if (coin(g, 6))
		fprintf(g->out, " masked");
	fputc('\n', g->out);
}

static void lapic(struct gen *g)
{
	unsigned int v = vcpu(g);

	switch (pick(g, 3)) {
	case 0:
		fprintf(g->out, "vcpu %u lapic tpr=0x%x\n", v, pick(g, 4) * 0x20);
		break;
	case 1:
		fprintf(g->out, "vcpu %u lapic ldr=0x%x dfr=flat\n", v, 1u << pick(g, 2));
		break;
	default:
		fprintf(g->out, "vcpu %u lapic %s\n", v, coin(g, 3) ? "disable" : "enable");
		break;
	}
}

static void expect(struct gen *g)
{
	switch (pick(g, 5)) {
	case 0:
	case 1:
		fprintf(g->out, "expect lapic %u %s none\n", vcpu(g), coin(g, 2) ? "irr" : "isr");
		break;
	case 2:
		if (g->ioapic) {
			fprintf(g->out, "expect ioapic pin %u irr=0 remote_irr=0\n", PICK(g, gsis) % 24);
			break;
		}
		/* fall through */
	case 3:
		fprintf(g->out, "expect eventfd e%u count=0\n", efd(g));
		break;
	default:
		fprintf(g->out, "expect exits mmio=0 pio=0\n");
		break;
	}
}

enum gen_kind {
	G_WRITE, G_READ, G_CLOSE, G_ROUTING, G_IRQ_LINE, G_MSI, G_IRQFD, G_IOEVENTFD,
	G_GUEST_WRITE, G_IOAPIC, G_LAPIC, G_ACK, G_EOI, G_EXPECT,
};

/* Out of 32: irqfds, routing and injections often; closes rarely. */
static const uint8_t weights[] = {
	[G_WRITE] = 4, [G_READ] = 1, [G_CLOSE] = 1, [G_ROUTING] = 2, [G_IRQ_LINE] = 2,
	[G_MSI] = 2, [G_IRQFD] = 4, [G_IOEVENTFD] = 2, [G_GUEST_WRITE] = 2, [G_IOAPIC] = 3,
	[G_LAPIC] = 1, [G_ACK] = 3, [G_EOI] = 2, [G_EXPECT] = 3,
};

static enum gen_kind kind(struct gen *g)
{
	unsigned int x = pick(g, 32), k = 0;

	while (k + 1 < sizeof(weights) && x >= weights[k])
		x -= weights[k++];
	return (enum gen_kind)k;
}

static void statement(struct gen *g)
{
	uint32_t addr, data;

	switch (kind(g)) {
	case G_WRITE:
		fprintf(g->out, "write e%u %u\n", efd(g), 1 + pick(g, 2));
		break;
	case G_READ:
		fprintf(g->out, "read e%u\n", efd(g));
		break;
	case G_CLOSE:
		if (coin(g, 3))
			fprintf(g->out, "close e%u\n", efd(g));
		else
			fprintf(g->out, "write e%u\n", efd(g));
		break;
	case G_ROUTING:
		routing(g);
		break;
	case G_IRQ_LINE:
		fprintf(g->out, "irq_line %u %u\n", PICK(g, gsis), pick(g, 2));
		break;
	case G_MSI:
		msi_args(g, &addr, &data);
		fprintf(g->out, "msi addr=0x%x data=0x%x\n", addr, data);
		break;
	case G_IRQFD:
		irqfd(g);
		break;
	case G_IOEVENTFD:
		ioeventfd(g);
		break;
	case G_GUEST_WRITE:
		guest_write(g);
		break;
	case G_IOAPIC:
		if (g->ioapic)
			ioapic_pin(g);
		else
			fprintf(g->out, "irq_line %u %u\n", PICK(g, gsis), pick(g, 2));
		break;
	case G_LAPIC:
		if (g->irqchip)
			lapic(g);
		else
			fprintf(g->out, "vcpu %u ack\n", vcpu(g));
		break;
	case G_ACK:
		fprintf(g->out, "vcpu %u ack\n", vcpu(g));
		break;
	case G_EOI:
		fprintf(g->out, "vcpu %u eoi\n", vcpu(g));
		break;
	case G_EXPECT:
		expect(g);
		break;
	}
}

void scn_gen_opts_init(struct scn_gen_opts *o)
{
	o->max_stmts = 32;
	o->max_vcpus = 2;
}

char *scn_gen_from_bytes(const uint8_t *data, size_t size, const struct scn_gen_opts *o,
			 size_t *len)
{
	struct scn_gen_opts dflt;
	struct gen g = { .p = data, .n = size };
	char *text = NULL;
	size_t tlen = 0;
	unsigned int chip, n;

	if (!o) {
		scn_gen_opts_init(&dflt);
		o = &dflt;
	}
	g.out = open_memstream(&text, &tlen);
	if (!g.out)
		return NULL;
	g.vcpus = 1 + pick(&g, o->max_vcpus >= 1 && o->max_vcpus <= 4 ? o->max_vcpus : 2);
	chip = pick(&g, 8);
	g.irqchip = chip != 7;
	g.ioapic = chip < 6;
	fprintf(g.out, "# generated by scn_gen (sim/scenario/gen_random.c)\n");
	fprintf(g.out, "vm vcpus=%u irqchip=%s\n", g.vcpus,
		chip < 6 ? "kernel" : chip == 6 ? "split" : "none");
	g.nefd = 2 + pick(&g, 3);
	for (unsigned int i = 0; i < g.nefd; i++) {
		unsigned int c = coin(&g, 4) ? 1 : 0;

		if (c)
			fprintf(g.out, "eventfd e%u count=%u\n", i, c);
		else
			fprintf(g.out, "eventfd e%u\n", i);
	}
	n = o->max_stmts ? o->max_stmts : 32;
	for (unsigned int i = 0; i < n && g.n; i++)
		statement(&g);
	if (fclose(g.out) != 0) {
		free(text);
		return NULL;
	}
	if (len)
		*len = tlen;
	return text;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

char *scn_gen_from_seed(uint64_t seed, const struct scn_gen_opts *o, size_t *len)
{
	uint8_t buf[1024];
	uint64_t x = seed;

	for (size_t i = 0; i < sizeof(buf); i += 8) {
		uint64_t v = splitmix64(&x);

		memcpy(&buf[i], &v, 8);
	}
	return scn_gen_from_bytes(buf, sizeof(buf), o, len);
}
