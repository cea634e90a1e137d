#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine: system packages (RabbitMQ, Chromium) and the Python venv.
# Usage: scripts/bootstrap.sh        (run from anywhere; installs into <repo>/.venv)
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need_apt+=(rabbitmq-server)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Paquets système manquants : ${need_apt[*]} — lancez en root : apt-get install ${need_apt[*]}" >&2
    exit 2
  fi
  echo "== apt-get install ${need_apt[*]}"
  # Another apt (unattended upgrades, a parallel set-up) may hold the locks: wait for it, bounded.
  lock_wait=(-o DPkg::Lock::Timeout=600)
  apt-get "${lock_wait[@]}" update -q
  DEBIAN_FRONTEND=noninteractive apt-get "${lock_wait[@]}" install -y -q "${need_apt[@]}"
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e . --group dev
echo "== hubbench installé dans .venv ($(.venv/bin/hubbench --help >/dev/null && echo ok))"
