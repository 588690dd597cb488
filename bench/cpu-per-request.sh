#!/usr/bin/env bash
# CPU time per request of each bench server: the server process's utime+stime
# (from /proc/<pid>/stat) over a wrk run, divided by the requests it served.
# Less sensitive than req/s to other work on a shared machine, since it counts
# the server's own CPU, not wall time. Loopback only; each run is bounded.
#
#   bash bench/cpu-per-request.sh [trellis fastify raw express]   (needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3998}"
DURATION="${DURATION:-4}"
SERVERS=("${@:-trellis fastify raw express}")
[ $# -eq 0 ] && SERVERS=(trellis fastify raw express)
LUA=$(mktemp)
trap 'rm -f "$LUA"' EXIT
cat > "$LUA" <<'LUA'
wrk.method = "POST"
wrk.body = '{"email":"ada@example.com","password":"correct-horse-battery","full_name":"Ada Lovelace"}'
wrk.headers["Content-Type"] = "application/json"
LUA
ticks=$(getconf CLK_TCK)
target() {
  case $1 in
    post) echo "-s $LUA http://127.0.0.1:$PORT/api/v1/users" ;;
    read) echo "http://127.0.0.1:$PORT/api/v1/users/42" ;;
    health) echo "http://127.0.0.1:$PORT/health" ;;
  esac
}
for s in "${SERVERS[@]}"; do
  PORT=$PORT NODE_ENV=production taskset -c 0 node --import tsx "bench/servers/$s.ts" >/dev/null 2>&1 &
  launcher=$!
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
  pid=$(pgrep -f "bench/servers/$s.ts" | tail -1)
  line="| $s"
  for ep in health post read; do
    # shellcheck disable=SC2046
    taskset -c 1 wrk -t1 -c50 -d2s $(target $ep) >/dev/null
    t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
    # shellcheck disable=SC2046
    n=$(taskset -c 1 wrk -t1 -c50 -d"${DURATION}"s $(target $ep) | awk '/requests in/ {print $1}')
    t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
    line="$line | $(awk -v a="$t0" -v b="$t1" -v n="$n" -v hz="$ticks" 'BEGIN { printf "%.1f", (b - a) / hz * 1e6 / n }')"
  done
  echo "$line |"
  kill "$launcher" 2>/dev/null || true
  wait "$launcher" 2>/dev/null || true
done
