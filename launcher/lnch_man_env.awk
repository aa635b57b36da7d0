# lnch_man_env.awk -- turn `mini-mpirun --help-env` into the roff of the man
# page's ENVIRONMENT section, so that the page and --help-env come from the
# same table (common/cfg.c) and cannot drift apart.
#
# Input, per variable:   NAME (default: X)
#                            one sentence of documentation
function roff(text) {
    gsub(/\\/, "\\e", text)
    sub(/^[.']/, "\\\\\\&&", text)
    return text
}
/^[^ ]/ {
    name = $1
    def = $0
    sub(/^[^ ]+ \(default: /, "", def)
    sub(/\)$/, "", def)
    print ".TP"
    print ".B " roff(name)
    print "(default: " roff(def) ")"
    next
}
/^ +/ {
    line = $0
    sub(/^ +/, "", line)
    print roff(line)
}
