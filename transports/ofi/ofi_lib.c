/*
 * ofi_lib.c -- loading libfabric when the ofi transport starts (see
 * ofi_lib.h for why it is not linked).
 */
#include "ofi_lib.h"

#include <dlfcn.h>
#include <stdio.h>

#include "cfg.h"

ofi_lib_t ofi_lib;

/* dlsym's result as a function pointer of the type of *slot. */
#define OFI_LIB_SYM(handle, slot, name, why, why_len)                                     \
    do {                                                                                    \
        void *sym_ = dlsym(handle, name);                                                   \
        if (sym_ == NULL) {                                                                 \
            snprintf(why, why_len, "%s", dlerror());                                        \
            return -1;                                                                      \
        }                                                                                   \
        *(void **)(slot) = sym_;                                                            \
    } while (0)

int ofi_lib_load(char *why, size_t why_len)
{
    static void *handle;
    if (ofi_lib.strerror != NULL)
        return 0;
    if (handle == NULL) {
        /* Kept loaded for the rest of the process: its providers may keep
         * threads and handlers that outlive the transport. */
        const char *name = cfg_get("MINIMPI_OFI_LIBRARY");
        handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            snprintf(why, why_len,
                     "cannot load libfabric (MINIMPI_OFI_LIBRARY=%s): %s; install the Debian "
                     "package libfabric1, or name the library",
                     name, dlerror());
            return -1;
        }
    }
    ofi_lib_t lib;
    OFI_LIB_SYM(handle, &lib.getinfo, "fi_getinfo", why, why_len);
    OFI_LIB_SYM(handle, &lib.freeinfo, "fi_freeinfo", why, why_len);
    OFI_LIB_SYM(handle, &lib.dupinfo, "fi_dupinfo", why, why_len);
    OFI_LIB_SYM(handle, &lib.fabric, "fi_fabric", why, why_len);
    OFI_LIB_SYM(handle, &lib.strerror, "fi_strerror", why, why_len);
    ofi_lib = lib;
    return 0;
}

const char *ofi_strerror(int errnum)
{
    static char number[32];
    if (ofi_lib.strerror != NULL)
        return ofi_lib.strerror(errnum);
    snprintf(number, sizeof(number), "libfabric error %d", errnum);
    return number;
}
