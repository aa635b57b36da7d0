/*
 * fuzz_pmi_wire.c -- the PMI-1 line parser shared by both ends
 * (common/pmi_wire.c).  A line that parses must hold only sendable keys and
 * values, and formatting its first pairs again must give a line that parses
 * to the same pairs (what the server answers, the client reads back).
 */
#include "fuzz.h"

#include <string.h>

#include "pmi_wire.h"

void fuzz_pmi_wire(const uint8_t *data, size_t size)
{
    static pmi_wire_msg_t msg, again;
    char err[160], line[PMI_WIRE_LINE_MAX];
    if (pmi_wire_parse((const char *)data, size, &msg, err, sizeof(err)) != 0) {
        FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
        return;
    }
    FUZZ_ASSERT(msg.num_pairs >= 1 && msg.num_pairs <= PMI_WIRE_PAIRS_MAX);
    for (int i = 0; i < msg.num_pairs; i++) {
        FUZZ_ASSERT(msg.pairs[i].key >= msg.text && msg.pairs[i].value > msg.text);
        FUZZ_ASSERT(msg.pairs[i].value < msg.text + sizeof(msg.text));
        FUZZ_ASSERT(pmi_wire_key_ok(msg.pairs[i].key));
        FUZZ_ASSERT(msg.pairs[i].value[0] == '\0' || pmi_wire_value_ok(msg.pairs[i].value));
    }
    const char *cmd = pmi_wire_cmd(&msg);
    FUZZ_ASSERT(cmd != NULL && cmd[0] != '\0');
    /* Re-send the command with its next pair (when that has a value). */
    int n;
    if (msg.num_pairs >= 2 && msg.pairs[1].value[0] != '\0')
        n = pmi_wire_format(line, sizeof(line), cmd, msg.pairs[1].key, msg.pairs[1].value,
                            (char *)NULL);
    else
        n = pmi_wire_format(line, sizeof(line), cmd, (char *)NULL);
    FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(line) && line[n - 1] == '\n');
    FUZZ_ASSERT(pmi_wire_parse(line, (size_t)n, &again, err, sizeof(err)) == 0);
    FUZZ_ASSERT(strcmp(pmi_wire_cmd(&again), cmd) == 0);
    if (msg.num_pairs >= 2 && msg.pairs[1].value[0] != '\0') {
        FUZZ_ASSERT(again.num_pairs == 2);
        FUZZ_ASSERT(strcmp(again.pairs[1].key, msg.pairs[1].key) == 0);
        FUZZ_ASSERT(strcmp(again.pairs[1].value, msg.pairs[1].value) == 0);
    }
}
