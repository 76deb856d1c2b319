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
