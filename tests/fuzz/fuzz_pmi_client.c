/*
 * fuzz_pmi_client.c -- a rank's PMI-1 client (runtime/rt_boot_pmi.c) on what
 * a broken launcher may answer.  The input is everything the "launcher"
 * sends, queued in a socketpair before the client starts (then end of
 * file); the client then runs the calls of MPI_Init and MPI_Finalize: init,
 * get_my_kvsname, get_appnum, get of PMI_process_mapping, put, get, fence,
 * finalize.  Each must fail cleanly or give values within their bounds.
 */
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

#include "runtime/rt_boot.h"

void fuzz_pmi_client(const uint8_t *data, size_t size)
{
    /* The requests the client writes must fit in the socket's buffer, since
     * nobody reads them: a few hundred bytes, far below any default. */
    int launcher;
    int fd = fuzz_queued_socket(data, size, &launcher);

    rt_boot_info_t info;
    memset(&info, 0, sizeof(info));
    const rt_boot_ops_t *ops = rt_boot_pmi_start(fd, 1, 4, &info);
    if (ops == NULL) {
        close(fd);
    } else {
        FUZZ_ASSERT(info.rank == 1 && info.size == 4);
        FUZZ_ASSERT(memchr(info.kvsname, '\0', sizeof(info.kvsname)) != NULL);
        FUZZ_ASSERT(memchr(info.process_mapping, '\0', sizeof(info.process_mapping)) != NULL);
        char value[64];
        (void)ops->put("fuzz-key", "fuzz-value");
        if (ops->get("fuzz-key", value, sizeof(value)) == 0)
            FUZZ_ASSERT(memchr(value, '\0', sizeof(value)) != NULL);
        (void)ops->fence();
        (void)ops->finalize();    /* closes the socket */
        int node_of_rank[4];
        int nodes = rt_boot_parse_mapping(info.process_mapping, 4, node_of_rank);
        FUZZ_ASSERT(nodes == -1 || nodes >= 1);
    }
    close(launcher);
}
