/*
 * fuzz.h -- the fuzz targets of minimpi's parsers of untrusted input.
 *
 * Each target takes one input (arbitrary bytes) and feeds it to one parser
 * the way the program does, checking what the parser promises (no crash, no
 * read outside the input, results within their documented bounds).  The
 * same targets run under libFuzzer (fuzz_libfuzzer.c, built with clang when
 * configure finds it) and under a replay driver (fuzz_replay.c, built with
 * the normal compiler) that runs the seed corpus in tests/fuzz/corpus/ in
 * every `make check`, sanitizers included.
 */
#ifndef MINIMPI_FUZZ_H
#define MINIMPI_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Inputs longer than this are cut: every parser here has a line or frame
 * limit far below it, and short inputs keep the fuzzer fast. */
#define FUZZ_INPUT_MAX 65536

typedef struct fuzz_target {
    const char *name;             /* also its corpus directory: corpus/<name>/ */
    const char *what;
    void (*run)(const uint8_t *data, size_t size);
} fuzz_target_t;

/* The target called `name`, or NULL after listing the known ones on stderr. */
const fuzz_target_t *fuzz_find(const char *name);

/* A check failed: print it and abort, which both drivers report as a crash. */
#define FUZZ_ASSERT(cond)                                                        \
    do {                                                                         \
        if (!(cond))                                                             \
            fuzz_fail(__FILE__, __LINE__, #cond);                                \
    } while (0)
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* The input as a '\0'-terminated string (malloc'd; free it). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* The input as what a peer sent on a socket: a socketpair with as much of
 * the input queued as its buffer takes (the rest is cut), then end of file.
 * Returns the end to read from; *other is the sending end, whose reading
 * side stays open so that what the code under test writes is accepted
 * (while it fits the buffer).  The caller closes both. */
int fuzz_queued_socket(const uint8_t *data, size_t size, int *other);

void fuzz_pmi_wire(const uint8_t *data, size_t size);
void fuzz_pmi_server(const uint8_t *data, size_t size);
void fuzz_pmi_client(const uint8_t *data, size_t size);
void fuzz_pmi_port(const uint8_t *data, size_t size);
void fuzz_mapping(const uint8_t *data, size_t size);
void fuzz_hosts(const uint8_t *data, size_t size);
void fuzz_slurm(const uint8_t *data, size_t size);
void fuzz_wire(const uint8_t *data, size_t size);

#endif /* MINIMPI_FUZZ_H */
