#!/usr/bin/env bash
# TFTP: a SIZE_MIB (100) MiB get over loopback, in one run:
#  1. lock-step, blksize 1468: l7 vs tftpd-hpa;
#  2. the same client command asking for blksize 1468 + windowsize WINDOW (16, RFC 7440):
#     l7 vs tftpd-hpa (which has no windowsize: it ignores the option and runs lock-step);
#  3. blksize 1468 + windowsize WINDOW: l7 vs atftpd (both windowed).
# One client for both servers of a pair (CLIENT: "l7" = `l7 tftp get`, or "atftp"), ROUNDS (3)
# rounds alternating the servers (ours first); each round is the client's wall time, checked
# for the right size. Prints the median MiB/s of each side and ours/theirs.
# Env: SIZE_MIB (100), WINDOW (16), ROUNDS (3), CLIENT (l7), WORKERS (2).
set -euo pipefail
l7=$(realpath "${1:?usage: bench/tftp.sh path/to/l7}")
size_mib=${SIZE_MIB:-100}
window=${WINDOW:-16}
rounds=${ROUNDS:-3}
client=${CLIENT:-l7}
workers=${WORKERS:-2}
tftpd=/usr/sbin/in.tftpd
atftpd=/opt/l7kit-peers/atftpd/usr/sbin/atftpd
for tool in "$tftpd" "$atftpd"; do
  [[ -x $tool ]] || { echo "$tool is missing: run scripts/deps.sh" >&2; exit 1; }
done
[[ $client == l7 ]] || command -v atftp >/dev/null || { echo "atftp is missing" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$work/data/public" "$work/out"
head -c "$((size_mib << 20))" /dev/urandom > "$work/data/public/big.bin"
bytes=$(stat -c %s "$work/data/public/big.bin")

# --- the servers ------------------------------------------------------------------------------
l7_port=$(udp_port)
{
  l7_config "$workers" "$(free_port)"
  cat <<TOML
[services.tftp]
port = $l7_port
address = ["127.0.0.1"]
[tftp]
max_windowsize = 64
TOML
} > "$work/l7.toml"
"$l7" serve --config "$work/l7.toml" --only tftp > "$work/l7.out" 2> "$work/l7.err" &
l7_pid=$!
pids+=($l7_pid)
hpa_port=$(udp_port)
"$tftpd" -L -s "$work/data/public" -a "127.0.0.1:$hpa_port" -u root > /dev/null 2>&1 &
hpa_pid=$!
pids+=($hpa_pid)
hpa_cpu=$(cpu_group "$hpa_pid")  # see cpu_group in lib.sh; empty: its CPU is not measured
[[ -n $hpa_cpu ]] && cgroups+=("$hpa_cpu")
atftpd_port=$(udp_port)
"$atftpd" --daemon --no-fork --port "$atftpd_port" --bind-address 127.0.0.1 --user root \
  --group root --logfile /dev/null "$work/data/public" &
atftpd_pid=$!
pids+=($atftpd_pid)
sleep 1

# server_ticks PID: the server's CPU ticks (all its processes), or -1 where they cannot be counted
server_ticks() {
  if [[ $1 != "$hpa_pid" ]]; then cpu_ticks "$1"
  elif [[ -n $hpa_cpu ]]; then group_cpu_ticks "$hpa_cpu"
  else echo -1; fi
}

# get PORT WINDOW PID: one transfer with the chosen client; prints its wall time in seconds
# and the server's CPU ticks during it (-1: not measured).
get() {
  local port=$1 win=$2 pid=$3 out="$work/out/big.bin" start end before after
  rm -f "$out"
  before=$(server_ticks "$pid")
  start=$(date +%s.%N)
  if [[ $client == l7 ]]; then
    local opts=(--blksize 1468)
    ((win > 1)) && opts+=(--windowsize "$win")
    "$l7" tftp get "127.0.0.1:$port" big.bin "$out" "${opts[@]}"
  else
    local opts=(--option "blksize 1468")
    ((win > 1)) && opts+=(--option "windowsize $win")
    atftp -g -r big.bin -l "$out" "${opts[@]}" 127.0.0.1 "$port" > /dev/null 2>&1
  fi
  end=$(date +%s.%N)
  after=$(server_ticks "$pid")
  [[ $(stat -c %s "$out") == "$bytes" ]] || { echo "short transfer from port $port" >&2; exit 1; }
  ((before < 0)) && after=-1 before=0
  echo "$start $end $((after - before))" | awk '{ printf "%.4f %d\n", $2 - $1, $3 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# pair NAME WINDOW THEIR_PORT THEIR_PID THEIR_NAME
pair() {
  local name=$1 win=$2 their_port=$3 their_pid=$4 their_name=$5 ours=() theirs=()
  for ((r = 0; r < rounds; r++)); do
    ours+=("$(get "$l7_port" "$win" "$l7_pid")")
    theirs+=("$(get "$their_port" "$win" "$their_pid")")
  done
  local o t oc tc
  o=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f1 | median)
  t=$(printf '%s\n' "${theirs[@]}" | cut -d' ' -f1 | median)
  oc=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f2 | median)
  tc=$(printf '%s\n' "${theirs[@]}" | cut -d' ' -f2 | median)
  awk -v n="$name" -v tn="$their_name" -v o="$o" -v t="$t" -v b="$bytes" -v c="$client" \
      -v oc="$oc" -v tc="$tc" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    mo = b / o / 1048576; mt = b / t / 1048576; mib = b / 1048576
    printf "tftp %-34s client %-5s l7 %7.1f MiB/s (%.2f s)  %-9s %7.1f MiB/s (%.2f s)  ours/theirs %.2f", \
           n, c, mo, o, tn, mt, t, mo / mt
    printf "  server CPU ms/MiB l7 %.2f %s ", oc / hz * 1000 / mib, tn
    if (tc < 0) printf "n/a (no cpuacct cgroup)\n"; else printf "%.2f\n", tc / hz * 1000 / mib
  }'
}

pair "get ${size_mib}MiB blksize 1468 lock-step" 1 "$hpa_port" "$hpa_pid" tftpd-hpa
pair "get ${size_mib}MiB blksize 1468 windowsize $window" "$window" "$hpa_port" "$hpa_pid" tftpd-hpa
pair "get ${size_mib}MiB blksize 1468 windowsize $window" "$window" "$atftpd_port" "$atftpd_pid" atftpd
