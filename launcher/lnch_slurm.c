/*
 * lnch_slurm.c -- Slurm's compressed host lists and task counts, expanded
 * the way Slurm's own hostlist code reads them.
 */
#include "lnch_slurm.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return -1;
}

/* A growable list of host names. */
typedef struct name_list {
    char **names;
    int count;
    int cap;
} name_list_t;

static int name_list_add(name_list_t *list, const char *name, size_t len)
{
    if (list->count == list->cap) {
        int cap = list->cap ? list->cap * 2 : 16;
        char **grown = realloc(list->names, (size_t)cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        list->names = grown;
        list->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, name, len);
    copy[len] = '\0';
    list->names[list->count++] = copy;
    return 0;
}

void lnch_slurm_free_names(char **names, int count)
{
    for (int i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* Read a decimal number of at most 9 digits; *digits_out is how many it had. */
static int read_number(const char **p, long *value_out, int *digits_out)
{
    const char *s = *p;
    long v = 0;
    int digits = 0;
    while (isdigit((unsigned char)*s)) {
        if (++digits > 9)
            return -1;
        v = v * 10 + (*s++ - '0');
    }
    if (digits == 0)
        return -1;
    *value_out = v;
    *digits_out = digits;
    *p = s;
    return 0;
}

/*
 * Expand one entry (no top-level comma) such as "rack[1-2]-n[01,03-04]":
 * the prefix up to the first '[' is copied, the bracket group enumerated,
 * and the rest of the entry expanded recursively for each value.
 */
static int expand_entry(const char *entry, size_t len, char *prefix, size_t prefix_len,
                        name_list_t *out, char *err, size_t err_len)
{
    enum { NAME_MAX_LEN = 255 };
    const char *open = memchr(entry, '[', len);
    size_t head = open ? (size_t)(open - entry) : len;
    if (prefix_len + head > NAME_MAX_LEN)
        return fail(err, err_len, "host name longer than %d characters", NAME_MAX_LEN);
    memcpy(prefix + prefix_len, entry, head);
    prefix_len += head;
    if (open == NULL) {
        if (prefix_len == 0)
            return fail(err, err_len, "empty host name");
        if (out->count >= LNCH_SLURM_HOSTS_MAX)
            return fail(err, err_len, "more than %d hosts", LNCH_SLURM_HOSTS_MAX);
        return name_list_add(out, prefix, prefix_len) == 0 ? 0
                                                           : fail(err, err_len, "out of memory");
    }
    const char *close = memchr(open, ']', len - head);
    if (close == NULL)
        return fail(err, err_len, "'[' without ']' in '%.*s'", (int)len, entry);
    const char *rest = close + 1;
    size_t rest_len = len - (size_t)(rest - entry);

    const char *p = open + 1;
    for (;;) {
        long lo, hi;
        int lo_digits, hi_digits;
        if (read_number(&p, &lo, &lo_digits) != 0)
            return fail(err, err_len, "expected a number after '%.*s' in '%.*s'",
                        (int)(p - entry), entry, (int)len, entry);
        hi = lo;
        if (*p == '-') {
            p++;
            if (read_number(&p, &hi, &hi_digits) != 0 || hi < lo)
                return fail(err, err_len, "bad range in '%.*s'", (int)len, entry);
        }
        if (hi - lo >= LNCH_SLURM_HOSTS_MAX)
            return fail(err, err_len, "range in '%.*s' names more than %d hosts", (int)len,
                        entry, LNCH_SLURM_HOSTS_MAX);
        for (long v = lo; v <= hi; v++) {
            char num[16];
            /* Zero padding comes from the lower bound as written ("01-10"). */
            int n = snprintf(num, sizeof(num), "%0*ld", lo_digits, v);
            if (prefix_len + (size_t)n > NAME_MAX_LEN)
                return fail(err, err_len, "host name longer than %d characters", NAME_MAX_LEN);
            memcpy(prefix + prefix_len, num, (size_t)n);
            if (expand_entry(rest, rest_len, prefix, prefix_len + (size_t)n, out, err,
                             err_len) != 0)
                return -1;
        }
        if (p == close)
            return 0;
        if (*p != ',')
            return fail(err, err_len, "unexpected '%c' in '%.*s'", *p, (int)len, entry);
        p++;
    }
}

int lnch_slurm_expand_nodelist(const char *list, char ***names_out, int *count_out, char *err,
                               size_t err_len)
{
    name_list_t out = {0};
    char prefix[256];
    const char *p = list;
    if (list == NULL || *list == '\0') {
        fail(err, err_len, "empty node list");
        return -1;
    }
    while (*p != '\0') {
        /* An entry ends at a comma outside brackets. */
        const char *q = p;
        int depth = 0;
        while (*q != '\0' && (*q != ',' || depth > 0)) {
            if (*q == '[')
                depth++;
            else if (*q == ']')
                depth--;
            if (depth < 0 || depth > 1 || isspace((unsigned char)*q)) {
                fail(err, err_len, "unexpected '%c' in node list '%s'", *q, list);
                goto fail;
            }
            q++;
        }
        if (expand_entry(p, (size_t)(q - p), prefix, 0, &out, err, err_len) != 0)
            goto fail;
        p = *q == ',' ? q + 1 : q;
        if (*q == ',' && *p == '\0') {
            fail(err, err_len, "node list '%s' ends with a comma", list);
            goto fail;
        }
    }
    *names_out = out.names;
    *count_out = out.count;
    return 0;
fail:
    lnch_slurm_free_names(out.names, out.count);
    return -1;
}

int lnch_slurm_tasks_per_node(const char *spec, int num_nodes, int *tasks_out, char *err,
                              size_t err_len)
{
    const char *p = spec;
    int node = 0;
    if (spec == NULL || *spec == '\0')
        return fail(err, err_len, "empty task count");
    for (;;) {
        long tasks, repeat = 1;
        int digits;
        if (read_number(&p, &tasks, &digits) != 0 || tasks < 1)
            return fail(err, err_len, "expected a task count at '%s' in '%s'", p, spec);
        if (strncmp(p, "(x", 2) == 0) {
            p += 2;
            if (read_number(&p, &repeat, &digits) != 0 || repeat < 1 || *p != ')')
                return fail(err, err_len, "bad repetition at '%s' in '%s'", p, spec);
            p++;
        }
        if (repeat > num_nodes - node)
            return fail(err, err_len, "'%s' counts tasks for more than the %d nodes listed",
                        spec, num_nodes);
        for (long i = 0; i < repeat; i++)
            tasks_out[node++] = (int)tasks;
        if (*p == '\0')
            break;
        if (*p != ',')
            return fail(err, err_len, "unexpected '%c' in '%s'", *p, spec);
        p++;
    }
    if (node != num_nodes)
        return fail(err, err_len, "'%s' gives task counts for %d of the %d nodes listed", spec,
                    node, num_nodes);
    return 0;
}

int lnch_slurm_in_allocation(void)
{
    const char *list = getenv("SLURM_JOB_NODELIST");
    return list != NULL && *list != '\0';
}

int lnch_slurm_hosts(lnch_hosts_t *hosts, char *err, size_t err_len)
{
    const char *list = getenv("SLURM_JOB_NODELIST");
    const char *tasks = getenv("SLURM_TASKS_PER_NODE");
    char why[512];
    char **names = NULL;
    int count = 0, rc = -1;
    int *slots = NULL;
    if (lnch_slurm_expand_nodelist(list, &names, &count, why, sizeof(why)) != 0)
        return fail(err, err_len, "SLURM_JOB_NODELIST='%s': %s", list ? list : "", why);
    slots = calloc((size_t)count, sizeof(*slots));
    if (slots == NULL) {
        fail(err, err_len, "out of memory");
        goto out;
    }
    if (tasks == NULL || *tasks == '\0') {
        /* An allocation made without -n: one slot per node, as Open MPI does. */
        for (int i = 0; i < count; i++)
            slots[i] = 1;
    } else if (lnch_slurm_tasks_per_node(tasks, count, slots, why, sizeof(why)) != 0) {
        fail(err, err_len, "SLURM_TASKS_PER_NODE='%s': %s", tasks, why);
        goto out;
    }
    for (int i = 0; i < count; i++) {
        char entry[LNCH_HOSTNAME_MAX + 16];
        snprintf(entry, sizeof(entry), "%s:%d", names[i], slots[i]);
        if (lnch_hosts_add_list(hosts, entry, why, sizeof(why)) != 0) {
            fail(err, err_len, "SLURM_JOB_NODELIST host '%s': %s", names[i], why);
            goto out;
        }
    }
    rc = 0;
out:
    free(slots);
    lnch_slurm_free_names(names, count);
    return rc;
}
