/*
 * lnch_insight_profile.c -- what mini-mpirun --profile makes of the ranks'
 * profiles: a short summary on stderr, the ranks x ranks byte matrix as
 * CSV, a PNG heat map drawn by gnuplot when it is installed, and an HTML
 * report that needs nothing but itself (inline SVG heat map and tables).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lnch_insight.h"

#define PROF_BINS 65
#define PROF_TOP 10               /* calls listed in the summary */

typedef struct call_sum {
    char name[64];
    uint64_t calls;
    uint64_t ns;                  /* over all ranks */
} call_sum_t;

typedef struct prof {
    int n;                        /* ranks */
    int reported;                 /* ranks whose profile arrived */
    uint64_t *mpi_ns;             /* [n]: time in MPI */
    uint64_t *wall_ns;            /* [n]: time from MPI_Init to MPI_Finalize */
    uint64_t *matrix;             /* [n * n]: bytes from row rank to column rank */
    uint64_t hist[PROF_BINS];
    call_sum_t *calls;
    int num_calls;
} prof_t;

/* Rank r's profile text, its chunks joined; NULL when it sent none. */
static char *rank_text(const lnch_job_t *job, int r)
{
    char key[64];
    snprintf(key, sizeof(key), LNCH_INSIGHT_PROFILE_KEY "%d-n", r);
    const char *v = lnch_kvs_get(&job->kvs, key);
    int chunks = v != NULL ? atoi(v) : -1;
    if (chunks < 0 || chunks > 100000)
        return NULL;
    size_t len = 0;
    char *text = calloc(1, 1);
    for (int i = 0; i < chunks && text != NULL; i++) {
        snprintf(key, sizeof(key), LNCH_INSIGHT_PROFILE_KEY "%d-%d", r, i);
        const char *c = lnch_kvs_get(&job->kvs, key);
        if (c == NULL)
            break;
        size_t cl = strlen(c);
        char *t = realloc(text, len + cl + 1);
        if (t == NULL) {
            free(text);
            return NULL;
        }
        text = t;
        memcpy(text + len, c, cl + 1);
        len += cl;
    }
    return text;
}

static void add_call(prof_t *p, const char *name, uint64_t calls, uint64_t ns)
{
    for (int i = 0; i < p->num_calls; i++) {
        if (strcmp(p->calls[i].name, name) == 0) {
            p->calls[i].calls += calls;
            p->calls[i].ns += ns;
            return;
        }
    }
    call_sum_t *c = realloc(p->calls, (size_t)(p->num_calls + 1) * sizeof(*c));
    if (c == NULL)
        return;
    p->calls = c;
    c = &p->calls[p->num_calls++];
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->calls = calls;
    c->ns = ns;
}

/* Add rank r's records (format in lnch_insight.h) to the job's profile. */
static void parse_rank(prof_t *p, int r, char *text)
{
    char *save = NULL;
    for (char *rec = strtok_r(text, ";", &save); rec != NULL; rec = strtok_r(NULL, ";", &save)) {
        char *f[4] = {NULL, NULL, NULL, NULL}, *fs = NULL, *s = rec;
        for (int i = 0; i < 4; i++, s = NULL)
            if ((f[i] = strtok_r(s, ",", &fs)) == NULL)
                break;
        if (f[0] == NULL || f[1] == NULL || f[2] == NULL)
            continue;
        unsigned long long a = strtoull(f[1], NULL, 10), b = strtoull(f[2], NULL, 10);
        if (strcmp(f[0], "T") == 0) {
            p->mpi_ns[r] = a;
            p->wall_ns[r] = b;
        } else if (strcmp(f[0], "C") == 0 && f[3] != NULL) {
            add_call(p, f[1], b, strtoull(f[3], NULL, 10));
        } else if (strcmp(f[0], "B") == 0 && a < (unsigned long long)p->n) {
            p->matrix[(size_t)r * (size_t)p->n + a] += b;
        } else if (strcmp(f[0], "H") == 0 && a < PROF_BINS) {
            p->hist[a] += b;
        }
    }
}

static int by_time(const void *a, const void *b)
{
    const call_sum_t *x = a, *y = b;
    return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : strcmp(x->name, y->name);
}

/* A report file, readable by its owner only like everything else the
 * launcher creates (the matrix tells who talked to whom). */
static FILE *create_report(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    if (f == NULL)
        close(fd);
    return f;
}

static void write_csv(const prof_t *p, const char *path)
{
    FILE *f = create_report(path);
    if (f == NULL) {
        perror(path);
        return;
    }
    fputs("sender\\receiver", f);
    for (int j = 0; j < p->n; j++)
        fprintf(f, ",%d", j);
    fputc('\n', f);
    for (int i = 0; i < p->n; i++) {
        fprintf(f, "%d", i);
        for (int j = 0; j < p->n; j++)
            fprintf(f, ",%llu", (unsigned long long)p->matrix[(size_t)i * (size_t)p->n + j]);
        fputc('\n', f);
    }
    if (fclose(f) != 0)
        perror(path);
}

/* Draw the CSV as a heat map with gnuplot; a note on `out` when it cannot. */
static void write_png(const prof_t *p, const char *csv, const char *png, FILE *out)
{
    if (strchr(csv, '\'') != NULL || strchr(png, '\'') != NULL) {
        fprintf(out, "mini-mpirun: profile: no PNG for a file name with a quote\n");
        return;
    }
    /* gnuplot reads its script from a pipe; no shell, so a file name is
     * only ever data. */
    int pfd[2];
    if (pipe(pfd) != 0) {
        fprintf(out, "mini-mpirun: profile: cannot run gnuplot: no PNG\n");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_WRONLY);
        dup2(pfd[0], 0);
        if (null_fd >= 0) {
            dup2(null_fd, 1);
            dup2(null_fd, 2);
        }
        close(pfd[0]);
        close(pfd[1]);
        char *argv[] = {"gnuplot", NULL};
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pfd[0]);
    FILE *g = pid > 0 ? fdopen(pfd[1], "w") : NULL;
    if (g == NULL) {
        close(pfd[1]);
        if (pid > 0)
            waitpid(pid, NULL, 0);
        fprintf(out, "mini-mpirun: profile: cannot run gnuplot: no PNG\n");
        return;
    }
    fprintf(g,
            "set terminal png size 720,640\n"
            "set output '%s'\n"
            "set datafile separator ','\n"
            "set title 'Bytes sent (row: sender, column: receiver)'\n"
            "set xlabel 'receiver rank'\nset ylabel 'sender rank'\n"
            "set xrange [-0.5:%d.5]\nset yrange [%d.5:-0.5]\n"
            "set palette defined (0 'white', 1 'yellow', 2 'red', 3 'dark-red')\n"
            "plot '%s' matrix rowheaders columnheaders with image notitle\n",
            png, p->n - 1, p->n - 1, csv);
    fclose(g);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fprintf(out, "mini-mpirun: profile: gnuplot failed or is not installed: no PNG\n");
}

/* White to dark red by the share of the largest cell. */
static void heat_color(uint64_t v, uint64_t max, char *out, size_t len)
{
    double x = max != 0 ? (double)v / (double)max : 0.0;
    int r = (int)(255 - 80 * x), g = (int)(255 - 255 * x), b = (int)(255 - 255 * (x < 0.5 ? 2 * x : 1));
    snprintf(out, len, "rgb(%d,%d,%d)", r, g, b);
}

static void write_html(const prof_t *p, const call_sum_t *calls, int num_calls, const char *path)
{
    FILE *f = create_report(path);
    if (f == NULL) {
        perror(path);
        return;
    }
    uint64_t max = 0, total_bytes = 0;
    for (size_t i = 0; i < (size_t)p->n * (size_t)p->n; i++) {
        max = p->matrix[i] > max ? p->matrix[i] : max;
        total_bytes += p->matrix[i];
    }
    fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
               "<title>minimpi profile</title>\n<style>body{font-family:sans-serif;margin:2em}"
               "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;"
               "padding:2px 8px;text-align:right}th{background:#eee}</style></head><body>\n"
               "<h1>minimpi profile</h1>\n<p>%d ranks, %d reported, %llu bytes sent in all.</p>\n",
            p->n, p->reported, (unsigned long long)total_bytes);
    /* The heat map: one square per pair, at most 600 px across. */
    int cell = p->n > 0 ? 600 / p->n : 1;
    cell = cell > 60 ? 60 : cell < 2 ? 2 : cell;
    int side = cell * p->n;
    /* The grid starts at (origin, origin): room for the axis titles and the
     * rank numbers, one every `step` ranks so that labels stay 20 px apart. */
    const int origin = 60;
    int step = (20 + cell - 1) / cell;
    fprintf(f, "<h2>Bytes sent (row: sender, column: receiver; largest %llu)</h2>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">\n",
            (unsigned long long)max, side + origin, side + origin);
    for (int i = 0; i < p->n; i++) {
        for (int j = 0; j < p->n; j++) {
            uint64_t v = p->matrix[(size_t)i * (size_t)p->n + j];
            char color[40];
            heat_color(v, max, color, sizeof(color));
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                       "stroke=\"#ccc\"><title>%d to %d: %llu bytes</title></rect>\n",
                    origin + j * cell, origin + i * cell, cell, cell, color, i, j,
                    (unsigned long long)v);
        }
    }
    for (int r = 0; r < p->n; r += step) {
        int middle = origin + r * cell + cell / 2;
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d</text>"
                   "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%d</text>\n",
                middle, origin - 5, r, origin - 5, middle + 4, r);
    }
    fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"14\">receiver rank &#8594;</text>\n"
               "<text x=\"20\" y=\"%d\" font-size=\"14\" transform=\"rotate(-90 20 %d)\">"
               "sender rank &#8594;</text>\n</svg>\n",
            origin, origin + side, origin + side);
    fputs("<h2>Time in MPI per rank</h2>\n<table><tr><th>rank</th><th>time in MPI (s)</th>"
          "<th>MPI_Init to MPI_Finalize (s)</th><th>bytes sent</th></tr>\n", f);
    for (int i = 0; i < p->n; i++) {
        uint64_t sent = 0;
        for (int j = 0; j < p->n; j++)
            sent += p->matrix[(size_t)i * (size_t)p->n + j];
        fprintf(f, "<tr><td>%d</td><td>%.6f</td><td>%.6f</td><td>%llu</td></tr>\n", i,
                (double)p->mpi_ns[i] * 1e-9, (double)p->wall_ns[i] * 1e-9,
                (unsigned long long)sent);
    }
    fputs("</table>\n<h2>MPI calls (all ranks)</h2>\n<table><tr><th>call</th><th>calls</th>"
          "<th>time (s)</th></tr>\n", f);
    for (int i = 0; i < num_calls; i++)
        fprintf(f, "<tr><td style=\"text-align:left\">%s</td><td>%llu</td><td>%.6f</td></tr>\n",
                calls[i].name, (unsigned long long)calls[i].calls, (double)calls[i].ns * 1e-9);
    fputs("</table>\n<h2>Message sizes</h2>\n<table><tr><th>bytes</th><th>messages</th></tr>\n",
          f);
    for (int b = 0; b < PROF_BINS; b++) {
        if (p->hist[b] == 0)
            continue;
        if (b == 0)
            fprintf(f, "<tr><td>0</td><td>%llu</td></tr>\n", (unsigned long long)p->hist[b]);
        else
            fprintf(f, "<tr><td>%llu to %llu</td><td>%llu</td></tr>\n", 1ull << (b - 1),
                    b == 64 ? ~0ull : (1ull << b) - 1, (unsigned long long)p->hist[b]);
    }
    fputs("</table>\n</body></html>\n", f);
    if (fclose(f) != 0)
        perror(path);
}

/* The text summary: top calls by time, slowest rank, load imbalance. */
static void print_summary(const prof_t *p, const call_sum_t *calls, int num_calls,
                          const char *file, FILE *out)
{
    uint64_t sum = 0, total = 0;
    int slowest = 0;
    for (int i = 0; i < p->n; i++) {
        sum += p->mpi_ns[i];
        if (p->mpi_ns[i] > p->mpi_ns[slowest])
            slowest = i;
    }
    for (int i = 0; i < num_calls; i++)
        total += calls[i].ns;
    double mean = p->n > 0 ? (double)sum / p->n * 1e-9 : 0.0;
    double max = (double)p->mpi_ns[slowest] * 1e-9;
    fprintf(out, "mini-mpirun: profile of %d rank%s (%d reported): %s.csv, %s.png, %s.html\n",
            p->n, p->n == 1 ? "" : "s", p->reported, file, file, file);
    fprintf(out, "  time in MPI: mean %.6f s, slowest rank %d with %.6f s, load imbalance "
                 "(max/mean) %.2f\n", mean, slowest, max, mean > 0 ? max / mean : 1.0);
    fprintf(out, "  top calls by time (all ranks):\n");
    for (int i = 0; i < num_calls && i < PROF_TOP; i++)
        fprintf(out, "    %-24s %10llu calls %12.6f s %5.1f%%\n", calls[i].name,
                (unsigned long long)calls[i].calls, (double)calls[i].ns * 1e-9,
                total > 0 ? 100.0 * (double)calls[i].ns / (double)total : 0.0);
    fflush(out);
}

void lnch_insight_write_profile(const lnch_job_t *job, const char *file, FILE *out)
{
    prof_t p;
    memset(&p, 0, sizeof(p));
    p.n = job->size;
    p.mpi_ns = calloc((size_t)p.n, sizeof(*p.mpi_ns));
    p.wall_ns = calloc((size_t)p.n, sizeof(*p.wall_ns));
    p.matrix = calloc((size_t)p.n * (size_t)p.n, sizeof(*p.matrix));
    size_t plen = strlen(file) + 8;
    char *path = malloc(plen), *csv = malloc(plen);
    if (p.mpi_ns == NULL || p.wall_ns == NULL || p.matrix == NULL || path == NULL ||
        csv == NULL) {
        fprintf(out, "mini-mpirun: profile: out of memory\n");
        goto out_free;
    }
    for (int r = 0; r < p.n; r++) {
        char *text = rank_text(job, r);
        if (text == NULL)
            continue;
        p.reported++;
        parse_rank(&p, r, text);
        free(text);
    }
    if (p.num_calls > 0)
        qsort(p.calls, (size_t)p.num_calls, sizeof(*p.calls), by_time);
    snprintf(csv, plen, "%s.csv", file);
    write_csv(&p, csv);
    snprintf(path, plen, "%s.html", file);
    write_html(&p, p.calls, p.num_calls, path);
    print_summary(&p, p.calls, p.num_calls, file, out);
    snprintf(path, plen, "%s.png", file);
    write_png(&p, csv, path, out);
out_free:
    free(path);
    free(csv);
    free(p.calls);
    free(p.matrix);
    free(p.wall_ns);
    free(p.mpi_ns);
}
