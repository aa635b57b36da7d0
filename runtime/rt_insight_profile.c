/*
 * rt_insight_profile.c -- a rank's half of mini-mpirun --profile.
 *
 * Calls are found by the address of the name their RT_CHECK_INIT gives (a
 * string literal), in a small open-addressing table; two literals of the
 * same name in different files get two slots and are added together when
 * the report is written.  The library runs one thread in MPI at a time
 * (MPI_THREAD_SERIALIZED), so plain counters suffice.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "rt.h"
#include "rt_boot.h"
#include "rt_profile.h"

#define PROF_SLOTS 512            /* a power of two above the number of MPI calls */
#define PROF_BINS 65              /* bin 0: empty messages; bin b: [2^(b-1), 2^b) bytes */
#define PROF_CHUNK 900            /* characters per PMI value, under PMI's 1024 */

typedef struct prof_call {
    const char *name;             /* NULL: free slot */
    uint64_t calls;
    uint64_t ns;                  /* time inside the call */
} prof_call_t;

int rt_prof_on;
static prof_call_t prof_calls[PROF_SLOTS];
static uint64_t *prof_bytes;      /* [world size]: bytes sent to each world rank */
static uint64_t prof_hist[PROF_BINS];
static int prof_depth;            /* MPI calls open on this rank */
static double prof_t0;            /* when the outermost one started */
static double prof_start;         /* the end of MPI_Init */

int rt_prof_enter_slow(const char *call)
{
    if (prof_depth++ != 0)
        return 0;
    size_t h = ((uintptr_t)call >> 3) & (PROF_SLOTS - 1);
    for (size_t n = 0; n < PROF_SLOTS; n++, h = (h + 1) & (PROF_SLOTS - 1)) {
        if (prof_calls[h].name == NULL)
            prof_calls[h].name = call;
        if (prof_calls[h].name == call) {
            prof_calls[h].calls++;
            prof_t0 = rt_wtime();
            return (int)h + 1;
        }
    }
    prof_depth = 0;               /* table full: not timed, and no leave follows */
    return 0;
}

void rt_prof_leave_slow(int scope)
{
    prof_depth = 0;
    if (!rt_prof_on)              /* MPI_Finalize itself, after the report */
        return;
    prof_calls[scope - 1].ns += (uint64_t)((rt_wtime() - prof_t0) * 1e9);
}

void rt_prof_message_slow(int world_dest, size_t bytes)
{
    prof_bytes[world_dest] += bytes;
    prof_hist[bytes == 0 ? 0 : 64 - __builtin_clzll((unsigned long long)bytes)]++;
}

void rt_insight_profile_start(void)
{
    if (!cfg_get_bool("MINIMPI_PROFILE"))
        return;
    prof_bytes = calloc((size_t)rt_proc.job.world_size, sizeof(*prof_bytes));
    if (prof_bytes == NULL) {
        rt_verbose("profile", "out of memory: profiling stays off");
        return;
    }
    prof_start = rt_wtime();
    rt_prof_on = 1;
    rt_entry_gate_update();
}

/* Append to a growing text; 0 or -1 when out of memory. */
static int append(char **s, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int append(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*s + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return -1;
        if ((size_t)n < *cap - *len) {
            *len += (size_t)n;
            return 0;
        }
        char *bigger = realloc(*s, *cap * 2 + (size_t)n);
        if (bigger == NULL)
            return -1;
        *s = bigger;
        *cap = *cap * 2 + (size_t)n;
    }
}

/* The profile as records "T,<ns in MPI>,<ns since MPI_Init>;",
 * "C,<call>,<calls>,<ns>;", "B,<world rank>,<bytes>;", "H,<bin>,<count>;". */
static char *format_profile(void)
{
    size_t len = 0, cap = 4096;
    char *s = malloc(cap);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    uint64_t total = 0;
    for (int i = 0; i < PROF_SLOTS; i++)
        total += prof_calls[i].ns;
    int bad = append(&s, &len, &cap, "T,%llu,%llu;", (unsigned long long)total,
                     (unsigned long long)((rt_wtime() - prof_start) * 1e9));
    for (int i = 0; i < PROF_SLOTS && !bad; i++) {
        const prof_call_t *c = &prof_calls[i];
        if (c->name == NULL || c->calls == 0)
            continue;
        /* Slots of one name are added together into the first. */
        uint64_t calls = 0, ns = 0;
        int first = 1;
        for (int j = 0; j < PROF_SLOTS; j++) {
            if (prof_calls[j].name == NULL || strcmp(prof_calls[j].name, c->name) != 0)
                continue;
            if (j < i && prof_calls[j].calls != 0)
                first = 0;
            calls += prof_calls[j].calls;
            ns += prof_calls[j].ns;
        }
        if (first)
            bad = append(&s, &len, &cap, "C,%s,%llu,%llu;", c->name, (unsigned long long)calls,
                         (unsigned long long)ns);
    }
    for (int p = 0; p < rt_proc.job.world_size && !bad; p++)
        if (prof_bytes[p] != 0)
            bad = append(&s, &len, &cap, "B,%d,%llu;", p, (unsigned long long)prof_bytes[p]);
    for (int b = 0; b < PROF_BINS && !bad; b++)
        if (prof_hist[b] != 0)
            bad = append(&s, &len, &cap, "H,%d,%llu;", b, (unsigned long long)prof_hist[b]);
    if (bad) {
        free(s);
        return NULL;
    }
    return s;
}

void rt_insight_report_profile(void)
{
    if (!rt_prof_on)
        return;
    rt_prof_on = 0;               /* MPI_Finalize's own traffic is not the program's */
    rt_entry_gate_update();
    char *text = format_profile();
    free(prof_bytes);
    prof_bytes = NULL;
    if (text == NULL) {
        rt_verbose("profile", "out of memory: no profile reported");
        return;
    }
    int rank = rt_proc.job.world_rank;
    size_t len = strlen(text);
    int chunks = 0;
    char key[64], value[PROF_CHUNK + 1];
    for (size_t off = 0; off < len; off += PROF_CHUNK, chunks++) {
        snprintf(key, sizeof(key), "minimpi-profile-%d-%d", rank, chunks);
        snprintf(value, sizeof(value), "%.*s", PROF_CHUNK, text + off);
        if (rt_boot_put(key, value) != 0)
            break;
    }
    free(text);
    /* The count goes last: the launcher reads a rank's chunks once it is in. */
    snprintf(key, sizeof(key), "minimpi-profile-%d-n", rank);
    snprintf(value, sizeof(value), "%d", chunks);
    if (rt_boot_put(key, value) != 0)
        rt_verbose("profile", "could not report the profile to the launcher");
}
