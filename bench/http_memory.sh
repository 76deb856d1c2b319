#!/usr/bin/env bash
# Memory per idle keep-alive HTTP connection: l7 vs nginx, one worker each. Opens IDLE (4000)
# connections that each made one request, and divides the RSS growth (all processes of the
# server) by their number. Usage: bench/http_memory.sh path/to/l7
set -euo pipefail
l7=${1:?usage: bench/http_memory.sh path/to/l7}
idle=${IDLE:-4000}
here=$(cd "$(dirname "$0")" && pwd)
ulimit -n $((idle * 2 + 1000))
. "$here/lib.sh"
rss_kib() {  # the process and its children
  local all=$1 kids
  kids=$(pgrep -d, -P "$1" || true)
  [[ -n $kids ]] && all="$all,$kids"
  ps -o rss= -p "$all" | awk '{s += $1} END {print s}'
}
per_connection() {  # PID PORT -> bytes per idle connection
  python3 "$here/idle_clients.py" "$2" 10 0.5 >/dev/null
  local before after
  before=$(rss_kib "$1")
  python3 "$here/idle_clients.py" "$2" "$idle" 6 > "$work/clients.out" &
  local client=$!
  for _ in $(seq 100); do grep -q open "$work/clients.out" 2>/dev/null && break; sleep 0.1; done
  after=$(rss_kib "$1")
  wait "$client"
  echo $(((after - before) * 1024 / idle))
}

mkdir -p "$work/data/public"
head -c 100 /dev/urandom > "$work/data/public/small.bin"
l7_port=$(free_port)
l7_config 1 "$l7_port" > "$work/l7.toml"
"$l7" serve --config "$work/l7.toml" > "$work/l7.out" 2> "$work/l7.err" &
l7_pid=$!
pids+=($l7_pid)

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile $((idle * 2 + 1000));
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections $((idle + 100)); }
http {
  access_log off;
  keepalive_timeout 75s;
  client_body_temp_path $work/nginx/tmp;
  server { listen 127.0.0.1:$nginx_port; root $work/data/public; }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2> "$work/nginx/stderr" &
nginx_pid=$!
pids+=($nginx_pid)
for port in $l7_port $nginx_port; do
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/small.bin" >/dev/null && break; sleep 0.1; done
done

ours=$(per_connection "$l7_pid" "$l7_port")
theirs=$(per_connection "$nginx_pid" "$nginx_port")
echo "Idle keep-alive connections ($idle, one worker each): memory per connection"
printf '| %-10s | %-10s | %8s |\n' "l7 bytes" "nginx bytes" "l7/nginx"
printf '|%s|%s|%s|\n' "------------" "------------" "----------"
printf '| %10d | %10d | %8.2f |\n' "$ours" "$theirs" "$(awk -v a="$ours" -v b="$theirs" 'BEGIN {print a / b}')"
