# Shared by the bench scripts (sourced): a scratch directory readable by nginx's workers,
# processes stopped and the directory removed on exit, a free loopback port, nginx's path.
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as www-data when started by root
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
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
