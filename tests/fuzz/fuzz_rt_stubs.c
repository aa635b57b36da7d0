/*
 * fuzz_rt_stubs.c -- the two runtime symbols rt_boot_pmi.c refers to
 * outside the bootstrap (the clock and the process description, used only
 * by rt_boot_pmi_check_launcher, which no target calls), so the fuzz
 * programs need not link the whole runtime.
 */
#include "rt.h"

rt_process_t rt_proc;

double rt_wtime(void)
{
    return 0.0;
}
