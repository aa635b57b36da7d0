# The compiler wrapper: mpicc is made from mpicc.in at build time, so that
# it holds the final installation directories (configure would leave
# ${prefix} in them).
bin_SCRIPTS += wrappers/mpicc
CLEANFILES += wrappers/mpicc
EXTRA_DIST += wrappers/mpicc.in

wrappers/mpicc: $(srcdir)/wrappers/mpicc.in Makefile
	$(AM_V_GEN)$(MKDIR_P) wrappers && \
	$(SED) -e 's|@prefix[@]|$(prefix)|g' -e 's|@exec_prefix[@]|$(exec_prefix)|g' \
	    -e 's|@includedir[@]|$(includedir)|g' -e 's|@libdir[@]|$(libdir)|g' \
	    -e 's|@CC[@]|$(CC)|g' -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' \
	    $(srcdir)/wrappers/mpicc.in > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
