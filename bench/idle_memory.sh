#!/usr/bin/env bash
# Memory per idle connection: l7 vs nginx (HTTP and HTTPS keep-alive) and vs the npm `ws` echo
# server (WebSocket), IDLE (10000) connections each, one worker or process each, a fresh server
# per scenario. idle_load (bench/idle_load.cpp, built beside l7) opens the connections, each
# makes one exchange (a GET of a 100-byte file; a 32-byte echo) and then stays silent; the
# server's RSS growth (all its processes) over a warmed-up start, divided by IDLE, is the cost
# of one idle connection. Meanwhile one more connection makes 200 sequential exchanges; its
# latency with the idle connections open ("during") against before them shows the server
# still answers promptly.
# Env: IDLE (10000). Usage: bench/idle_memory.sh path/to/l7
set -euo pipefail
shopt -s inherit_errexit
l7=$(realpath "${1:?usage: bench/idle_memory.sh path/to/l7}")
idle_load=${IDLE_LOAD:-$(dirname "$l7")/idle_load}
idle=${IDLE:-10000}
here=$(cd "$(dirname "$0")" && pwd)
node_dir="$here/../tests/interop/websocket/node"
[[ -x $idle_load ]] || { echo "idle_load is missing next to $l7 (cmake --build ... --target idle_load)" >&2; exit 1; }
# Each process (server or idle_load) holds about IDLE descriptors.
want=$((idle + 1000)) hard=$(ulimit -Hn)
[[ $hard == unlimited || $hard -ge $want ]] || { echo "open-file limit $hard is below $want: lower IDLE" >&2; exit 1; }
ulimit -n "$want"
. "$here/lib.sh"

mkdir -p "$work/data/public" "$work/tls"
head -c 100 /dev/urandom > "$work/data/public/small.bin"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2>/dev/null
chmod 644 "$work/tls/key.pem"

rss_kib() {  # the process and its children
  local all=$1 kids
  kids=$(pgrep -d, -P "$1" || true)
  [[ -n $kids ]] && all="$all,$kids"
  ps -o rss= -p "$all" | awk '{s += $1} END {print s}'
}

start_l7() {  # -> srv_pid, srv_port (http), tls_port (https)
  srv_port=$(free_port)
  tls_port=$(free_port)
  l7_config 1 "$srv_port" > "$work/l7.toml"
  cat >> "$work/l7.toml" <<TOML
[services.https]
port = $tls_port
address = ["127.0.0.1"]
max_connections = 0
tls = true
[tls]
cert = "$work/tls/cert.pem"
key = "$work/tls/key.pem"
[websocket]
deflate = false
TOML
  "$l7" serve --only http,https --config "$work/l7.toml" > "$work/l7.out" 2> "$work/l7.err" &
  srv_pid=$!
  pids+=($srv_pid)
}
start_nginx() {
  srv_port=$(free_port)
  tls_port=$(free_port)
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile $want;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections $((idle + 200)); }
http {
  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$srv_port;
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $work/tls/cert.pem;
    ssl_certificate_key $work/tls/key.pem;
    root $work/data/public;
  }
}
CONF
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2> "$work/nginx/stderr" &
  srv_pid=$!
  pids+=($srv_pid)
}
start_node() { start_ws_node; }
stop_server() { kill "$srv_pid" 2>/dev/null || true; wait "$srv_pid" 2>/dev/null || true; }

# measure KIND PORT PATH -> "bytes_per_connection probe_before probe_during"
measure() {
  local kind=$1 port=$2 path=$3
  for _ in $(seq 100); do "$idle_load" "$kind" 127.0.0.1 "$port" "$path" 10 < /dev/null > /dev/null 2>&1 && break; sleep 0.1; done
  sleep 0.5
  local before after
  before=$(rss_kib "$srv_pid")
  rm -f "$work/hold" "$work/idle.out"
  mkfifo "$work/hold"
  "$idle_load" "$kind" 127.0.0.1 "$port" "$path" "$idle" < "$work/hold" > "$work/idle.out" &
  local client=$!
  exec 3> "$work/hold"  # holds the connections open until closed
  for _ in $(seq 1200); do grep -q '^probe during\|^failed' "$work/idle.out" 2>/dev/null && break; sleep 0.1; done
  grep -q '^ready' "$work/idle.out" || { echo "idle_load ($kind) did not get ready:" >&2; cat "$work/idle.out" >&2; exit 1; }
  sleep 1
  after=$(rss_kib "$srv_pid")
  exec 3>&-
  wait "$client" || true
  local pb pd
  pb=$(awk '/^probe before/ {print $3 "/" $4}' "$work/idle.out" | sed 's/p50_us=//; s/p99_us=//')
  pd=$(awk '/^probe during/ {print $3 "/" $4}' "$work/idle.out" | sed 's/p50_us=//; s/p99_us=//')
  echo "$(((after - before) * 1024 / idle)) $pb $pd"
}

# scenario SERVER KIND: a fresh server (start_SERVER), its idle cost for KIND, stopped again
declare -A res
scenario() {
  local side=l7 port path=/small.bin
  [[ $1 == l7 ]] || side=peer
  "start_$1"
  port=$srv_port
  [[ $2 == https ]] && port=$tls_port
  [[ $2 == ws ]] && path=/ws/echo
  res[${side}_$2]=$(measure "$2" "$port" "$path")
  stop_server
}
for kind in http https ws; do scenario l7 "$kind"; done
scenario nginx http
scenario nginx https
if [[ -d $node_dir/node_modules/ws ]]; then
  scenario node ws
else
  res[peer_ws]="0 - -"
fi

echo "Idle connections ($idle each, one worker; RSS growth per connection; probe: µs p50/p99 of 200 sequential exchanges on one more connection, before and during)"
printf '| %-9s | %-6s | %8s | %8s | %8s | %-15s | %-15s | %-15s | %-15s |\n' scenario peer "l7 B" "peer B" "l7/peer" \
  "l7 before" "l7 during" "peer before" "peer during"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ----------- -------- ---------- ---------- ---------- \
  ----------------- ----------------- ----------------- -----------------
for kind in http https ws; do
  read -r ours ob od <<<"${res[l7_$kind]}"
  read -r theirs tb td <<<"${res[peer_$kind]}"
  peer=nginx
  [[ $kind == ws ]] && peer=ws
  printf '| %-9s | %-6s | %8d | %8d | %8s | %-15s | %-15s | %-15s | %-15s |\n' "$kind" "$peer" "$ours" "$theirs" \
    "$(awk -v a="$ours" -v b="$theirs" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')" "$ob" "$od" "$tb" "$td"
done
