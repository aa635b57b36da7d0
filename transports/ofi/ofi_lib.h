/*
 * ofi_lib.h -- the libfabric functions the ofi transport calls by name,
 * loaded with dlopen when the transport starts (ofi_lib_load), not linked.
 *
 * Why.  Debian's libfabric pulls in the PSM and PSM2 libraries, whose
 * constructors calibrate a clock by sleeping (713 usleep calls): every
 * process linked with libfabric spent about 0.2 s starting, against 4 ms
 * without, whether or not it used the network.  Only multi-node jobs (and
 * MINIMPI_TRANSPORTS=ofi) start this transport, so single-node jobs no
 * longer load libfabric at all.
 *
 * Everything else of libfabric the transport uses (fi_domain, fi_endpoint,
 * fi_send, ...) is an inline call through the objects' operation tables,
 * which needs no symbol; fi_allocinfo() is fi_dupinfo(NULL), so it is
 * ofi_lib.dupinfo(NULL) here.
 */
#ifndef MINIMPI_OFI_LIB_H
#define MINIMPI_OFI_LIB_H

#include <stddef.h>
#include <stdint.h>

#include <rdma/fabric.h>

typedef struct ofi_lib {
    int (*getinfo)(uint32_t version, const char *node, const char *service, uint64_t flags,
                   const struct fi_info *hints, struct fi_info **info);
    void (*freeinfo)(struct fi_info *info);
    struct fi_info *(*dupinfo)(const struct fi_info *info);
    int (*fabric)(struct fi_fabric_attr *attr, struct fid_fabric **fabric, void *context);
    const char *(*strerror)(int errnum);
} ofi_lib_t;

/* Filled by ofi_lib_load; all NULL before. */
extern ofi_lib_t ofi_lib;

/* Load libfabric, MINIMPI_OFI_LIBRARY (its soname by default), once per
 * process (later calls return at once): 0, or -1 with the reason (dlopen's
 * or dlsym's message) in why. */
int ofi_lib_load(char *why, size_t why_len);

/* fi_strerror(errnum), or the bare number while libfabric is not loaded. */
const char *ofi_strerror(int errnum);

#endif /* MINIMPI_OFI_LIB_H */
