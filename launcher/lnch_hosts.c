/*
 * lnch_hosts.c -- parse -H lists and hostfiles (see lnch_hosts.h).
 */
#include "lnch_hosts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Slots per host are bounded so that sums over a host list cannot overflow. */
#define LNCH_SLOTS_MAX 65536

/* A host name: letters, digits and the punctuation that host names, IPv4
 * addresses and ssh's user@host use.  Anything else is a typo we report. */
static int name_ok(const char *s, size_t len)
{
    if (len == 0 || len >= LNCH_HOSTNAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '-' && c != '.' && c != '_' && c != '@')
            return 0;
    }
    return 1;
}

static int parse_slots(const char *s, size_t len, int *out)
{
    char buf[16];
    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (strspn(buf, "0123456789") != len)
        return -1;
    long v = strtol(buf, NULL, 10);
    if (v < 1 || v > LNCH_SLOTS_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

static int add_host(lnch_hosts_t *h, const char *name, size_t len, int slots, char *err,
                    size_t err_len, const char *where)
{
    for (int i = 0; i < h->num; i++) {
        if (strlen(h->nodes[i].name) == len && memcmp(h->nodes[i].name, name, len) == 0) {
            if (h->nodes[i].slots + slots > LNCH_SLOTS_MAX) {
                snprintf(err, err_len, "%shost '%.*s' has more than %d slots", where,
                         (int)len, name, LNCH_SLOTS_MAX);
                return -1;
            }
            h->nodes[i].slots += slots;
            return 0;
        }
    }
    if (h->num >= LNCH_NODES_MAX) {
        snprintf(err, err_len, "%smore than %d hosts", where, LNCH_NODES_MAX);
        return -1;
    }
    lnch_node_t *n = realloc(h->nodes, (size_t)(h->num + 1) * sizeof(*n));
    if (n == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    h->nodes = n;
    memcpy(n[h->num].name, name, len);
    n[h->num].name[len] = '\0';
    n[h->num].slots = slots;
    h->num++;
    return 0;
}

int lnch_hosts_add_list(lnch_hosts_t *h, const char *list, char *err, size_t err_len)
{
    const char *p = list;
    if (*p == '\0') {
        snprintf(err, err_len, "empty host list");
        return -1;
    }
    for (;;) {
        size_t len = strcspn(p, ",");
        const char *colon = memchr(p, ':', len);
        size_t name_len = colon != NULL ? (size_t)(colon - p) : len;
        int slots = 1;
        if (!name_ok(p, name_len) ||
            (colon != NULL && parse_slots(colon + 1, len - name_len - 1, &slots) != 0)) {
            snprintf(err, err_len,
                     "bad host '%.*s' in '%s': must be HOST or HOST:SLOTS (SLOTS from 1 to %d)",
                     (int)len, p, list, LNCH_SLOTS_MAX);
            return -1;
        }
        if (add_host(h, p, name_len, slots, err, err_len, "") != 0)
            return -1;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

/* One hostfile line, without its comment and newline. */
static int parse_line(lnch_hosts_t *h, char *line, const char *where, char *err, size_t err_len)
{
    char *save = NULL;
    char *word = strtok_r(line, " \t\r", &save);
    if (word == NULL)
        return 0;                 /* blank or comment only */
    int slots = 1;
    size_t len = strlen(word);
    char *colon = strchr(word, ':');
    size_t name_len = colon != NULL ? (size_t)(colon - word) : len;
    if (!name_ok(word, name_len)) {
        snprintf(err, err_len, "%sbad host name '%.*s'", where, (int)name_len, word);
        return -1;
    }
    if (colon != NULL && parse_slots(colon + 1, len - name_len - 1, &slots) != 0) {
        snprintf(err, err_len, "%sbad slot count in '%s': HOST:N needs N from 1 to %d", where,
                 word, LNCH_SLOTS_MAX);
        return -1;
    }
    /* Open MPI's attributes: slots=N counts; max_slots limits oversubscription,
     * which we never refuse, so it is accepted and ignored. */
    int have_slots = colon != NULL;
    char *attr;
    while ((attr = strtok_r(NULL, " \t\r", &save)) != NULL) {
        const char *val = strchr(attr, '=');
        size_t key_len = val != NULL ? (size_t)(val - attr) : strlen(attr);
        if (val != NULL && key_len == 5 && strncmp(attr, "slots", 5) == 0 && !have_slots) {
            if (parse_slots(val + 1, strlen(val + 1), &slots) != 0) {
                snprintf(err, err_len, "%sbad '%s': slots=N needs N from 1 to %d", where, attr,
                         LNCH_SLOTS_MAX);
                return -1;
            }
            have_slots = 1;
        } else if (val != NULL && key_len == 9 &&
                   (strncmp(attr, "max_slots", 9) == 0 || strncmp(attr, "max-slots", 9) == 0)) {
            continue;
        } else {
            snprintf(err, err_len, "%sunexpected '%s' after host '%.*s' (expected slots=N)",
                     where, attr, (int)name_len, word);
            return -1;
        }
    }
    return add_host(h, word, name_len, slots, err, err_len, where);
}

int lnch_hosts_add_file(lnch_hosts_t *h, FILE *f, const char *fname, char *err,
                        size_t err_len)
{
    char line[1024];
    int lineno = 0;
    int before = h->num;
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        char where[512];
        snprintf(where, sizeof(where), "%s:%d: ", fname, lineno);
        size_t len = strlen(line);
        if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
            snprintf(err, err_len, "%sline longer than %zu bytes", where, sizeof(line) - 2);
            return -1;
        }
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        line[strcspn(line, "\n")] = '\0';
        if (parse_line(h, line, where, err, err_len) != 0)
            return -1;
    }
    if (ferror(f)) {
        snprintf(err, err_len, "%s: read error: %s", fname, strerror(errno));
        return -1;
    }
    if (h->num == before) {
        snprintf(err, err_len, "%s: no hosts in the file", fname);
        return -1;
    }
    return 0;
}

int lnch_hosts_read_file(lnch_hosts_t *h, const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "cannot open hostfile '%s': %s", path, strerror(errno));
        return -1;
    }
    int rc = lnch_hosts_add_file(h, f, path, err, err_len);
    fclose(f);
    return rc;
}

int lnch_hosts_slots(const lnch_hosts_t *h)
{
    int n = 0;
    for (int i = 0; i < h->num; i++)
        n += h->nodes[i].slots;
    return n;
}

void lnch_hosts_fini(lnch_hosts_t *h)
{
    free(h->nodes);
    h->nodes = NULL;
    h->num = 0;
}
