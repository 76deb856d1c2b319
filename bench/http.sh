#!/usr/bin/env bash
# HTTP/1.1: l7 vs nginx under wrk, same worker count, same files, access logs off on both.
# Scenarios: a 100-byte file, a 1 MiB file, a fixed in-memory response. Each scenario runs
# ROUNDS times alternating servers; the table shows median requests/s and ours/nginx, and the
# median server CPU time per request (user + system of all the server's processes, /proc),
# which is steadier than requests/s here, where wrk shares the two cores with the servers.
# Env: WORKERS (default 2), CONNECTIONS (64), THREADS (2), DURATION (5s), ROUNDS (3).
set -euo pipefail
l7=${1:?usage: bench/http.sh path/to/l7}
workers=${WORKERS:-2}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
duration=${DURATION:-5s}
rounds=${ROUNDS:-3}
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/deps.sh" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
fixed_body="Hello from the benchmark: a fixed in-memory response."

mkdir -p "$work/data/public"
head -c 100 /dev/urandom > "$work/data/public/small.bin"
head -c $((1 << 20)) /dev/urandom > "$work/data/public/large.bin"

l7_port=$(free_port)
l7_config "$workers" "$l7_port" > "$work/l7.toml"
cat >> "$work/l7.toml" <<TOML
[http]
[[http.responses]]
path = "/fixed"
content_type = "text/plain"
body = "$fixed_body"
TOML
"$l7" serve --config "$work/l7.toml" > "$work/l7.out" 2> "$work/l7.err" &
l7_pid=$!
pids+=($l7_pid)

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  # The same open-file cache l7 has on by default (1000 entries, revalidated every second).
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 1s;
  default_type application/octet-stream;
  client_body_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$nginx_port reuseport;
    root $work/data/public;
    location = /fixed { default_type text/plain; return 200 "$fixed_body"; }
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2> "$work/nginx/stderr" &
nginx_pid=$!
pids+=($nginx_pid)

for port in $l7_port $nginx_port; do
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/fixed" >/dev/null && break; sleep 0.1; done
done
curl -sf "http://127.0.0.1:$l7_port/small.bin" | cmp - "$work/data/public/small.bin"
curl -sf "http://127.0.0.1:$nginx_port/small.bin" | cmp - "$work/data/public/small.bin"

rps() {  # URL PID: "requests/s server-CPU-µs-per-request" for one wrk run
  local out before after
  before=$(cpu_ticks "$2")
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$1")
  after=$(cpu_ticks "$2")
  echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out") $(us_per "$(awk '/requests in/ {print $1}' <<<"$out")" $((after - before)))"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "HTTP/1.1, wrk -t$threads -c$connections -d$duration, $workers workers each, median of $rounds rounds"
printf '| %-22s | %12s | %12s | %8s | %10s | %10s | %10s |\n' scenario "l7 req/s" "nginx req/s" "l7/nginx" \
  "l7 µs/req" "nginx µs" "CPU l7/ng"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "------------------------" "--------------" "--------------" "----------" \
  "------------" "------------" "------------"
for scenario in "100-byte file:/small.bin" "1 MiB file:/large.bin" "fixed response:/fixed"; do
  name=${scenario%%:*}
  path=${scenario#*:}
  ours=(); theirs=()
  for _ in $(seq "$rounds"); do
    ours+=("$(rps "http://127.0.0.1:$l7_port$path" "$l7_pid")")
    theirs+=("$(rps "http://127.0.0.1:$nginx_port$path" "$nginx_pid")")
  done
  o=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f1 | median)
  t=$(printf '%s\n' "${theirs[@]}" | cut -d' ' -f1 | median)
  oc=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f2 | median)
  tc=$(printf '%s\n' "${theirs[@]}" | cut -d' ' -f2 | median)
  printf '| %-22s | %12.0f | %12.0f | %8.2f | %10.2f | %10.2f | %10.2f |\n' "$name" "$o" "$t" \
    "$(awk -v a="$o" -v b="$t" 'BEGIN {print a / b}')" "$oc" "$tc" "$(awk -v a="$oc" -v b="$tc" 'BEGIN {print a / b}')"
done
