# Code shared by the runtime and the launcher.
noinst_LTLIBRARIES += common/libcommon.la
common_libcommon_la_SOURCES = \
	common/pmi_wire.c common/pmi_wire.h \
	common/cfg.c common/cfg.h common/copy_small.h
