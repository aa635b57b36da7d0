/*
 * lnch_addr.h -- the IPv4 address that remote daemons connect back to.
 */
#ifndef MINIMPI_LNCH_ADDR_H
#define MINIMPI_LNCH_ADDR_H

#include <stddef.h>

/*
 * With `iface` (--iface or MINIMPI_IFACE): that interface's IPv4 address.
 * Else the source address of the route to `host` (no packet is sent: a UDP
 * socket is only connected).  Returns 0 with the dotted address in out, or
 * -1 with the reason in err.
 */
int lnch_addr_pick(const char *iface, const char *host, char *out, size_t out_len, char *err,
                   size_t err_len);

#endif /* MINIMPI_LNCH_ADDR_H */
