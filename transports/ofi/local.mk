# libfabric transport: peers on other nodes (or every peer, with
# MINIMPI_TRANSPORTS=ofi).
runtime_libminimpi_core_la_SOURCES += \
	transports/ofi/ofi.h \
	transports/ofi/ofi_init.c \
	transports/ofi/ofi_ops.c \
	transports/ofi/ofi_progress.c \
	transports/ofi/ofi_rma.c
runtime_libminimpi_core_la_CPPFLAGS = $(AM_CPPFLAGS) $(FABRIC_CFLAGS)
runtime_libminimpi_core_la_LIBADD += $(FABRIC_LIBS)
