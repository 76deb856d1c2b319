#!/usr/bin/env bash
# WebSocket: l7's /ws/echo vs the npm `ws` echo server (bench/node/ws_echo_server.js), both
# driven by the same load generator, ws_load (bench/ws_load.cpp, built beside l7 by
# `make bench`). Node is single-threaded, so l7 runs twice: with one worker (the per-core
# comparison) and with two. permessage-deflate is off on every server.
# Scenarios: echo round-trips with 32-byte binary messages on 1, 100 and 1000 connections;
# bulk echo of 64 KiB binary messages (WINDOW in flight per connection) on 1 and 100
# connections; then memory per idle connection (IDLE connections, one worker).
# Each load scenario runs ROUNDS times, the servers alternating; the tables show medians,
# the ratios ours/theirs and each server's CPU time per message (steadier than the rate here,
# where ws_load shares the cores with the servers).
# Env: DURATION (4, seconds counted), WARMUP (1), ROUNDS (3), WINDOW (8), IDLE (1000),
# LOAD_THREADS (1, ws_load event loops), WS_LOAD (default: ws_load beside l7), RUNS_LOG (a
# file to append every ws_load result line to).
# Usage: bench/websocket.sh path/to/l7
set -euo pipefail
shopt -s inherit_errexit  # a failing ws_load inside $(...) stops the script
l7=$(realpath "${1:?usage: bench/websocket.sh path/to/l7}")
ws_load=${WS_LOAD:-$(dirname "$l7")/ws_load}
duration=${DURATION:-4}
warmup=${WARMUP:-1}
rounds=${ROUNDS:-3}
window=${WINDOW:-8}
idle=${IDLE:-1000}
load_threads=${LOAD_THREADS:-1}
here=$(cd "$(dirname "$0")" && pwd)
node_dir="$here/../tests/interop/websocket/node"
[[ -x $ws_load ]] || { echo "ws_load is missing next to $l7 (cmake --build ... --target ws_load)" >&2; exit 1; }
command -v node >/dev/null || { echo "node is missing: install nodejs and npm" >&2; exit 1; }
if [[ ! -d $node_dir/node_modules/ws ]]; then
  # The same install as the interop tests': their package.json and lock file pin ws 8.
  npm ci --prefix "$node_dir" --no-audit --no-fund >&2
fi
ulimit -n $((idle * 2 + 1000))
. "$here/lib.sh"

# start_l7 WORKERS -> sets srv_pid and srv_port
start_l7() {
  srv_port=$(free_port)
  l7_config "$1" "$srv_port" > "$work/l7-$1.toml"
  cat >> "$work/l7-$1.toml" <<TOML
[websocket]
deflate = false
TOML
  "$l7" serve --only http --config "$work/l7-$1.toml" > "$work/l7-$1.out" 2> "$work/l7-$1.err" &
  srv_pid=$!
  pids+=($srv_pid)
  wait_ready "$srv_port"
}
start_node() {
  start_ws_node
  wait_ready "$srv_port"
}
wait_ready() {  # one echo round-trip must work before any load
  for _ in $(seq 100); do
    "$ws_load" --mode echo --duration 0.1 --warmup 0 "ws://127.0.0.1:$1/ws/echo" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "no WebSocket echo on port $1" >&2
  exit 1
}
stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
field() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}'; }

# load LABEL PID PORT ARGS... -> "RATE CPU_US_PER_MESSAGE"; RATE is round-trips/s or MiB/s.
load() {
  local label=$1 pid=$2 port=$3 line rate messages cpu
  shift 3
  line=$("$ws_load" "$@" --duration "$duration" --warmup "$warmup" --threads "$load_threads" \
         --server-pid "$pid" "ws://127.0.0.1:$port/ws/echo")
  [[ -z ${RUNS_LOG:-} ]] || echo "$label $line" >> "$RUNS_LOG"
  if [[ $1 == --mode && $2 == bulk ]]; then rate=$(field mib_s <<< "$line")
  else rate=$(field rate <<< "$line"); fi
  messages=$(field roundtrips <<< "$line")
  [[ -n $messages ]] || messages=$(field messages <<< "$line")
  cpu=$(field server_cpu_s <<< "$line")
  echo "$rate $(awk -v c="$cpu" -v m="$messages" 'BEGIN {printf "%.2f", (m > 0) ? c * 1e6 / m : 0}')"
}

start_l7 1; l7a_pid=$srv_pid; l7a_port=$srv_port
start_l7 2; l7b_pid=$srv_pid; l7b_port=$srv_port
start_node; node_pid=$srv_pid; node_port=$srv_port
node_version=$(node --version)
ws_version=$(node -p "require('$node_dir/node_modules/ws/package.json').version")

echo "WebSocket echo: l7 (1 and 2 workers) vs npm ws $ws_version on node $node_version (1 thread),"
echo "ws_load --threads $load_threads, ${duration}s counted after ${warmup}s warm-up, median of $rounds rounds"
printf '| %-24s | %9s | %9s | %9s | %8s | %8s | %7s | %7s | %7s |\n' scenario "l7 w=1" "l7 w=2" "ws" \
  "w1/ws" "w2/ws" "us l7w1" "us l7w2" "us ws"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "--------------------------" "-----------" "-----------" \
  "-----------" "----------" "----------" "---------" "---------" "---------"
scenarios=(
  "echo 32 B, 1 conn (rt/s):--mode echo --size 32 --connections 1"
  "echo 32 B, 100 (rt/s):--mode echo --size 32 --connections 100"
  "echo 32 B, 1000 (rt/s):--mode echo --size 32 --connections 1000"
  "bulk 64 KiB, 1 (MiB/s):--mode bulk --size 65536 --window $window --connections 1"
  "bulk 64 KiB, 100 (MiB/s):--mode bulk --size 65536 --window $window --connections 100"
)
for scenario in "${scenarios[@]}"; do
  name=${scenario%%:*}
  read -r -a args <<< "${scenario#*:}"
  a=(); b=(); n=(); ca=(); cb=(); cn=()
  for _ in $(seq "$rounds"); do
    res=$(load l7-w1 "$l7a_pid" "$l7a_port" "${args[@]}"); a+=("${res% *}"); ca+=("${res#* }")
    res=$(load l7-w2 "$l7b_pid" "$l7b_port" "${args[@]}"); b+=("${res% *}"); cb+=("${res#* }")
    res=$(load ws "$node_pid" "$node_port" "${args[@]}"); n+=("${res% *}"); cn+=("${res#* }")
  done
  ma=$(printf '%s\n' "${a[@]}" | median); mb=$(printf '%s\n' "${b[@]}" | median)
  mn=$(printf '%s\n' "${n[@]}" | median)
  printf '| %-24s | %9.0f | %9.0f | %9.0f | %8s | %8s | %7.1f | %7.1f | %7.1f |\n' "$name" \
    "$ma" "$mb" "$mn" "$(ratio "$ma" "$mn")" "$(ratio "$mb" "$mn")" \
    "$(printf '%s\n' "${ca[@]}" | median)" "$(printf '%s\n' "${cb[@]}" | median)" \
    "$(printf '%s\n' "${cn[@]}" | median)"
done
echo "(us: server CPU time, user + system, per message echoed; w1/ws is the per-core ratio)"
stop_server "$l7a_pid"; stop_server "$l7b_pid"; stop_server "$node_pid"

# Memory per idle connection: a fresh server, 10 connections opened and closed first (lazy
# allocations), then RSS before and while ws_load holds IDLE connections open.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
mkfifo "$work/hold"
per_connection() {  # PID PORT -> bytes per idle connection
  local before after client
  "$ws_load" --mode idle --connections 10 "ws://127.0.0.1:$2/ws/echo" < /dev/null > /dev/null
  sleep 0.5
  before=$(rss_kib "$1")
  rm -f "$work/idle.out"  # the last round's "ready" must not count
  "$ws_load" --mode idle --connections "$idle" "ws://127.0.0.1:$2/ws/echo" > "$work/idle.out" < "$work/hold" &
  client=$!
  exec 3> "$work/hold"
  for _ in $(seq 200); do grep -q '^ready' "$work/idle.out" 2>/dev/null && break; sleep 0.1; done
  grep -q '^ready' "$work/idle.out" || { echo "ws_load idle did not get ready" >&2; exit 1; }
  sleep 1
  after=$(rss_kib "$1")
  exec 3>&-
  wait "$client"
  echo $(((after - before) * 1024 / idle))
}
ours=(); theirs=()
for _ in $(seq "$rounds"); do
  start_l7 1; v=$(per_connection "$srv_pid" "$srv_port"); ours+=("$v"); stop_server "$srv_pid"
  start_node; v=$(per_connection "$srv_pid" "$srv_port"); theirs+=("$v"); stop_server "$srv_pid"
done
o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
echo "Idle WebSocket connections ($idle, after the handshake; l7 one worker): RSS growth per connection, median of $rounds"
printf '| %-10s | %-10s | %8s |\n' "l7 bytes" "ws bytes" "l7/ws"
printf '|%s|%s|%s|\n' "------------" "------------" "----------"
printf '| %10.0f | %10.0f | %8s |\n' "$o" "$t" "$(ratio "$o" "$t")"
