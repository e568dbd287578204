// SPDX-License-Identifier: GPL-2.0
/*
 * The counting options' text: --count=KEYS, --sum=FIELD, --hist=FIELD,
 * --format, and the checks of how they go together. Each error is one
 * line naming what was wrong. In the fuzz target.
 */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "utils.h"

/* The keys that are not event fields, as written. */
static const struct {
	const char *name;
	enum agg_key_kind kind;
} special_keys[] = {
	{ "comm", AGG_KEY_COMM }, { "tid", AGG_KEY_TID }, { "pid", AGG_KEY_PID },
	{ "cpu", AGG_KEY_CPU }, { "event", AGG_KEY_EVENT }, { "stack", AGG_KEY_STACK },
};

/* Whether @s is a field's name: C identifier, or $retval. */
static bool is_field_name(const char *s)
{
	if (!strcmp(s, "$retval"))
		return true;
	if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* One key word into @k; -1 after the error line. */
static int parse_key(struct agg_key *k, const char *word)
{
	k->kind = AGG_KEY_FIELD;
	for (size_t i = 0; i < ARRAY_SIZE(special_keys); i++)
		if (!strcmp(word, special_keys[i].name))
			k->kind = special_keys[i].kind;
	if (k->kind == AGG_KEY_FIELD && !is_field_name(word)) {
		err_msg("--count: '%.40s' is not a key (an event field, comm, tid, pid, cpu, event or stack)",
			word);
		return -1;
	}
	k->name = xstrdup(word);
	return 0;
}

/* agg_parse_keys - --count[=KEYS]: comma-separated, none for one total */
int agg_parse_keys(struct agg_opts *a, const char *text)
{
	char *copy, *word, *save = NULL;
	int ret = 0;

	if (a->count) {
		err_msg("--count is given twice");
		return -1;
	}
	a->count = true;
	if (!text || !*text)
		return 0;
	copy = xstrdup(text);
	for (word = strtok_r(copy, ",", &save); word && !ret; word = strtok_r(NULL, ",", &save)) {
		if (a->nkeys == AGG_KEYS_MAX) {
			err_msg("--count: at most %d keys", AGG_KEYS_MAX);
			ret = -1;
			break;
		}
		for (int i = 0; i < a->nkeys; i++)
			if (!strcmp(a->keys[i].name, word)) {
				err_msg("--count: key '%s' is given twice", word);
				ret = -1;
			}
		if (!ret)
			ret = parse_key(&a->keys[a->nkeys], word);
		if (!ret)
			a->nkeys++;
	}
	if (!ret && (text[strlen(text) - 1] == ',' || *text == ',' || strstr(text, ",,"))) {
		err_msg("--count: an empty key in '%.60s'", text);
		ret = -1;
	}
	free(copy);
	return ret;
}

/* agg_parse_field - --sum=FIELD or --hist=FIELD into @dst */
int agg_parse_field(char **dst, const char *option, const char *text)
{
	if (*dst) {
		err_msg("%s is given twice", option);
		return -1;
	}
	if (!is_field_name(text)) {
		err_msg("%s: '%.40s' is not a field name", option, text);
		return -1;
	}
	*dst = xstrdup(text);
	return 0;
}

/* agg_parse_format - --format=text|json */
int agg_parse_format(struct agg_opts *a, const char *text)
{
	if (!strcmp(text, "json") || !strcmp(text, "text")) {
		a->json = !strcmp(text, "json");
		return 0;
	}
	err_msg("--format: '%.40s' is not text or json", text);
	return -1;
}

/* agg_wanted - whether the run counts instead of streaming */
bool agg_wanted(const struct agg_opts *a)
{
	return a->count || a->sum || a->hist || a->latency;
}

/* agg_check - the options that go together; -1 after the error line */
int agg_check(const struct agg_opts *a)
{
	if (!agg_wanted(a)) {
		if (a->top || a->interval || a->json || a->no_kernel_hist)
			err_msg("--top, -i, --format and --no-kernel-hist go with --count, --sum, "
				"--hist or --latency");
		return a->top || a->interval || a->json || a->no_kernel_hist ? -1 : 0;
	}
	if (a->hist && a->latency) {
		err_msg("--hist and --latency both draw a histogram: give one");
		return -1;
	}
	if (a->sum && a->latency) {
		err_msg("--sum goes with --count or --hist, not --latency");
		return -1;
	}
	for (int i = 0; a->latency && i < a->nkeys; i++)
		if (a->keys[i].kind == AGG_KEY_FIELD || a->keys[i].kind == AGG_KEY_EVENT ||
		    a->keys[i].kind == AGG_KEY_STACK) {
			err_msg("--latency: key '%s': only comm, tid, pid and cpu (of the return)",
				a->keys[i].name);
			return -1;
		}
	return 0;
}

/* agg_opts_free - what the parsers allocated */
void agg_opts_free(struct agg_opts *a)
{
	for (int i = 0; i < a->nkeys; i++)
		free(a->keys[i].name);
	free(a->sum);
	free(a->hist);
	free(a->latency);
	memset(a, 0, sizeof(*a));
}
