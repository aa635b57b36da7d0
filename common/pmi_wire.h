/*
 * pmi_wire.h -- the PMI-1 "simple" wire format, shared by the runtime's
 * client (runtime/rt_boot_pmi.c) and mini-mpirun's server (launcher/).
 *
 * A message is one line of space-separated key=value pairs ending in '\n',
 * the first pair naming the command: "cmd=put kvsname=k key=a value=b\n".
 * A value runs from the first '=' after its key to the next space, so it may
 * hold '=' but never a space or a newline.  Parsing never trusts the peer:
 * every malformed line yields an error text, never a crash.
 */
#ifndef MINIMPI_PMI_WIRE_H
#define MINIMPI_PMI_WIRE_H

#include <stddef.h>

#define PMI_WIRE_LINE_MAX   4096   /* longest line, newline included */
#define PMI_WIRE_PAIRS_MAX  16     /* most key=value pairs in one line */
#define PMI_WIRE_KEY_MAX    64     /* longest key (PMI's keylen_max) */
#define PMI_WIRE_VALUE_MAX  1024   /* longest value (PMI's vallen_max) */

typedef struct pmi_wire_pair {
    const char *key;               /* point into pmi_wire_msg_t.text */
    const char *value;
} pmi_wire_pair_t;

typedef struct pmi_wire_msg {
    int num_pairs;
    pmi_wire_pair_t pairs[PMI_WIRE_PAIRS_MAX];
    char text[PMI_WIRE_LINE_MAX];  /* the line, split in place */
} pmi_wire_msg_t;

/*
 * Parse one line of `len` bytes (the trailing '\n' optional).  Returns 0, or
 * -1 with a one-line reason in `err` (e.g. "pair 2 'foo' has no '='").
 * The first pair must be cmd=... or mcmd=...
 */
int pmi_wire_parse(const char *line, size_t len, pmi_wire_msg_t *msg, char *err, size_t err_len);

/* The value of `key`, or NULL when the message has no such key. */
const char *pmi_wire_get(const pmi_wire_msg_t *msg, const char *key);

/* The command's name (value of cmd or mcmd). */
const char *pmi_wire_cmd(const pmi_wire_msg_t *msg);

/*
 * Format "cmd=<cmd> k1=v1 k2=v2 ...\n" from a NULL-terminated list of
 * key, value strings into out.  Returns the length written, or -1 when it
 * does not fit or a key or value holds a space, '\n' or is empty (keys).
 */
int pmi_wire_format(char *out, size_t out_len, const char *cmd, ...)
    __attribute__((sentinel));

/* A key or value is sendable: non-empty (keys), printable, no space, no '='
 * in keys, within the length limits. */
int pmi_wire_key_ok(const char *key);
int pmi_wire_value_ok(const char *value);

/*
 * The job-wide key through which mini-mpirun tells rank R where it runs
 * (printf format, R the job-wide rank).  Its value, written by
 * lnch_place_kvs_value() and read by the runtime at start-up, is
 * "<node-local rank>,<ranks on the node>,<oversubscribed 0|1>,<bound 0|1>,<cpu list>".
 * Other launchers do not set it; programs of other MPIs never ask for it.
 */
#define PMI_WIRE_PLACE_KEY_FMT "minimpi-place-%d"

#endif /* MINIMPI_PMI_WIRE_H */
