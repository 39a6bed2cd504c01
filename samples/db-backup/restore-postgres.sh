#!/usr/bin/env bash
# samples/db-backup/restore-postgres.sh — the db-backup job's Postgres restore step, with pgreown.
#
# Replaces the job's `pg_restore -f - | psql`, rename-swap and ALTER DATABASE … OWNER function:
# pgreown verifies the archive to its end, loads it owned by the owner role into DB-restore,
# checks it, runs the transforms there, swaps it in and sets the owner, and pushes the metrics.
# Source it and call restore_postgres, or run it. What the job sets:
#   DB_HOST DB_USER DB_PASSWORD DB_DATABASE [DB_OWNER]   (DB_OWNER unset: derived from DB_DATABASE)
#   BACKUP_LOCATION   s3://bucket/prefix (read with s5cmd), or a local directory
#   FILENAME          the object to restore; else the <host>/latest-<db>.txt pointer; else the
#                     newest <host>/<YYYY-MM-DDTHHMMSSZ>-<db>.gz listed
#   GOVUK_ENVIRONMENT, REALLY_RESTORE_ONTO_PRODUCTION   the production guard, as before
#   TRANSFORMS        SQL files (space-separated) run in the restored database before the swap
#   PROMETHEUS_PUSHGATEWAY_URL   where the job's metrics go
#   PGREOWN_JOBS      connections (default 2: data in stream order, indexes beside it)
set -euo pipefail

_backup_cat() {
    case $1 in
        s3://*) s5cmd cat -c 1 "$1" ;;
        *) cat -- "$1" ;;
    esac
}

_backup_list() {
    case $BACKUP_LOCATION in
        s3://*) s5cmd ls "$BACKUP_LOCATION/$DB_HOST/*" | awk '{ print $NF }' ;;
        *) ls -1 -- "$BACKUP_LOCATION/$DB_HOST/" ;;
    esac
}

restore_postgres() {
    : "${BACKUP_LOCATION:?set BACKUP_LOCATION}" "${DB_HOST:?set DB_HOST}" "${DB_DATABASE:?set DB_DATABASE}"
    if [[ ${GOVUK_ENVIRONMENT:-} == production && ${REALLY_RESTORE_ONTO_PRODUCTION:-} != true ]]; then
        echo "restore-postgres: refusing to restore onto production ($DB_HOST/$DB_DATABASE); set REALLY_RESTORE_ONTO_PRODUCTION=true" >&2
        return 1
    fi
    local object pointer
    if [[ -n ${FILENAME:-} ]]; then
        object=$FILENAME
    elif pointer=$(_backup_cat "$BACKUP_LOCATION/$DB_HOST/latest-$DB_DATABASE.txt" 2>/dev/null) && [[ -n $pointer ]]; then
        object=${pointer##*/}
    else
        object=$(_backup_list | grep -E -- "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z-$DB_DATABASE\.gz$" | sort | tail -n 1 || true)
    fi
    if [[ -z $object ]]; then
        echo "restore-postgres: no backup of $DB_DATABASE under $BACKUP_LOCATION/$DB_HOST" >&2
        return 1
    fi
    local args=(--jobs "${PGREOWN_JOBS:-2}") t
    for t in ${TRANSFORMS:-}; do args+=(--transform "$t"); done
    echo "restore-postgres: restoring $BACKUP_LOCATION/$DB_HOST/$object into $DB_DATABASE" >&2
    _backup_cat "$BACKUP_LOCATION/$DB_HOST/$object" | "${PGREOWN:-pgreown}" restore - "${args[@]}"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    restore_postgres "$@"
fi
