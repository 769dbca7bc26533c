#!/usr/bin/env bash
# Install the system tools the test suite uses: PostgreSQL, Redis, MariaDB and the
# Message DB npm package. Idempotent: installs only what is missing. Run as root (CI does).
# The tests start their own throwaway servers; Debian's default cluster/service is not used.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian keeps pg_ctl/initdb off PATH, under /usr/lib/postgresql/<major>/bin.
missing=()
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
# MariaDB: the e2e tier's server for mysql databases (mariadbd is in /usr/sbin, off some PATHs).
{ command -v mariadbd || [[ -x /usr/sbin/mariadbd ]]; } >/dev/null || missing+=(mariadb-server)
# tmux: the real-terminal check of the wizard (tests/ui) drives it with send-keys.
command -v tmux >/dev/null || missing+=(tmux)
# zsh and fish: protean-init's completion scripts are run in each shell (tests/ui).
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
# pg_config and headers: protean[message-db] builds psycopg2 from source.
command -v pg_config >/dev/null || missing+=(libpq-dev)
command -v gcc >/dev/null || missing+=(gcc)
if ((${#missing[@]})); then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# Message DB's SQL and install.sh; tests/e2e looks here unless MESSAGE_DB_HOME is set.
if [[ ! -f .cache/message-db/node_modules/@eventide/message-db/database/install.sh ]]; then
  command -v npm >/dev/null || { echo "npm is required (Node.js) to fetch @eventide/message-db" >&2; exit 1; }
  npm install --prefix .cache/message-db --no-audit --no-fund @eventide/message-db
fi
