/*
 * `irqsim diff FILE...` and `irqsim diff --random N`: the simulator against
 * the real kernel (libirqsim's <irqsim/diff.h>).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <irqsim/diff.h>
#include "cli.h"

void cli_diff_usage(FILE *out)
{
	fprintf(out,
		"Usage: irqsim diff [OPTIONS] FILE...\n"
		"       irqsim diff --random N [--seed S] [OPTIONS]\n"
		"\n"
		"Run each scenario on the simulator and on the real kernel (/dev/kvm) and\n"
		"report every statement whose result differs: the line, the simulator's\n"
		"result and the kernel's. Both runs go on past failures.\n"
		"\n"
		"Options:\n"
		"      --random N       diff N random host-side programs instead of files\n"
		"                       (seeds S..S+N-1), print the agreement rate and each\n"
		"                       kind of divergence as a minimised scenario\n"
		"      --seed S         the first random seed (default 1); for files, the\n"
		"                       simulator's schedule seed\n"
		"      --show K         minimise and print at most K divergences (default 10)\n"
		"  -o, --out DIR        also write each minimised divergence to DIR/seed-S.scn\n"
		"      --no-checkers    turn the simulator's checkers off\n"
		"  -q, --quiet          print only the summary\n"
		"  -h, --help           show this help and exit\n"
		"\n"
		"Exit status: 0 every result agreed, 1 a divergence, 2 a script error or a\n"
		"bad command line, 77 /dev/kvm is missing or unusable (nothing was run).\n");
}

struct diff_args {
	bool random, quiet, checkers;
	uint64_t n, seed;
	unsigned int show;
	const char *out_dir;
};

enum { OPT_RANDOM = 256, OPT_SEED, OPT_SHOW, OPT_NO_CHECKERS };

static int parse_args(int argc, char **argv, struct diff_args *a, int *first)
{
	static const struct option longopts[] = {
		{ "random", required_argument, NULL, OPT_RANDOM },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "show", required_argument, NULL, OPT_SHOW },
		{ "out", required_argument, NULL, 'o' },
		{ "no-checkers", no_argument, NULL, OPT_NO_CHECKERS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	memset(a, 0, sizeof(*a));
	a->seed = 1;
	a->show = 10;
	a->checkers = true;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_RANDOM:
			if (cli_parse_u64(optarg, &a->n) < 0 || !a->n)
				return cli_usage_error("diff", "bad count '%s' (a positive number)", optarg);
			a->random = true;
			break;
		case OPT_SEED:
			if (cli_parse_u64(optarg, &a->seed) < 0)
				return cli_usage_error("diff", "bad seed '%s' (a number, decimal or 0x hex)", optarg);
			break;
		case OPT_SHOW:
			if (cli_parse_u64(optarg, &v) < 0 || v > 100000)
				return cli_usage_error("diff", "bad count '%s'", optarg);
			a->show = (unsigned int)v;
			break;
		case 'o':
			a->out_dir = optarg;
			break;
		case OPT_NO_CHECKERS:
			a->checkers = false;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			cli_diff_usage(stdout);
			return -1;
		default:
			return cli_option_error("diff", c, argv);
		}
	}
	if (a->random && optind < argc)
		return cli_usage_error("diff", "%s", "--random takes no files");
	if (!a->random && optind >= argc)
		return cli_usage_error("diff", "%s", "no scenario file given");
	*first = optind;
	return 0;
}

static void print_divergences(FILE *out, const char *file, const struct irqsim_diff_result *d)
{
	for (unsigned int i = 0; i < d->n_lines; i++) {
		const struct irqsim_diff_line *l = &d->lines[i];

		fprintf(out, "%s:%u: simulator: %s, kernel: %s   [%s]", file, l->line, l->sim,
			l->kvm, l->stmt);
		if (l->documented)
			fprintf(out, " (documented: docs/divergences.md %s)", l->documented);
		fputc('\n', out);
	}
}

static int skip(const struct irqsim_diff_result *d)
{
	printf("SKIP: the kvm backend cannot run here: %s\n", d->why ? d->why : "?");
	return IRQSIM_DIFF_SKIP;
}

static int diff_files(int argc, char **argv, int first, const struct diff_args *a,
		      const struct irqsim_scenario_opts *o)
{
	int worst = CLI_OK;

	for (int i = first; i < argc; i++) {
		struct irqsim_diff_result d;
		int st = irqsim_diff_file(argv[i], o, &d);

		if (st == IRQSIM_DIFF_SKIP) {
			int rc = worst > CLI_OK ? worst : skip(&d);

			irqsim_diff_result_free(&d);
			return rc;
		}
		print_divergences(stderr, argv[i], &d);
		if (d.error)
			fprintf(stderr, "%s\n", d.error);
		if (st == 2) {
			printf("ERROR %s (script error; %u results before it compared, %u differ)\n",
			       argv[i], d.compared, d.n_lines);
		} else {
			printf("%s %s (%u results compared, %u differ",
			       st ? "DIVERGE" : "AGREE", argv[i], d.compared, d.n_lines);
			if (d.n_documented)
				printf(", %u of them documented", d.n_documented);
			printf(", %u not checkable on the kernel; ack %s)\n", d.not_checkable,
			       d.ack_mode ? d.ack_mode : "?");
		}
		if (st > worst)
			worst = st;
		irqsim_diff_result_free(&d);
	}
	return worst;
}

/* ---- --random ---------------------------------------------------------- */

/* The first `words` words of s, into buf. */
static void first_words(char *buf, size_t size, const char *s, unsigned int words)
{
	size_t n = 0;

	for (unsigned int w = 0; w < words && s[n]; w++) {
		n += strspn(s + n, " ");
		n += strcspn(s + n, " ");
	}
	snprintf(buf, size, "%.*s", (int)n, s);
}

/*
 * What kind of divergence: the statement's keyword (`vcpu 0 ack`,
 * `expect lapic 1`: three words) and both results.
 */
static char *signature(const struct irqsim_diff_line *l, const char *documented)
{
	char kw[64], *sig;
	bool three = !strncmp(l->stmt, "vcpu ", 5) || !strncmp(l->stmt, "expect ", 7);

	first_words(kw, sizeof(kw), l->stmt, three ? 3 : 1);
	if (asprintf(&sig, "%s: simulator %s, kernel %s%s%s%s", kw, l->sim, l->kvm,
		     documented ? " (documented: docs/divergences.md " : "",
		     documented ? documented : "", documented ? ")" : "") < 0)
		return NULL;
	return sig;
}

struct sigs {
	char **v;
	uint64_t *count, *first_seed;
	size_t n;
};

static long sig_add(struct sigs *s, char *sig, uint64_t seed)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!strcmp(s->v[i], sig)) {
			free(sig);
			s->count[i]++;
			return -1;
		}
	}
	s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->count = realloc(s->count, (s->n + 1) * sizeof(*s->count));
	s->first_seed = realloc(s->first_seed, (s->n + 1) * sizeof(*s->first_seed));
	if (!s->v || !s->count || !s->first_seed) {
		fprintf(stderr, "irqsim diff: out of memory\n");
		exit(CLI_FAIL);
	}
	s->v[s->n] = sig;
	s->count[s->n] = 1;
	s->first_seed[s->n] = seed;
	return (long)s->n++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The minimised program, each divergent line annotated with both results. */
static void show_minimised(const struct diff_args *a, const struct irqsim_scenario_opts *o,
			   uint64_t seed, const char *sig)
{
	char name[64], *text, *min;
	struct irqsim_diff_result d;
	unsigned int runs = 0;
	size_t len;
	FILE *f = NULL;

	snprintf(name, sizeof(name), "seed-%" PRIu64 ".scn", seed);
	text = irqsim_random_scenario(seed, &len);
	if (!text)
		return;
	min = irqsim_diff_minimise(name, text, len, o, &runs);
	free(text);
	if (!min)
		return;
	irqsim_diff_text(name, min, strlen(min), o, &d);
	if (a->out_dir) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", a->out_dir, name);
		f = fopen(path, "w");
		if (!f)
			fprintf(stderr, "irqsim diff: cannot write %s: %s\n", path, strerror(errno));
	}
	if (!d.n_lines) {
		/* the minimiser's first diff agreed: the kernel's timing, not the model */
		printf("\n# %s\n# seed %" PRIu64 ": did not diverge again when re-run (timing under load, docs/divergences.md D3)\n",
		       sig, seed);
		irqsim_diff_result_free(&d);
		free(min);
		return;
	}
	printf("\n# %s\n# seed %" PRIu64 ", minimised in %u diffs:\n", sig, seed, runs);
	if (f)
		fprintf(f, "# irqsim diff --random: %s\n# seed %" PRIu64 "\n", sig, seed);
	{
		unsigned int line = 0;

		for (char *p = min; *p;) {
			char *nl = strchr(p, '\n');
			const struct irqsim_diff_line *hit = NULL;

			line++;
			if (nl)
				*nl = '\0';
			for (unsigned int i = 0; i < d.n_lines; i++)
				if (d.lines[i].line == line)
					hit = &d.lines[i];
			if (hit) {
				printf("%s   # simulator: %s, kernel: %s\n", p, hit->sim, hit->kvm);
				if (f)
					fprintf(f, "%s   # simulator: %s, kernel: %s\n", p, hit->sim, hit->kvm);
			} else {
				printf("%s\n", p);
				if (f)
					fprintf(f, "%s\n", p);
			}
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	if (f)
		fclose(f);
	irqsim_diff_result_free(&d);
	free(min);
}

static int diff_random(const struct diff_args *a, const struct irqsim_scenario_opts *o)
{
	uint64_t agree = 0, diverge = 0, documented = 0, errors = 0, results = 0;
	struct sigs sigs = { 0 };
	const char *ack = NULL;
	double t0 = now_s(), dt;

	for (uint64_t i = 0; i < a->n; i++) {
		uint64_t seed = a->seed + i;
		struct irqsim_diff_result d;
		char name[64], *text;
		size_t len;
		int st;

		snprintf(name, sizeof(name), "seed-%" PRIu64 ".scn", seed);
		text = irqsim_random_scenario(seed, &len);
		if (!text) {
			fprintf(stderr, "irqsim diff: out of memory\n");
			return CLI_FAIL;
		}
		st = irqsim_diff_text(name, text, len, o, &d);
		free(text);
		if (st == IRQSIM_DIFF_SKIP) {
			int rc = skip(&d);

			irqsim_diff_result_free(&d);
			return rc;
		}
		ack = d.ack_mode;
		results += d.compared;
		if (st == 0 && d.n_lines) {
			documented++;
		} else if (st == 0) {
			agree++;
		} else if (st == 1) {
			diverge++;
			if (!a->quiet)
				print_divergences(stderr, name, &d);
		}
		if (st <= 1) {
			for (unsigned int k = 0; k < d.n_lines; k++) {
				char *sig = signature(&d.lines[k], d.lines[k].documented);

				if (sig)
					sig_add(&sigs, sig, seed);
			}
		} else {
			errors++;
			fprintf(stderr, "%s: generated program failed: %s\n", name,
				d.error ? d.error : "?");
		}
		irqsim_diff_result_free(&d);
		if (!a->quiet && (i + 1) % 1000 == 0)
			fprintf(stderr, "irqsim diff: %" PRIu64 " of %" PRIu64 " programs, %" PRIu64
				" diverged\n", i + 1, a->n, diverge);
	}
	dt = now_s() - t0;
	printf("random: %" PRIu64 " programs (seeds %" PRIu64 "-%" PRIu64 "): %" PRIu64
	       " agree (%.2f%%), %" PRIu64 " diverge only in documented ways, %" PRIu64
	       " diverge otherwise, %" PRIu64 " errors\n"
	       "agreement after documented divergences: %.2f%%; %" PRIu64
	       " results compared; %.1f s (%.1f ms/program); ack %s\n",
	       a->n, a->seed, a->seed + a->n - 1, agree, 100.0 * (double)agree / (double)a->n,
	       documented, diverge, errors,
	       100.0 * (double)(agree + documented) / (double)a->n, results, dt,
	       1000.0 * dt / (double)a->n, ack ? ack : "?");
	for (size_t i = 0; i < sigs.n; i++)
		printf("  %" PRIu64 " x %s (first: seed %" PRIu64 ")\n", sigs.count[i], sigs.v[i],
		       sigs.first_seed[i]);
	for (size_t i = 0; i < sigs.n && i < a->show; i++)
		show_minimised(a, o, sigs.first_seed[i], sigs.v[i]);
	for (size_t i = 0; i < sigs.n; i++)
		free(sigs.v[i]);
	free(sigs.v);
	free(sigs.count);
	free(sigs.first_seed);
	if (errors)
		return CLI_USAGE;
	return diverge ? CLI_FAIL : CLI_OK;
}

int cli_diff(int argc, char **argv)
{
	struct irqsim_scenario_opts o;
	struct diff_args a;
	int first = 0, ret;

	ret = parse_args(argc, argv, &a, &first);
	if (ret < 0)
		return CLI_OK;		/* --help */
	if (ret > 0)
		return ret;
	irqsim_scenario_opts_init(&o);
	o.checkers = a.checkers;
	o.seed = a.random ? 1 : a.seed;
	if (a.random)
		return diff_random(&a, &o);
	return diff_files(argc, argv, first, &a, &o);
}
