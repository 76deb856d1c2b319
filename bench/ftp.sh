#!/usr/bin/env bash
# FTP: l7 vs Debian's vsftpd, same client (curl) and same files, on loopback.
# Scenarios: RETR of a SIZE_MB file (sendfile on both), STOR of the same file (l7 twice: with
# sync_uploads = true, its default, which fdatasyncs before 226, and false, like vsftpd);
# LOGINS anonymous sessions (bench/ftp_sessions.py) that log in and quit, all at once, one
# after another and 30 at a time; and LOGINS sessions that also download 64 KiB over a passive
# connection, one after another (the passive ports of many short sessions) and 30 at a time.
# All three servers run side by side; each scenario runs ROUNDS times with the servers
# alternating. Prints medians, ours/theirs (for times: theirs/ours, so > 1 means l7 wins), and
# each server's CPU time per operation (all its processes, from /proc).
# vsftpd must run as root (it chroots anonymous sessions).
# Env: SIZE_MB (1024), ROUNDS (5), LOGINS (300). Usage: bench/ftp.sh path/to/l7
set -euo pipefail
l7=$(realpath "${1:?usage: bench/ftp.sh path/to/l7}")
size_mb=${SIZE_MB:-1024}
rounds=${ROUNDS:-5}
logins=${LOGINS:-300}
here=$(cd "$(dirname "$0")" && pwd)
vsftpd=$(command -v vsftpd || echo /usr/sbin/vsftpd)
[[ -x $vsftpd ]] || { echo "vsftpd is missing (scripts/deps.sh)" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "bench/ftp.sh: vsftpd needs root" >&2; exit 1; }
ulimit -n $((logins * 4 + 1000))
. "$here/lib.sh"

# The same file for both servers: l7 serves <data>/public, vsftpd's anonymous root is vs/.
mkdir -p "$work/data/public" "$work/vs/up" "$work/empty" "$work/src"
head -c $((size_mb * 1024 * 1024)) /dev/urandom > "$work/src/big.bin"
ln "$work/src/big.bin" "$work/data/public/big.bin"
ln "$work/src/big.bin" "$work/vs/big.bin"
chown ftp "$work/vs/up"
chmod 555 "$work/vs"

start_l7() {  # start_l7 SYNC -> l7_port
  l7_port=$(free_port)
  cat > "$work/l7.toml" <<TOML
data_dir = "$work/data"
workers = 0
[log]
level = "warn"
access_log = false
[services.ftp]
port = $l7_port
address = ["127.0.0.1"]
max_connections = 0
[ftp]
anonymous = true
max_per_ip = 0
sync_uploads = $1
TOML
  "$l7" serve --config "$work/l7.toml" > "$work/l7.out" 2> "$work/l7.err" &
  l7_pid=$!
  pids+=($l7_pid)
  "$l7" user add bench --data "$work/data" --password bench >/dev/null 2>&1 || true
  for _ in $(seq 100); do curl -s "ftp://127.0.0.1:$l7_port/" >/dev/null && return; sleep 0.1; done
  echo "l7 did not start" >&2; cat "$work/l7.err" >&2; exit 1
}
start_vsftpd() {
  vs_port=$(free_port)
  cat > "$work/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$vs_port
background=NO
anonymous_enable=YES
anon_root=$work/vs
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_other_write_enable=YES
anon_umask=022
pasv_enable=YES
seccomp_sandbox=NO
secure_chroot_dir=$work/empty
xferlog_enable=NO
max_clients=0
max_per_ip=0
connect_from_port_20=NO
CONF
  "$vsftpd" "$work/vsftpd.conf" > "$work/vsftpd.out" 2>&1 &
  vs_pid=$!
  pids+=($vs_pid)
  for _ in $(seq 100); do curl -s "ftp://127.0.0.1:$vs_port/" >/dev/null && return; sleep 0.1; done
  echo "vsftpd did not start" >&2; cat "$work/vsftpd.out" >&2; exit 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mibs() { awk -v s="$1" -v m="$size_mb" 'BEGIN {printf "%.0f", m / s}'; }

declare -A t c
start_l7 true
sync_port=$l7_port
sync_pid=$l7_pid
start_l7 false
start_vsftpd
head -c 65536 /dev/urandom > "$work/src/small.bin"
ln "$work/src/small.bin" "$work/data/public/small.bin"
ln "$work/src/small.bin" "$work/vs/small.bin"

# run KEY PID CMD...: CMD prints seconds (first field) and, for sessions, how many succeeded
# (second field); records the seconds in t[KEY] and the server's CPU ticks in c[KEY].
run() {
  local key=$1 pid=$2 before after out
  shift 2
  before=$(cpu_ticks "$pid")
  out=$("$@")
  after=$(cpu_ticks "$pid")
  t[$key]+="${out%% *} "
  c[$key]+="$((after - before)) "
  if [[ $out == *" "* && ${out##* } != "$logins" ]]; then
    echo "$key: only ${out##* } of $logins sessions done within 30 s" >&2
  fi
}
sessions() {  # PORT MODE [--retr NAME]: LOGINS anonymous sessions
  local port=$1 mode=$2
  shift 2
  python3 "$here/ftp_sessions.py" "$port" "$logins" "$mode" anonymous x "$@"
}
for ((r = 0; r < rounds; r++)); do  # the servers alternate within each round
  run l7_retr "$l7_pid" seconds curl -s -o /dev/null "ftp://127.0.0.1:$l7_port/big.bin"
  run vs_retr "$vs_pid" seconds curl -s -o /dev/null "ftp://127.0.0.1:$vs_port/big.bin"
done
for ((r = 0; r < rounds; r++)); do
  run l7_stor "$l7_pid" seconds curl -s -T "$work/src/big.bin" "ftp://bench:bench@127.0.0.1:$l7_port/up.bin"
  rm -f "$work/data/home/bench/up.bin"
  run vs_stor "$vs_pid" seconds curl -s -T "$work/src/big.bin" "ftp://127.0.0.1:$vs_port/up/up.bin"
  rm -f "$work/vs/up/up.bin"
  run l7_stor_sync "$sync_pid" seconds curl -s -T "$work/src/big.bin" "ftp://bench:bench@127.0.0.1:$sync_port/up.bin"
  rm -f "$work/data/home/bench/up.bin"
done
for ((r = 0; r < rounds; r++)); do
  for mode in burst sequential 30; do
    run "l7_login_$mode" "$l7_pid" sessions "$l7_port" "$mode"
    run "vs_login_$mode" "$vs_pid" sessions "$vs_port" "$mode"
  done
  for mode in sequential 30; do
    run "l7_get_$mode" "$l7_pid" sessions "$l7_port" "$mode" --retr small.bin
    run "vs_get_$mode" "$vs_pid" sessions "$vs_port" "$mode" --retr small.bin
  done
done
m() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }
mc() { tr ' ' '\n' <<<"${c[$1]}" | grep . | median; }
ratio() { awk -v a="$(m "$1")" -v b="$(m "$2")" 'BEGIN {printf "%.2f", b / a}'; }
# cpu KEY OPS: median server CPU per operation, microseconds
cpu() { us_per "$2" "$(mc "$1")"; }
cpu_ratio() { awk -v a="$(mc "$1")" -v b="$(mc "$2")" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
echo "FTP, l7 (2 workers) vs vsftpd, median of $rounds rounds; ratio: for rates ours/theirs, for times theirs/ours (> 1: l7 ahead);"
echo "CPU: the server's CPU time (all its processes) per operation, and ours/theirs (< 1: l7 cheaper)"
printf '| %-52s | %10s | %10s | %6s | %12s | %12s | %7s |\n' scenario l7 vsftpd ratio "l7 CPU" "vsftpd CPU" "CPU l7/vs"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ------------------------------------------------------ ------------ ------------ -------- \
  -------------- -------------- ---------
row() {  # LABEL OURS THEIRS UNIT OPS UNIT_CPU
  local label=$1 o=$2 v=$3 unit=$4 ops=$5
  local ov tv
  if [[ $unit == MiB/s ]]; then
    ov="$(mibs "$(m "$o")") MiB/s"
    tv="$(mibs "$(m "$v")") MiB/s"
  else
    ov="$(m "$o") s"
    tv="$(m "$v") s"
  fi
  printf '| %-52s | %10s | %10s | %6s | %9s µs | %9s µs | %7s |\n' "$label" "$ov" "$tv" "$(ratio "$o" "$v")" \
    "$(cpu "$o" "$ops")" "$(cpu "$v" "$ops")" "$(cpu_ratio "$o" "$v")"
}
mib_ops=$size_mb  # CPU of transfers per MiB
row "RETR $size_mb MiB (CPU per MiB)" l7_retr vs_retr MiB/s "$mib_ops"
row "STOR $size_mb MiB, sync_uploads=false (CPU per MiB)" l7_stor vs_stor MiB/s "$mib_ops"
row "STOR $size_mb MiB, l7 default fdatasync (CPU per MiB)" l7_stor_sync vs_stor MiB/s "$mib_ops"
row "$logins logins, all at once (CPU per session)" l7_login_burst vs_login_burst s "$logins"
row "$logins logins, one after another" l7_login_sequential vs_login_sequential s "$logins"
row "$logins logins, 30 at a time" l7_login_30 vs_login_30 s "$logins"
row "$logins sessions with a 64 KiB RETR, one after another" l7_get_sequential vs_get_sequential s "$logins"
row "$logins sessions with a 64 KiB RETR, 30 at a time" l7_get_30 vs_get_30 s "$logins"
