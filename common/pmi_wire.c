/*
 * pmi_wire.c -- parse and format PMI-1 wire lines (see pmi_wire.h).
 */
#include "pmi_wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int is_value_char(unsigned char c)
{
    return c > ' ' && c < 0x7f;    /* printable, no space */
}

int pmi_wire_key_ok(const char *key)
{
    size_t n = 0;
    if (key == NULL || key[0] == '\0')
        return 0;
    for (; key[n] != '\0'; n++)
        if (!is_value_char((unsigned char)key[n]) || key[n] == '=')
            return 0;
    return n < PMI_WIRE_KEY_MAX;
}

int pmi_wire_value_ok(const char *value)
{
    size_t n = 0;
    if (value == NULL)
        return 0;
    for (; value[n] != '\0'; n++)
        if (!is_value_char((unsigned char)value[n]))
            return 0;
    return n < PMI_WIRE_VALUE_MAX;
}

int pmi_wire_parse(const char *line, size_t len, pmi_wire_msg_t *msg, char *err, size_t err_len)
{
    msg->num_pairs = 0;
    if (line == NULL) {
        snprintf(err, err_len, "no line");
        return -1;
    }
    if (len > 0 && line[len - 1] == '\n')
        len--;
    if (len >= sizeof(msg->text)) {
        snprintf(err, err_len, "line of %zu bytes is longer than %d", len, PMI_WIRE_LINE_MAX - 1);
        return -1;
    }
    if (memchr(line, '\0', len) != NULL) {
        snprintf(err, err_len, "line holds a NUL byte");
        return -1;
    }
    memcpy(msg->text, line, len);
    msg->text[len] = '\0';

    char *p = msg->text;
    while (*p != '\0') {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        char *word = p;
        while (*p != '\0' && *p != ' ')
            p++;
        if (*p == ' ')
            *p++ = '\0';
        for (char *c = word; *c != '\0'; c++) {
            if (!is_value_char((unsigned char)*c)) {
                snprintf(err, err_len, "pair %d holds a control character", msg->num_pairs + 1);
                return -1;
            }
        }
        char *eq = strchr(word, '=');
        if (eq == NULL) {
            snprintf(err, err_len, "pair %d '%.40s' has no '='", msg->num_pairs + 1, word);
            return -1;
        }
        if (eq == word) {
            snprintf(err, err_len, "pair %d has an empty key", msg->num_pairs + 1);
            return -1;
        }
        *eq = '\0';
        if (strlen(word) >= PMI_WIRE_KEY_MAX) {
            snprintf(err, err_len, "pair %d: key longer than %d", msg->num_pairs + 1,
                     PMI_WIRE_KEY_MAX - 1);
            return -1;
        }
        if (strlen(eq + 1) >= PMI_WIRE_VALUE_MAX) {
            snprintf(err, err_len, "pair %d: value longer than %d", msg->num_pairs + 1,
                     PMI_WIRE_VALUE_MAX - 1);
            return -1;
        }
        if (msg->num_pairs == PMI_WIRE_PAIRS_MAX) {
            snprintf(err, err_len, "more than %d pairs", PMI_WIRE_PAIRS_MAX);
            return -1;
        }
        msg->pairs[msg->num_pairs].key = word;
        msg->pairs[msg->num_pairs].value = eq + 1;
        msg->num_pairs++;
    }
    if (msg->num_pairs == 0) {
        snprintf(err, err_len, "empty line");
        return -1;
    }
    if (strcmp(msg->pairs[0].key, "cmd") != 0 && strcmp(msg->pairs[0].key, "mcmd") != 0) {
        snprintf(err, err_len, "first pair is '%.40s', not cmd", msg->pairs[0].key);
        return -1;
    }
    if (msg->pairs[0].value[0] == '\0') {
        snprintf(err, err_len, "empty command");
        return -1;
    }
    return 0;
}

const char *pmi_wire_get(const pmi_wire_msg_t *msg, const char *key)
{
    for (int i = 0; i < msg->num_pairs; i++)
        if (strcmp(msg->pairs[i].key, key) == 0)
            return msg->pairs[i].value;
    return NULL;
}

const char *pmi_wire_cmd(const pmi_wire_msg_t *msg)
{
    return msg->num_pairs > 0 ? msg->pairs[0].value : NULL;
}

int pmi_wire_format(char *out, size_t out_len, const char *cmd, ...)
{
    if (!pmi_wire_value_ok(cmd) || cmd[0] == '\0')
        return -1;
    int n = snprintf(out, out_len, "cmd=%s", cmd);
    if (n < 0 || (size_t)n >= out_len)
        return -1;
    size_t used = (size_t)n;

    va_list ap;
    va_start(ap, cmd);
    const char *key;
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        if (!pmi_wire_key_ok(key) || !pmi_wire_value_ok(value)) {
            va_end(ap);
            return -1;
        }
        n = snprintf(out + used, out_len - used, " %s=%s", key, value);
        if (n < 0 || (size_t)n >= out_len - used) {
            va_end(ap);
            return -1;
        }
        used += (size_t)n;
    }
    va_end(ap);
    if (used + 2 > out_len)
        return -1;
    out[used++] = '\n';
    out[used] = '\0';
    return (int)used;
}
