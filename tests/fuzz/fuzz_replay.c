/*
 * fuzz_replay.c -- run fuzz targets on saved inputs, without libFuzzer:
 *   fuzz-replay TARGET FILE|DIRECTORY...
 * Every file (a directory: every file in it) is one input.  Built with the
 * normal compiler, so `make check` replays the seed corpus and the crash
 * regressions under the sanitizers of the build even where clang is absent.
 * Prints the number of inputs run; a failing input aborts (after its name).
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const fuzz_target_t *t, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    uint8_t *buf = malloc(FUZZ_INPUT_MAX);
    if (buf == NULL)
        abort();
    size_t n = fread(buf, 1, FUZZ_INPUT_MAX, f);
    fclose(f);
    /* Announce it first: if it crashes, the log names the input. */
    fprintf(stderr, "fuzz-replay: %s %s (%zu bytes)\n", t->name, path, n);
    /* A copy of exactly n bytes, so ASan sees a read past the input. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact == NULL)
        abort();
    memcpy(exact, buf, n);
    free(buf);
    t->run(exact, n);
    free(exact);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const fuzz_target_t *t, const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return run_file(t, path);
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        perror(path);
        return -1;
    }
    char **names = NULL;
    size_t num = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (num == cap) {
            cap = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof(*names));
            if (names == NULL)
                abort();
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[num] = malloc(len);
        if (names[num] == NULL)
            abort();
        snprintf(names[num++], len, "%s/%s", path, e->d_name);
    }
    closedir(d);
    /* A fixed order, so a run is the same on every machine. */
    if (num > 0)
        qsort(names, num, sizeof(*names), name_cmp);
    int rc = 0;
    for (size_t i = 0; i < num; i++) {
        if (run_path(t, names[i], count) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s TARGET FILE|DIRECTORY...\n", argv[0]);
        (void)fuzz_find(NULL);
        return 2;
    }
    const fuzz_target_t *t = fuzz_find(argv[1]);
    if (t == NULL)
        return 2;
    int count = 0, rc = 0;
    for (int i = 2; i < argc; i++)
        if (run_path(t, argv[i], &count) != 0)
            rc = 1;
    printf("fuzz-replay: %s: %d input(s) run\n", t->name, count);
    if (count == 0) {
        fprintf(stderr, "fuzz-replay: %s: no inputs found\n", t->name);
        rc = 1;
    }
    return rc;
}
