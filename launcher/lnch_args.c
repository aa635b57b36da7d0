/*
 * lnch_args.c -- parse mini-mpirun's command line (see lnch_args.h).
 *
 * The accepted spellings follow what scripts written for Open MPI and MPICH
 * pass: -n, -np and --np with the value as the next argument or after '=',
 * and Open MPI's --oversubscribe and --allow-run-as-root, which mean nothing
 * here (we never refuse to oversubscribe or to run as root).
 */
#include "lnch_args.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lnch_place.h"

int lnch_args_env_name_ok(const char *name, size_t len)
{
    if (len == 0 || (name[0] >= '0' && name[0] <= '9'))
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return 0;
    }
    return 1;
}

/* Whether `arg` is option `name`, alone or as "name=value".  Sets *inline_value
 * to the text after '=' in the second case, else to NULL. */
static int opt_is(const char *arg, const char *name, const char **inline_value)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '\0') {
        *inline_value = NULL;
        return 1;
    }
    if (arg[n] == '=') {
        *inline_value = arg + n + 1;
        return 1;
    }
    return 0;
}

static int parse_np(const char *flag, const char *text, int *out, char *err, size_t err_len)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || v <= 0) {
        snprintf(err, err_len, "invalid value '%s' for %s: must be a positive integer", text,
                 flag);
        return -1;
    }
    if (v > LNCH_NP_MAX) {
        snprintf(err, err_len, "invalid value '%s' for %s: must be at most %d", text, flag,
                 LNCH_NP_MAX);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int parse_timeout(const char *flag, const char *text, double *out, char *err,
                         size_t err_len)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    /* Only plain decimal numbers: strtod would also take "inf", "nan" and hex. */
    int plain = text[0] != '\0' && strspn(text, "0123456789.") == strlen(text);
    if (!plain || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0) {
        snprintf(err, err_len, "invalid value '%s' for %s: must be a positive number of seconds",
                 text, flag);
        return -1;
    }
    if (v > LNCH_TIMEOUT_MAX) {
        snprintf(err, err_len, "invalid value '%s' for %s: must be at most %.0f seconds", text,
                 flag, LNCH_TIMEOUT_MAX);
        return -1;
    }
    *out = v;
    return 0;
}

static int check_env_arg(const char *flag, const char *text, char *err, size_t err_len)
{
    const char *eq = strchr(text, '=');
    size_t name_len = eq != NULL ? (size_t)(eq - text) : strlen(text);
    if (!lnch_args_env_name_ok(text, name_len)) {
        snprintf(err, err_len,
                 "invalid value '%s' for %s: must be VAR or VAR=value, VAR made of letters, "
                 "digits and '_' and not starting with a digit",
                 text, flag);
        return -1;
    }
    return 0;
}

/* --map-by (what 'm'), --bind-to ('b') or --cpu-set ('c'); the cpu list
 * is only checked here: which cpus exist is known once the launcher reads
 * the topology. */
static int parse_place_opt(char what, const char *flag, const char *text,
                           lnch_place_opts_t *place, char *err, size_t err_len)
{
    char why[256];
    if (what == 'm' && lnch_place_parse_map(text, &place->map_by) != 0) {
        snprintf(err, err_len,
                 "invalid value '%s' for %s: must be slot, core, socket, numa or node", text,
                 flag);
        return -1;
    }
    if (what == 'b' && lnch_place_parse_bind(text, &place->bind_to) != 0) {
        snprintf(err, err_len,
                 "invalid value '%s' for %s: must be none, hwthread, core, socket or numa", text,
                 flag);
        return -1;
    }
    if (what == 'c') {
        if (lnch_place_parse_cpu_set(text, NULL, why, sizeof(why)) != 0) {
            snprintf(err, err_len, "invalid value '%s' for %s: %s", text, flag, why);
            return -1;
        }
        place->cpu_set = text;
    }
    return 0;
}

int lnch_args_parse(int argc, char **argv, lnch_args_t *args, char *err, size_t err_len)
{
    memset(args, 0, sizeof(*args));
    args->np = 1;
    /* At most one -x per argument, so argc entries always suffice. */
    args->env = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*args->env));
    args->hosts = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*args->hosts));
    if (args->env == NULL || args->hosts == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }

    int i = 1;
    while (i < argc) {
        const char *arg = argv[i];
        const char *value = NULL;

        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;                        /* the program: options end here */

        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            args->action = LNCH_ACTION_HELP;
            return 0;
        }
        if (strcmp(arg, "--help-env") == 0) {
            args->action = LNCH_ACTION_HELP_ENV;
            return 0;
        }
        if (strcmp(arg, "--version") == 0) {
            args->action = LNCH_ACTION_VERSION;
            return 0;
        }
        if (strcmp(arg, "--tag-output") == 0) {
            args->tag_output = 1;
            i++;
            continue;
        }
        if (strcmp(arg, "--report-transports") == 0) {
            /* Like -x: the ranks report at MPI_Init (see lnch_insight.h). */
            args->env[args->num_env++] = "MINIMPI_REPORT_TRANSPORTS=1";
            i++;
            continue;
        }
        if (strcmp(arg, "--profile") == 0 || strncmp(arg, "--profile=", 10) == 0) {
            /* The ranks report at MPI_Finalize; main writes the files. */
            args->profile = arg[9] == '=' && arg[10] != '\0' ? arg + 10 : "minimpi-profile";
            args->env[args->num_env++] = "MINIMPI_PROFILE=1";
            i++;
            continue;
        }
        if (strcmp(arg, "--report-bindings") == 0) {
            args->place.report_bindings = 1;
            i++;
            continue;
        }
        if (strcmp(arg, "--display-map") == 0) {
            args->place.display_map = 1;
            i++;
            continue;
        }
        if (strcmp(arg, "--oversubscribe") == 0 || strcmp(arg, "--allow-run-as-root") == 0) {
            i++;
            continue;
        }

        /* Options with a value, given as the next argument or after '='. */
        const char *flag = NULL;
        enum { OPT_NP, OPT_TIMEOUT, OPT_ENV, OPT_MAP_BY, OPT_BIND_TO, OPT_CPU_SET, OPT_NPERNODE,
               OPT_HOST, OPT_HOSTFILE, OPT_AGENT, OPT_IFACE, OPT_HANG_TIMEOUT,
               OPT_HANG_ACTION } kind;
        if (opt_is(arg, "-n", &value) || opt_is(arg, "-np", &value) ||
            opt_is(arg, "--np", &value)) {
            kind = OPT_NP;
        } else if (opt_is(arg, "--timeout", &value)) {
            kind = OPT_TIMEOUT;
        } else if (opt_is(arg, "--hang-timeout", &value)) {
            kind = OPT_HANG_TIMEOUT;
        } else if (opt_is(arg, "--hang-action", &value)) {
            kind = OPT_HANG_ACTION;
        } else if (opt_is(arg, "-x", &value)) {
            kind = OPT_ENV;
        } else if (opt_is(arg, "--map-by", &value)) {
            kind = OPT_MAP_BY;
        } else if (opt_is(arg, "--bind-to", &value)) {
            kind = OPT_BIND_TO;
        } else if (opt_is(arg, "--cpu-set", &value)) {
            kind = OPT_CPU_SET;
        } else if (opt_is(arg, "-N", &value) || opt_is(arg, "--npernode", &value)) {
            kind = OPT_NPERNODE;
        } else if (opt_is(arg, "-H", &value) || opt_is(arg, "--host", &value)) {
            kind = OPT_HOST;
        } else if (opt_is(arg, "--hostfile", &value) || opt_is(arg, "--machinefile", &value) ||
                   opt_is(arg, "-f", &value)) {
            kind = OPT_HOSTFILE;
        } else if (opt_is(arg, "--launch-agent", &value)) {
            kind = OPT_AGENT;
        } else if (opt_is(arg, "--iface", &value)) {
            kind = OPT_IFACE;
        } else {
            snprintf(err, err_len, "unknown option '%s'", arg);
            return -1;
        }
        flag = argv[i];
        size_t flag_len = value != NULL ? (size_t)(value - 1 - arg) : strlen(arg);
        char flag_name[32];
        snprintf(flag_name, sizeof(flag_name), "%.*s", (int)flag_len, flag);
        if (value == NULL) {
            if (i + 1 >= argc) {
                snprintf(err, err_len, "option '%s' needs a value", flag_name);
                return -1;
            }
            value = argv[++i];
        }
        i++;

        int rc = 0;
        switch (kind) {
        case OPT_NP:
            rc = parse_np(flag_name, value, &args->np, err, err_len);
            args->np_given = 1;
            break;
        case OPT_NPERNODE:
            rc = parse_np(flag_name, value, &args->npernode, err, err_len);
            break;
        case OPT_HOST:
            args->hosts[args->num_hosts++] = value;
            break;
        case OPT_HOSTFILE:
            args->hostfile = value;
            break;
        case OPT_AGENT:
            args->launch_agent = value;
            break;
        case OPT_IFACE:
            args->iface = value;
            break;
        case OPT_TIMEOUT:
            rc = parse_timeout(flag_name, value, &args->timeout, err, err_len);
            break;
        case OPT_HANG_TIMEOUT:
            rc = parse_timeout(flag_name, value, &args->hang_timeout, err, err_len);
            break;
        case OPT_HANG_ACTION:
            if (strcmp(value, "abort") != 0 && strcmp(value, "report") != 0) {
                snprintf(err, err_len, "%s must be abort or report, not '%s'", flag_name, value);
                rc = -1;
            }
            args->hang_action = value;
            break;
        case OPT_ENV:
            rc = check_env_arg(flag_name, value, err, err_len);
            if (rc == 0)
                args->env[args->num_env++] = value;
            break;
        case OPT_MAP_BY:
        case OPT_BIND_TO:
        case OPT_CPU_SET:
            rc = parse_place_opt(kind == OPT_MAP_BY ? 'm' : kind == OPT_BIND_TO ? 'b' : 'c',
                                 flag_name, value, &args->place, err, err_len);
            break;
        }
        if (rc != 0)
            return -1;
    }

    if (i >= argc) {
        snprintf(err, err_len, "no program to run");
        return -1;
    }
    args->prog_argv = &argv[i];
    return 0;
}

void lnch_args_fini(lnch_args_t *args)
{
    free(args->env);
    args->env = NULL;
    args->num_env = 0;
    free(args->hosts);
    args->hosts = NULL;
    args->num_hosts = 0;
}

void lnch_args_usage(FILE *out)
{
    fputs("Usage: mini-mpirun [OPTION]... PROGRAM [ARGUMENT]...\n"
          "Start N copies (ranks) of PROGRAM on this node and serve them the PMI-1 protocol.\n"
          "Options end at PROGRAM: everything after it is passed to PROGRAM unchanged.\n"
          "\n"
          "Options:\n"
          "  -n N, -np N, --np N  start N ranks (default 1; at most 4096)\n"
          "  -x VAR               pass the variable VAR with its value here to every rank\n"
          "  -x VAR=value         set VAR to value in every rank (-x may be repeated)\n"
          "  --tag-output         prefix each output line with [1,RANK]<stdout>: or\n"
          "                       [1,RANK]<stderr>:\n"
          "  --timeout S          kill the job after S seconds (a positive number) and exit 124\n"
          "  --map-by WHAT        place ranks by slot, core or node (in order over the\n"
          "                       cores), or by socket or numa (round robin over the\n"
          "                       packages or NUMA nodes); default slot\n"
          "  --bind-to WHAT       bind each rank to none, hwthread, core, socket or numa;\n"
          "                       default core when the ranks fit the cores, else none;\n"
          "                       nodes that are one machine (containers, namespaces)\n"
          "                       share its cores\n"
          "  --cpu-set LIST       use only these cpus (as taskset -c: 0,2-3)\n"
          "  --report-bindings    print each rank's binding on stderr at start\n"
          "  --display-map        print where the ranks go before starting them\n"
          "  --hang-timeout S     when no rank completes an MPI call for S seconds while one\n"
          "                       waits in one, print each rank's blocking call and the\n"
          "                       cycle of waits, then kill the job and exit 125\n"
          "                       (also MINIMPI_HANG_TIMEOUT)\n"
          "  --hang-action WHAT   abort (default) or report: print the diagnosis and keep\n"
          "                       waiting (also MINIMPI_HANG_ACTION)\n"
          "  --report-transports  print, before the program's output, the transport of\n"
          "                       same-node peers and of each pair of nodes, libfabric\n"
          "                       provider and interface, single copy on or off and why,\n"
          "                       and the eager/rendezvous thresholds\n"
          "  --profile[=FILE]     count each rank's MPI calls, time in MPI and bytes per\n"
          "                       peer; print a summary on stderr at the end and write\n"
          "                       FILE.csv (byte matrix), FILE.png and FILE.html\n"
          "                       (default FILE: minimpi-profile)\n"
          "\n"
          "Multi-node options (see MULTI-NODE JOBS in mini-mpirun(1)):\n"
          "  -H, --host LIST      run on the hosts of LIST: HOST[:SLOTS],... (default 1 slot)\n"
          "  --hostfile FILE      hosts from FILE: 'HOST slots=N' or 'HOST:N' lines, '#'\n"
          "                       comments (also --machinefile, -f)\n"
          "  -N, --npernode K     K ranks on every host (instead of filling the slots)\n"
          "                       Without -n: one rank per slot (or K per host with -N).\n"
          "                       Ranks fill the slots in host order; localhost (or this\n"
          "                       host's name) runs here, other hosts through a daemon.\n"
          "  --launch-agent CMD   start the daemon of a remote host as 'CMD HOST mini-mpid\n"
          "                       ARGS...' (default: ssh); CMD may hold arguments\n"
          "  --iface IF           the network interface whose IPv4 address the daemons\n"
          "                       connect back to (default: MINIMPI_IFACE, else the one that\n"
          "                       routes to the first remote host)\n"
          "  --oversubscribe      accepted for Open MPI compatibility; does nothing\n"
          "  --allow-run-as-root  accepted for Open MPI compatibility; does nothing\n"
          "  -h, --help           print this help and exit\n"
          "  --help-env           print the MINIMPI_* environment variables the ranks read\n"
          "  --version            print the version and exit\n"
          "  --                   end of options (for a PROGRAM whose name starts with '-')\n"
          "\n"
          "The standard output and error of every rank are forwarded line by line; the\n"
          "standard input goes to rank 0 only. SIGINT, SIGTERM and SIGHUP are forwarded to\n"
          "all ranks. "
          "When a rank fails, the others are killed.\n"
          "\n"
          "The cpus available are the launcher's own (taskset, cgroup cpuset), within\n"
          "--cpu-set. More ranks than available cores is allowed: the ranks then share\n"
          "cores and are told so, and wait for messages without spinning for long.\n"
          "\n"
          "Exit status:\n"
          "  0        every rank exited with 0 (after MPI_Finalize, if it called MPI_Init)\n"
          "  N        the first failing rank exited with N, or called MPI_Abort with N\n"
          "  128+S    the first failing rank was killed by signal S, or mini-mpirun got S\n"
          "  1        a rank exited without calling MPI_Finalize, broke the PMI protocol,\n"
          "           or mini-mpirun itself failed\n"
          "  2        bad command line\n"
          "  124      --timeout expired\n"
          "  125      --hang-timeout found the job hanging\n"
          "  126      PROGRAM could not be executed (e.g. permission denied)\n"
          "  127      PROGRAM was not found\n"
          "\n"
          "See 'mini-mpirun --help-env' for the environment variables, and mini-mpirun(1).\n",
          out);
}
