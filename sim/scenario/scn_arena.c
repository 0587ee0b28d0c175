/* Bump allocator for a program's strings and small arrays: one free for all. */
#include <stdlib.h>
#include <string.h>
#include "scn_internal.h"

#define CHUNK_SIZE 16384

struct scn_arena_chunk {
	struct scn_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *scn_arena_alloc(struct scn_arena *a, size_t size)
{
	struct scn_arena_chunk *c = a->head;
	size_t need = (size + 15) & ~(size_t)15;
	void *p;

	if (need < size)
		return NULL;
	if (!c || c->size - c->used < need) {
		size_t sz = need > CHUNK_SIZE / 4 ? need : CHUNK_SIZE;

		c = malloc(sizeof(*c) + sz);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = sz;
		if (need > CHUNK_SIZE / 4 && a->head) {
			/* a big block gets its own chunk behind the current one */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

char *scn_arena_strndup(struct scn_arena *a, const char *s, size_t len)
{
	char *d = scn_arena_alloc(a, len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void scn_arena_free(struct scn_arena *a)
{
	struct scn_arena_chunk *c = a->head, *n;

	for (; c; c = n) {
		n = c->next;
		free(c);
	}
	a->head = NULL;
}
