/*
 * fuzz_libfuzzer.c -- the libFuzzer entry points (built with clang
 * -fsanitize=fuzzer).  One binary holds every target; FUZZ_TARGET names the
 * one to fuzz, e.g. FUZZ_TARGET=hosts fuzz-minimpi corpus/hosts
 * (tests/fuzz/fuzz.sh does this for each target).
 */
#include "fuzz.h"

#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const fuzz_target_t *target;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    target = fuzz_find(getenv("FUZZ_TARGET"));
    if (target == NULL)
        exit(2);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    target->run(data, size > FUZZ_INPUT_MAX ? FUZZ_INPUT_MAX : size);
    return 0;
}
