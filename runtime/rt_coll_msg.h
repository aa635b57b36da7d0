/*
 * rt_coll_msg.h -- single messages on a communicator's collective context,
 * for collectives written as plain sends and receives (intercommunicator
 * collectives, neighbourhood collectives).  The peer is a rank of whom the
 * communicator addresses (the remote group on an intercommunicator).
 */
#ifndef MINIMPI_RT_COLL_MSG_H
#define MINIMPI_RT_COLL_MSG_H

#include <stddef.h>

#include "rt.h"
#include "rt_request.h"

/* Start sending (RT_REQ_SEND) or receiving `count` elements of dt. */
rt_request_t *rt_coll_msg_start(rt_req_kind_t kind, rt_comm_t *c, const void *buf, size_t count,
                                rt_datatype_t *dt, int peer, int tag);
/* Wait for one (or n) and release them: the first error class, or MPI_SUCCESS. */
int rt_coll_msg_finish(rt_request_t *req);
int rt_coll_msg_finish_all(rt_request_t **reqs, int n);

#endif /* MINIMPI_RT_COLL_MSG_H */
