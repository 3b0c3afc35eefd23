#!/usr/bin/env bash
# Installs what the test suite needs on a fresh CI machine (idempotent, quiet when already there).
#
# PostgreSQL: the Hangfire.PostgreSql tests need a local server. This installs the Debian package, starts its
# cluster, creates the role "jasmine" and the database "jasmine_jobs", and writes the connection string to
# /tmp/jasmine-ci/postgres.conn (mode 0600) for the tests to read. The password is generated once and kept in that
# file; it is never echoed nor passed on a command line (psql reads the SQL on stdin).
set -euo pipefail

# The staff console's browser tests drive Debian's Chromium (Playwright never downloads a browser here).
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

conn_dir=/tmp/jasmine-ci
conn_file=$conn_dir/postgres.conn

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi; }

# The doctor's note PDF embeds Noto fonts for every script she may write in (Latin, Cyrillic, Arabic, Chinese), and
# its tests read the PDF back with poppler (pdftotext, pdftoppm).
if [ ! -f /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] || [ ! -f /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ] \
  || ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.tt* >/dev/null 2>&1 || [ ! -x /usr/bin/pdftotext ] || [ ! -x /usr/bin/pdftoppm ]; then
  echo "ci-prereqs: installing fonts-noto-core fonts-noto-cjk poppler-utils"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fonts-noto-cjk poppler-utils >/dev/null
fi


if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "ci-prereqs: installing postgresql"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# The package creates a cluster "main"; images built without it (or with it removed) get one here.
if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  as_root pg_createcluster --start "$version" main >/dev/null
fi
read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
if [ "$status" != "online" ]; then
  # Containers have no systemd: pg_ctlcluster starts the server directly.
  as_root pg_ctlcluster "$version" "$cluster" start
fi

mkdir -p "$conn_dir"
chmod 700 "$conn_dir"
password=""
if [ -f "$conn_file" ]; then password=$(sed -n 's/.*Password=\([^;]*\).*/\1/p' "$conn_file"); fi
if [ -z "$password" ]; then password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9'); fi

as_postgres psql -q -X -v ON_ERROR_STOP=1 -p "$port" -d postgres >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jasmine') THEN
    CREATE ROLE jasmine LOGIN PASSWORD '$password';
  ELSE
    ALTER ROLE jasmine WITH LOGIN PASSWORD '$password';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE jasmine_jobs OWNER jasmine' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'jasmine_jobs')\gexec
SQL

(umask 077; printf 'Host=127.0.0.1;Port=%s;Database=jasmine_jobs;Username=jasmine;Password=%s\n' "$port" "$password" > "$conn_file")
