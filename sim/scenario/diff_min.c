/*
 * Shrinking a divergent program (irqsim_diff_minimise): drop one line, or
 * a whole `routing ... end` block, at a time and keep the drop when the
 * program still diverges (documented or not) on the same statement. Drops that break the
 * script (status 2) or make the divergence go away are undone.
 */
#include <stdlib.h>
#include <string.h>
#include <irqsim/diff.h>

/* The program as an array of lines (pointers into one copy of the text). */
struct lines {
	char *buf;
	char **l;
	size_t n;
	bool *gone;
};

static int lines_split(struct lines *ls, const char *text, size_t len)
{
	size_t cap = 16;

	memset(ls, 0, sizeof(*ls));
	ls->buf = malloc(len + 1);
	ls->l = malloc(cap * sizeof(*ls->l));
	if (!ls->buf || !ls->l)
		return -1;
	memcpy(ls->buf, text, len);
	ls->buf[len] = '\0';
	for (char *p = ls->buf; *p;) {
		char *nl = strchr(p, '\n');

		if (ls->n == cap) {
			char **nv = realloc(ls->l, 2 * cap * sizeof(*nv));

			if (!nv)
				return -1;
			ls->l = nv;
			cap *= 2;
		}
		ls->l[ls->n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	ls->gone = calloc(ls->n ? ls->n : 1, sizeof(*ls->gone));
	return ls->gone ? 0 : -1;
}

static void lines_free(struct lines *ls)
{
	free(ls->buf);
	free(ls->l);
	free(ls->gone);
}

static char *lines_join(const struct lines *ls, size_t *len)
{
	size_t total = 1, pos = 0;
	char *out;

	for (size_t i = 0; i < ls->n; i++)
		if (!ls->gone[i])
			total += strlen(ls->l[i]) + 1;
	out = malloc(total);
	if (!out)
		return NULL;
	for (size_t i = 0; i < ls->n; i++) {
		size_t k;

		if (ls->gone[i])
			continue;
		k = strlen(ls->l[i]);
		memcpy(out + pos, ls->l[i], k);
		pos += k;
		out[pos++] = '\n';
	}
	out[pos] = '\0';
	*len = pos;
	return out;
}

static bool starts_with_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	while (*s == ' ' || *s == '\t')
		s++;
	return !strncmp(s, w, n) && (s[n] == '\0' || s[n] == ' ' || s[n] == '\t');
}

/* Does the program still diverge on a statement reading `target`? */
static bool still_diverges(const char *name, const struct lines *ls, const char *target,
			   const struct irqsim_scenario_opts *base, unsigned int *runs)
{
	struct irqsim_diff_result d;
	size_t len;
	char *text = lines_join(ls, &len);
	bool yes = false;

	if (!text)
		return false;
	(*runs)++;
	if (irqsim_diff_text(name, text, len, base, &d) <= 1)
		for (unsigned int i = 0; i < d.n_lines && !yes; i++)
			yes = !strcmp(d.lines[i].stmt, target);
	irqsim_diff_result_free(&d);
	free(text);
	return yes;
}

/* The lines [i, j) that one drop removes: a routing block goes whole. */
static size_t block_end(const struct lines *ls, size_t i)
{
	if (!starts_with_word(ls->l[i], "routing") || strstr(ls->l[i], "default"))
		return i + 1;
	for (size_t j = i + 1; j < ls->n; j++)
		if (!ls->gone[j] && starts_with_word(ls->l[j], "end"))
			return j + 1;
	return i + 1;
}

#define MINIMISE_MAX_RUNS	400

char *irqsim_diff_minimise(const char *name, const char *text, size_t len,
			   const struct irqsim_scenario_opts *base, unsigned int *runs)
{
	struct irqsim_diff_result d;
	struct lines ls;
	char *target = NULL, *out = NULL;
	bool changed = true;
	unsigned int n_runs = 0;

	if (irqsim_diff_text(name, text, len, base, &d) > 1 || !d.n_lines) {
		irqsim_diff_result_free(&d);
		out = strndup(text, len);
		goto done;
	}
	target = strdup(d.lines[0].stmt);
	irqsim_diff_result_free(&d);
	if (!target || lines_split(&ls, text, len) < 0) {
		if (target)
			lines_free(&ls);
		goto done;
	}
	while (changed && n_runs < MINIMISE_MAX_RUNS) {
		changed = false;
		for (size_t i = ls.n; i-- > 0 && n_runs < MINIMISE_MAX_RUNS;) {
			size_t j = block_end(&ls, i);

			if (ls.gone[i])
				continue;
			for (size_t k = i; k < j; k++)
				ls.gone[k] = true;
			if (still_diverges(name, &ls, target, base, &n_runs)) {
				changed = true;
				continue;
			}
			for (size_t k = i; k < j; k++)
				ls.gone[k] = false;
		}
	}
	out = lines_join(&ls, &len);
	lines_free(&ls);
done:
	free(target);
	if (runs)
		*runs = n_runs;
	return out;
}
