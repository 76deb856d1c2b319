#!/usr/bin/env bash
# FTP: l7 vs Debian's vsftpd, same client (curl) and same files, on loopback.
# Scenarios: RETR of a SIZE_MB file (sendfile on both), STOR of the same file (l7 twice: with
# sync_uploads = true, its default, which fdatasyncs before 226, and false, like vsftpd), and
# LOGINS anonymous logins (bench/ftp_logins.py), all at once and then 30 at a time. All three
# servers run side by side; each scenario runs ROUNDS times with the servers alternating.
# Prints medians and ours/theirs (for times: theirs/ours, so > 1 means l7 wins).
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
passive_ports = [32000, 32099]
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
pasv_min_port=32100
pasv_max_port=32199
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

declare -A t
start_l7 true
sync_port=$l7_port
start_l7 false
start_vsftpd
logins_in_waves() {  # PORT: LOGINS logins in waves of 30 at a time; prints the total seconds
  local total=0 n=$((logins / 30)) out
  for ((w = 0; w < n; w++)); do
    out=$(python3 "$here/ftp_logins.py" "$1" 30 anonymous x)
    total=$(awk -v a="$total" -v b="${out% *}" 'BEGIN {print a + b}')
  done
  echo "$total"
}
burst() {  # PORT NAME: LOGINS logins at once; prints seconds, warns about failed ones
  python3 "$here/ftp_logins.py" "$1" "$logins" anonymous x |
    awk -v n="$logins" -v who="$2" '{print $1; if ($2 != n) print who ": only " $2 " of " n " logins done within 30 s" > "/dev/stderr"}'
}
for ((r = 0; r < rounds; r++)); do  # the servers alternate within each round
  t[l7_retr]+="$(seconds curl -s -o /dev/null "ftp://127.0.0.1:$l7_port/big.bin") "
  t[vs_retr]+="$(seconds curl -s -o /dev/null "ftp://127.0.0.1:$vs_port/big.bin") "
done
for ((r = 0; r < rounds; r++)); do
  t[l7_stor]+="$(seconds curl -s -T "$work/src/big.bin" "ftp://bench:bench@127.0.0.1:$l7_port/up.bin") "
  rm -f "$work/data/home/bench/up.bin"
  t[vs_stor]+="$(seconds curl -s -T "$work/src/big.bin" "ftp://127.0.0.1:$vs_port/up/up.bin") "
  rm -f "$work/vs/up/up.bin"
  t[l7_stor_sync]+="$(seconds curl -s -T "$work/src/big.bin" "ftp://bench:bench@127.0.0.1:$sync_port/up.bin") "
  rm -f "$work/data/home/bench/up.bin"
done
for ((r = 0; r < rounds; r++)); do
  t[l7_logins]+="$(burst "$l7_port" l7) "
  t[vs_logins]+="$(burst "$vs_port" vsftpd) "
  t[l7_waves]+="$(logins_in_waves "$l7_port") "
  t[vs_waves]+="$(logins_in_waves "$vs_port") "
done
m() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }
ratio() { awk -v a="$(m "$1")" -v b="$(m "$2")" 'BEGIN {printf "%.2f", b / a}'; }
printf 'ftp RETR %d MiB: l7 %s MiB/s vsftpd %s MiB/s ratio %s\n' "$size_mb" "$(mibs "$(m l7_retr)")" \
  "$(mibs "$(m vs_retr)")" "$(ratio l7_retr vs_retr)"
printf 'ftp STOR %d MiB (sync_uploads=false): l7 %s MiB/s vsftpd %s MiB/s ratio %s\n' "$size_mb" \
  "$(mibs "$(m l7_stor)")" "$(mibs "$(m vs_stor)")" "$(ratio l7_stor vs_stor)"
printf 'ftp STOR %d MiB (sync_uploads=true, fdatasync before 226): l7 %s MiB/s vsftpd (no sync) %s MiB/s ratio %s\n' \
  "$size_mb" "$(mibs "$(m l7_stor_sync)")" "$(mibs "$(m vs_stor)")" "$(ratio l7_stor_sync vs_stor)"
printf 'ftp %d simultaneous logins: l7 %.3f s vsftpd %.3f s ratio %s\n' "$logins" "$(m l7_logins)" \
  "$(m vs_logins)" "$(ratio l7_logins vs_logins)"
printf 'ftp %d logins, 30 at a time: l7 %.3f s vsftpd %.3f s ratio %s\n' "$logins" "$(m l7_waves)" \
  "$(m vs_waves)" "$(ratio l7_waves vs_waves)"
