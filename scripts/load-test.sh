#!/bin/sh
# Load test of `nianbao serve` on loopback, bounded in time: upload-and-check of a ~10 KB
# report, and corpus pages, charts and the API over a large store. Prints wrk's latency
# distribution (p50 … p99) and requests/s for each. Needs wrk (apt-get install wrk).
#
#   sh scripts/load-test.sh DB REPORT_FILE [SECONDS]
#
# DB: a store with the corpus (e.g. 100,000 reports: `nianbao generate --count 100000
# --places all -o DIR && nianbao import DIR --db DB`). REPORT_FILE: the file to upload.
set -eu
DB="$1"; FILE="$2"; SECS="${3:-15}"
BIN="${NIANBAO_BIN:-target/release/nianbao}"
PORT=18181
"$BIN" serve --db "$DB" --addr 127.0.0.1:$PORT --read-only > /tmp/nianbao-load-serve.log 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fs http://127.0.0.1:$PORT/api/v1/summary >/dev/null && break; sleep 0.2; done
echo "store: $(curl -fs http://127.0.0.1:$PORT/api/v1/summary | head -c 120)…"
echo "upload: $FILE ($(wc -c < "$FILE") bytes)"
run() {
  echo "== $1"
  shift
  wrk -t2 -c8 -d"${SECS}s" --latency "$@" | grep -E "^\s+(50|90|99)%|Requests/sec|Non-2xx|Socket errors"
}
NIANBAO_LOAD_FILE="$FILE" run "POST /api/v1/check (upload and check)" -s scripts/wrk-post.lua "http://127.0.0.1:$PORT/api/v1/check"
run "GET /reports?page=100 (corpus page, HTML)" "http://127.0.0.1:$PORT/reports?page=100"
run "GET /api/v1/reports filtered (province, status, sort by errors)" "http://127.0.0.1:$PORT/api/v1/reports?region=33&status=errors&sort=-errors&page=3"
run "GET /api/v1/reports?q= (free text, two characters)" "http://127.0.0.1:$PORT/api/v1/reports?q=%E5%AE%A1%E8%AE%A1"
run "GET /api/v1/charts/requests (dashboard data, whole corpus)" "http://127.0.0.1:$PORT/api/v1/charts/requests"
run "GET /api/v1/charts/ranking (agency ranking, whole corpus)" "http://127.0.0.1:$PORT/api/v1/charts/ranking?metric=granted_share"
