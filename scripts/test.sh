#!/usr/bin/env bash
# The whole test suite: installs the project (and Debian's PostgreSQL, Redis and Chromium when missing),
# makes sure PostgreSQL and Redis run, lints, tests.
# Every storage test runs on SQLite + in-process Redis AND on PostgreSQL + Redis; an unreachable service fails.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

apt_install() {  # Debian's packages, installed once when a command is missing (as root, like CI)
    if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# the page tests drive Debian's Chromium (Playwright never downloads a browser here)
if ! command -v chromium >/dev/null 2>&1; then
    echo "installing Chromium for the page tests"
    apt_install chromium
fi

# PostgreSQL: the tests connect as user postgres over 127.0.0.1 without a password. A cluster this script
# installs itself gets that (trust on loopback only); an existing cluster is used as it is configured.
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "installing PostgreSQL"
    apt_install postgresql
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)
    rules=$(printf 'host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust\n'; cat "$hba")
    printf '%s\n' "$rules" > "$hba"  # rewritten in place: the file keeps its owner and mode
    if pg_isready -q -h 127.0.0.1 -p 5432; then  # the package may have started it already
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main reload
    fi
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
if ! command -v redis-server >/dev/null 2>&1; then
    echo "installing Redis"
    apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break
    sleep 1
done
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
redis-cli -h 127.0.0.1 ping >/dev/null || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }

python3 -m ruff check .
python3 -m mypy --strict signing schemas catalog fulfillment
python3 -m mypy bpp
lint-imports
python3 -m pytest -q "$@"
