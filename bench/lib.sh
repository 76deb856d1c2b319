# Shared by the bench scripts (sourced): a scratch directory readable by nginx's workers,
# processes stopped and the directory removed on exit, a free loopback port, nginx's path.
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as www-data when started by root
pids=()
cgroups=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for g in "${cgroups[@]}"; do rmdir "$g" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
# cpu_ticks PID: user + system clock ticks of the process, its live descendants (nginx's
# workers, NSD's servers) and its children already reaped (vsftpd's sessions); /proc/PID/stat
# fields 14-17, counted after the ")". A child that exits in between moves from the second
# count to the third, so differences stay right.
cpu_ticks() {
  local p total
  total=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }')
  for p in $(pgrep -P "$1" || true); do total=$((${total:-0} + $(cpu_ticks "$p"))); done
  echo "${total:-0}"
}
# start_ws_node: the npm `ws` echo server (bench/node/ws_echo_server.js) on a kernel-picked
# loopback port -> srv_pid, srv_port
start_ws_node() {
  node "$(dirname "${BASH_SOURCE[0]}")/node/ws_echo_server.js" --port 0 > "$work/node.out" 2> "$work/node.err" &
  srv_pid=$!
  pids+=($srv_pid)
  for _ in $(seq 100); do grep -q '^listening' "$work/node.out" 2>/dev/null && break; sleep 0.1; done
  srv_port=$(awk '/^listening/ {print $2}' "$work/node.out")
}
# cpu_group PID: moves PID (before it forks) into a cpuacct cgroup of its own and prints the
# group's directory, or nothing where the machine has no writable cgroup v1 cpuacct. For servers
# whose children /proc cannot count: tftpd-hpa ignores SIGCHLD, so the kernel reaps its
# per-transfer children and their time reaches no parent's cutime.
cpu_group() {
  local g=/sys/fs/cgroup/cpuacct/l7bench-$$-$1
  mkdir "$g" 2>/dev/null && echo "$1" > "$g/cgroup.procs" 2>/dev/null || { rmdir "$g" 2>/dev/null; return 0; }
  echo "$g"
}
# group_cpu_ticks DIR: the group's CPU time (cpuacct.usage, ns) in clock ticks
group_cpu_ticks() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", $1 / 1e9 * hz }' "$1/cpuacct.usage"; }
# us_per OPS TICKS: microseconds of CPU per operation
us_per() { awk -v t="$2" -v n="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (n > 0 ? t / hz * 1e6 / n : 0) }'; }
# l7_config WORKERS PORT: an l7.toml for benchmarks (data under $work/data, logs quiet,
# access log off, HTTP on 127.0.0.1:PORT without a connection cap). Callers may append tables.
l7_config() {
  cat <<TOML
data_dir = "$work/data"
workers = $1
[log]
level = "warn"
access_log = false
[services.http]
port = $2
address = ["127.0.0.1"]
max_connections = 0
TOML
}
