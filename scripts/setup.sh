#!/usr/bin/env bash
# Installs what building, running and testing Kindred needs on Debian 12 (Chromium included, for
# the browser tests of the web pages), and the e2e tests' npm packages. Idempotent: when
# everything is present it touches no network and finishes in well under a second.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev librocksdb-dev libsodium-dev libcli11-dev
  libfmt-dev libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 libpq-dev
  redis-server libhiredis-dev
  patroni python3-etcd python3-psycopg2 etcd-server etcd-client haproxy
  wrk
  libvips-dev libimage-exiftool-perl libpcre2-dev
  libhowardhinnant-date-dev tzdata
  libicu-dev libdeflate-dev
  libxapian-dev
  libzip-dev
  libjemalloc-dev
  toot
  chromium fonts-noto-color-emoji
)
# Node.js may come from elsewhere (the machine image ships Node 20); never replace it.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  say "error: node is on PATH ($(command -v node)) but npm is not; install the npm that" \
      "belongs to that Node.js (Debian's npm package would replace it)" >&2
  exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || { say "error: not root and no sudo; cannot install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "all ${#packages[@]} Debian packages present"
fi

# The e2e tests' npm packages, exactly as package-lock.json pins them. The browser tests drive
# Debian's chromium (above) with playwright-core, which must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci (node $(node --version), npm $(npm --version))"
  npm ci --no-audit --no-fund
else
  say "node_modules up to date with package-lock.json"
fi
