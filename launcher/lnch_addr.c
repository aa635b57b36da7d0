/*
 * lnch_addr.c -- pick the address daemons connect back to (see lnch_addr.h).
 */
#include "lnch_addr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int from_iface(const char *iface, char *out, size_t out_len, char *err, size_t err_len)
{
    struct ifaddrs *all;
    if (getifaddrs(&all) != 0) {
        snprintf(err, err_len, "cannot list the network interfaces");
        return -1;
    }
    int found = 0;
    for (struct ifaddrs *a = all; a != NULL && !found; a = a->ifa_next) {
        if (a->ifa_addr == NULL || a->ifa_addr->sa_family != AF_INET ||
            strcmp(a->ifa_name, iface) != 0)
            continue;
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)a->ifa_addr;
        found = inet_ntop(AF_INET, &sin->sin_addr, out, (socklen_t)out_len) != NULL;
    }
    freeifaddrs(all);
    if (!found)
        snprintf(err, err_len, "interface '%s' has no IPv4 address here (see 'ip -4 addr')",
                 iface);
    return found ? 0 : -1;
}

static int from_route(const char *host, char *out, size_t out_len, char *err, size_t err_len)
{
    const char *at = strchr(host, '@');   /* ssh's user@host */
    if (at != NULL)
        host = at + 1;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, "9", &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(err, err_len,
                 "cannot resolve host '%s' (%s) to find the interface that reaches it; "
                 "give --iface or MINIMPI_IFACE",
                 host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in me;
    socklen_t me_len = sizeof(me);
    int ok = fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0 &&
             getsockname(fd, (struct sockaddr *)&me, &me_len) == 0 &&
             inet_ntop(AF_INET, &me.sin_addr, out, (socklen_t)out_len) != NULL;
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    if (!ok)
        snprintf(err, err_len, "no route to host '%s'; give --iface or MINIMPI_IFACE", host);
    return ok ? 0 : -1;
}

int lnch_addr_pick(const char *iface, const char *host, char *out, size_t out_len, char *err,
                   size_t err_len)
{
    if (iface != NULL && iface[0] != '\0')
        return from_iface(iface, out, out_len, err, err_len);
    return from_route(host, out, out_len, err, err_len);
}
