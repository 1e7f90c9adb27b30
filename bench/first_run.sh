#!/usr/bin/env bash
# Times what a newcomer waits for: a fresh clone's `make run` until the server first answers, and
# (with TEST=1) a fresh clone's `make test` to the end. Prints one line per phase to stdout.
#
#   bash bench/first_run.sh [REV]          # REV defaults to HEAD of this checkout
#   TEST=1 bash bench/first_run.sh [REV]   # also time `make test` in a second fresh clone
#
# The clone lives in $WORK (default /tmp/kindred-first-run), with its own empty ccache directory so
# that ccache (when installed) starts cold, as on a new machine. Package installation is part of
# the time when the packages are missing; the line says whether setup installed anything.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
REV=${1:-HEAD}
WORK=${WORK:-/tmp/kindred-first-run}
PORT=${PORT:-18080}
rm -rf "$WORK" && mkdir -p "$WORK"
export CCACHE_DIR=$WORK/ccache

git clone -q "$REPO" "$WORK/run"
git -C "$WORK/run" checkout -q "$(git rev-parse "$REV")"
cd "$WORK/run"
start=$(date +%s.%N)
make run LISTEN=127.0.0.1:$PORT DATA_DIR="$WORK/data" >"$WORK/run.log" 2>&1 &
pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/instance" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "make run exited; see $WORK/run.log" >&2; exit 1; fi
  sleep 0.5
done
end=$(date +%s.%N)
kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
pkill -f "kindred serve --listen 127.0.0.1:$PORT" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
installed=$(grep -c 'installing Debian packages' "$WORK/run.log" || true)
targets=$(grep -cE '^\[[0-9]+/[0-9]+\]' "$WORK/run.log" || true)
printf 'make run (fresh clone %s) to first answer: %.0f s (%s build steps; packages installed: %s)\n' \
  "$(git rev-parse --short HEAD)" "$(echo "$end - $start" | bc)" "$targets" "$([[ $installed -gt 0 ]] && echo yes || echo no)"

if [[ "${TEST:-0}" == 1 ]]; then
  git clone -q "$REPO" "$WORK/test"
  git -C "$WORK/test" checkout -q "$(git rev-parse "$REV")"
  cd "$WORK/test"
  export CCACHE_DIR=$WORK/ccache-test
  start=$(date +%s.%N)
  make test >"$WORK/test.log" 2>&1 || { echo "make test failed; see $WORK/test.log" >&2; exit 1; }
  end=$(date +%s.%N)
  printf 'make test (fresh clone %s): %.0f s\n' "$(git rev-parse --short HEAD)" "$(echo "$end - $start" | bc)"
fi
