#!/usr/bin/env bash
# IMAP: l7 (`l7 serve --only imap`) vs Dovecot 2.3 (a private instance started by this script:
# its own config, base_dir, state_dir and log in the scratch directory, listening on 127.0.0.1
# only, users from a passwd-file, mail_location = maildir:~/Maildir, imap processes running
# as `nobody`, login processes in high-performance mode, otherwise Debian's defaults: one imap
# process per logged-in connection), serving the same messages. In one run:
#  0. bench/imap_load.py generates a Maildir of MESSAGES (50000) messages (1-4 KB, CRLF,
#     varied From/To/Cc/Subject/Date/Message-ID, a fifth multipart/alternative, flags in the
#     file names); each server gets a hard-linked copy (Maildir files are never rewritten, only
#     renamed, so the copies stay independent; the page cache is shared). l7 gets the files in
#     <data>/mail/bench/cur/ and indexes them at the first SELECT (its store syncs the
#     directory); Dovecot builds its index and cache at its first SELECT and FETCH.
#  1. Memory per idle IDLE connection: IDLE (1000) connections, each LOGIN, SELECT INBOX and
#     IDLE, all as one account (`idle`, IDLE_MESSAGES (20) messages); PSS growth of all the
#     server's processes (RSS too) over a warmed-up start, divided by IDLE. A new client
#     (LOGIN, SELECT, NOOP, LOGOUT) is timed before and while they idle; then one APPEND to
#     their INBOX and a count of the idlers told "* n EXISTS" within 5 s. With ACCOUNTS=1 (the
#     default) the same again with IDLE accounts of their own (idleu0.., one connection each,
#     the same 20 messages): a second, fresh l7; the same Dovecot; and Dovecot with IDLE
#     connections hibernated (imap_hibernate_timeout = 1s: handed to one imap-hibernate
#     process, Dovecot's answer to idle memory, off by default). The `idle` accounts get a SHA-512 crypt hash on both servers
#     so that 1000s of LOGINs measure connections rather than yescrypt. Dovecot's imap
#     processes run as `nobody` for the single account and as one uid per account otherwise:
#     the kernel's default fs.inotify.max_user_instances (128 per uid) decides how many of one
#     uid's processes are told of new mail at once (the rest poll every 30 s) and which
#     connections Dovecot can hibernate; this script changes no system setting.
#  2. What a mail client does opening a folder: LOGIN, SELECT INBOX and FETCH 1:* (UID FLAGS
#     RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)]) of the big
#     mailbox, LOGOUT. The first run on each server (l7: indexing 50,000 files; Dovecot: index
#     and cache building) is printed on its own; then WARMUP (1) more runs each, then ROUNDS
#     (5) rounds alternating the servers; medians of the wall time and of the server's CPU
#     (every process of it: a cpuacct cgroup per server, or /proc where there is none), and
#     the client's own CPU. Every run checks that the FETCH answered every message; the first
#     and warm-up runs also compare the two servers' answers (a digest of each message's size,
#     flags and header fields), the timed runs only count them (the cheapest reader).
# Env: MESSAGES (50000), IDLE (1000), IDLE_MESSAGES (20), ROUNDS (5), WARMUP (1), WORKERS (2),
# ACCOUNTS (1), KEEP_LOGS (a directory to copy the servers' logs and raw results to),
# DOVECOT_EXTRA (more dovecot.conf lines), IMAP_TMP (/dev/shm).
# Usage: bench/imap.sh path/to/l7
set -euo pipefail
shopt -s inherit_errexit
l7=$(realpath "${1:?usage: bench/imap.sh path/to/l7}")
messages=${MESSAGES:-50000}
idle=${IDLE:-1000}
idle_messages=${IDLE_MESSAGES:-20}
rounds=${ROUNDS:-5}
warmup=${WARMUP:-1}
workers=${WORKERS:-2}
here=$(cd "$(dirname "$0")" && pwd)
load="$here/imap_load.py"
dovecot=/usr/sbin/dovecot
[[ -x $dovecot && -x /usr/lib/dovecot/imap ]] || { echo "dovecot-imapd is missing: run scripts/deps.sh" >&2; exit 1; }
# Each server and the client hold IDLE sockets; Dovecot's auth and anvil one per process.
want=$((3 * idle + 1600)) hard=$(ulimit -Hn)
[[ $hard == unlimited || $hard -ge $want ]] || { echo "open-file limit $hard is below $want: lower IDLE" >&2; exit 1; }
ulimit -n "$want"
# The scratch directory (both mail stores, the servers' state) is on tmpfs unless IMAP_TMP
# names another place: about 150,000 files are created and removed per run, which took minutes
# on this machine's disk (ext4, discard) while the other benchmarks' builds ran. The timed
# runs are warm either way (served from the page cache); on tmpfs, fsync costs nothing, which
# only the first runs (index building) would feel.
imap_tmp=${IMAP_TMP:-/dev/shm}
[[ -d $imap_tmp && -w $imap_tmp ]] || imap_tmp=${TMPDIR:-/tmp}
TMPDIR=$imap_tmp . "$here/lib.sh"
chmod 711 "$work"  # Dovecot's mail processes run as nobody and need to reach their homes
dc="$work/dovecot"
dc_runs=()
dovecot_stop() {  # [DIR]: one instance, or all of them
  local d dirs=("$@")
  ((${#dirs[@]})) || dirs=("${dc_runs[@]}")
  for d in "${dirs[@]}"; do
    if [[ -s $d/run/master.pid ]]; then kill "$(cat "$d/run/master.pid")" 2>/dev/null || true; fi
    for _ in $(seq 50); do [[ -e $d/run/master.pid ]] || break; sleep 0.1; done
  done
}
keep_logs() {  # KEEP_LOGS=DIR: the servers' logs and the raw results are copied there on exit
  [[ -n ${KEEP_LOGS:-} ]] || return 0
  mkdir -p "$KEEP_LOGS"
  cp "$work"/*.idle "$work"/*.first "$work"/*.warm "$work"/*.rounds "$work"/l7.err "$KEEP_LOGS/" 2>/dev/null || true
  for d in "${dc_runs[@]}"; do cp "$d/dovecot.log" "$KEEP_LOGS/dovecot-$(basename "$d").log" 2>/dev/null || true; done
}
trap 'keep_logs; dovecot_stop; cleanup' EXIT

# in_group NAME CMD...: runs CMD in the background in a cpuacct cgroup of its own (all its
# descendants are counted) -> bg_pid, bg_cpu ("cgroup:DIR", or "pid:PID" where the machine has
# no writable cgroup v1 cpuacct)
in_group() {
  local name=$1 g=/sys/fs/cgroup/cpuacct/l7bench-$$-$1
  shift
  if mkdir "$g" 2>/dev/null; then
    cgroups+=("$g")
    bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$g" "$@" &
    bg_pid=$!
    bg_cpu="cgroup:$g"
  else
    "$@" &
    bg_pid=$!
    bg_cpu="pid:$bg_pid"
  fi
  pids+=("$bg_pid")
}
wait_port() {
  for _ in $(seq 200); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# --- the mailboxes ------------------------------------------------------------------------------
t0=$(date +%s.%N)
python3 "$load" gen "$work/big" "$messages" 1
python3 "$load" gen "$work/small" "$idle_messages" 2
gen_s=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
big_mib=$(du -sm "$work/big" | awk '{ print $1 }')

# --- l7 -----------------------------------------------------------------------------------------
l7_port=$(free_port)
{
  l7_config "$workers" "$(free_port)"
  cat <<TOML
[services.imap]
port = $l7_port
address = ["127.0.0.1"]
max_connections = 0
[mail]
capture = false
domains = ["example.test"]
[imap]
max_per_ip = 0
TOML
} > "$work/l7.toml"
for u in bench idle; do "$l7" user add "$u" --data "$work/data" --password bench-pass > /dev/null; done
# The idle scenario logs in IDLE times per server: `idle` gets a SHA-512 crypt hash (5000
# rounds, about 2 ms) instead of the default yescrypt (50-90 ms here), on both servers, so that
# it measures connections rather than password hashing (l7 checks any crypt(3) hash).
idle_hash=$(openssl passwd -6 -salt l7benchidle bench-pass)
sed -i "s|^idle:.*|idle:$idle_hash|" "$work/data/accounts/passwd"
mkdir -p "$work/data/mail/bench" "$work/data/mail/idle"
cp -al "$work/big/." "$work/data/mail/bench/"
cp -al "$work/small/." "$work/data/mail/idle/"
in_group l7 "$l7" serve --config "$work/l7.toml" --only imap > "$work/l7.out" 2> "$work/l7.err"
l7_pid=$bg_pid l7_cpu=$bg_cpu

# --- Dovecot ------------------------------------------------------------------------------------
mkdir -p "$dc/home/bench/Maildir" "$dc/home/idle/Maildir"
cp -al "$work/big/." "$dc/home/bench/Maildir/"
cp -al "$work/small/." "$dc/home/idle/Maildir/"
chown -R nobody:nogroup "$dc/home"
nobody_ids="$(id -u nobody):$(id -g nobody)"
# The same password hashes as l7's accounts, so both pay the same per LOGIN.
while IFS=: read -r u hash; do
  echo "$u:{CRYPT}$hash:$nobody_ids::$dc/home/$u::"
done < "$work/data/accounts/passwd" > "$dc/passwd"
# ACCOUNTS=1: IDLE more accounts idleu0.. (uids of their own in Dovecot), one connection each
if [[ ${ACCOUNTS:-1} == 1 ]]; then
  python3 "$load" users "$work/small" "$idle" idleu "$idle_hash" "$work/data" "$dc/home" "$dc/passwd" \
    200000 "$(id -g nobody)"
fi
limit=$((idle + 200))
# start_dovecot NAME [EXTRA CONFIG]: a private instance in $dc/NAME -> dc_pid, dc_cpu, dc_port
start_dovecot() {
  local d="$dc/$1"
  mkdir -p "$d/run" "$d/state"
  dc_port=$(free_port)
  cat > "$d/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
instance_name = l7bench-$$-$1
log_path = $d/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_process_limit = $limit
default_client_limit = $((2 * limit))
passdb {
  driver = passwd-file
  args = username_format=%u $dc/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $dc/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $dc_port
  }
  inet_listener imaps {
    port = 0
  }
  # "high-performance mode" (doc.dovecot.org, Login processes): a few long-lived login
  # processes instead of one per connection; a third less CPU per login here, and the same
  # memory per logged-in connection (the imap process is the same)
  service_count = 0
  process_min_avail = 2
}
service anvil {
  client_limit = $((3 * limit))
}
service auth {
  client_limit = $((2 * limit))
}
protocol imap {
  mail_max_userip_connections = $limit
}
${DOVECOT_EXTRA:-}
${2:-}
CONF
  in_group "dovecot-$1" "$dovecot" -F -c "$d/dovecot.conf" > "$d/dovecot.out" 2>&1
  dc_pid=$bg_pid dc_cpu=$bg_cpu
  dc_runs+=("$d")
  wait_port "$dc_port" || { cat "$d/dovecot.out" "$d/dovecot.log" >&2; return 1; }
}
wait_port "$l7_port"
start_dovecot default

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3g", (b > 0 ? a / b : 0) }'; }

# --- 1. idle IDLE connections -------------------------------------------------------------------
echo "IMAP: $idle connections in IDLE (INBOX of $idle_messages messages): memory growth of all the server's processes (setup took ${SECONDS}s)"
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
idle_run() {  # FILE NAME PORT PID CPU ACCOUNTS: the scenario into $work/FILE.idle, and its lines
  local f="$work/$1.idle" who="1 account" acc=idle
  shift
  (($5 > 0)) && who="$5 accounts" acc=idleu
  python3 "$load" idle "$2" "$acc" bench-pass "$idle" idle --mem "pid:$3" --cpu "$4" --users "$5" > "$f"
  printf "  %-34s PSS %6.1f KiB/conn (RSS %6.1f), processes %4d -> %4d; %4d connected in %4.1f s, server CPU %5.2f ms/conn\n" \
    "$1, $who:" "$(val "$f" pss_per_conn_kib)" "$(val "$f" rss_per_conn_kib)" "$(val "$f" procs_before)" \
    "$(val "$f" procs_after)" "$(val "$f" connected)" "$(val "$f" connect_s)" "$(val "$f" connect_cpu_ms)"
  if grep -q '^error' "$f"; then echo "      $(grep '^error' "$f")"; fi
  printf "      new client (LOGIN, SELECT, NOOP, LOGOUT): median %.1f ms (p90 %.1f) before, %.1f ms (p90 %.1f) while they idle\n" \
    "$(val "$f" probe_before_ms)" "$(val "$f" probe_before_p90_ms)" "$(val "$f" probe_during_ms)" "$(val "$f" probe_during_p90_ms)"
  printf "      APPEND to %s: %d of the %d idlers there told EXISTS within 5 s (the last after %.3f s)\n" \
    "$( (($5 > 0)) && echo "10 of the INBOXes" || echo "their INBOX")" "$(val "$f" woken)" "$(val "$f" told)" \
    "$(val "$f" woken_within_s)"
}
idle_run l7 l7 "$l7_port" "$l7_pid" "$l7_cpu" 0
idle_run dovecot dovecot "$dc_port" "$dc_pid" "$dc_cpu" 0
dc_default_port=$dc_port dc_default_pid=$dc_pid dc_default_cpu=$dc_cpu
if [[ ${ACCOUNTS:-1} == 1 ]]; then
  # A fresh l7 on the same data (a second process; the store is multi-process safe).
  l7b_port=$(free_port)
  sed "s/^port = $l7_port\$/port = $l7b_port/" "$work/l7.toml" > "$work/l7b.toml"
  in_group l7b "$l7" serve --config "$work/l7b.toml" --only imap > "$work/l7b.out" 2> "$work/l7b.err"
  l7b_pid=$bg_pid
  wait_port "$l7b_port"
  idle_run l7-accounts l7 "$l7b_port" "$l7b_pid" "$bg_cpu" "$idle"
  kill "$l7b_pid"
  idle_run dovecot-accounts dovecot "$dc_port" "$dc_pid" "$dc_cpu" "$idle"
  # Dovecot's own answer to idle memory: IDLE connections handed to one imap-hibernate process
  # after imap_hibernate_timeout (off by default; doc.dovecot.org "Hibernation"). It needs an
  # inotify instance per connection, so it is measured with accounts of their own uids here
  # (the kernel allows 128 instances per uid; see above).
  start_dovecot hibernate "imap_hibernate_timeout = 1s
service imap {
  unix_listener imap-master {
    user = \$default_internal_user
  }
}"
  idle_run dovecot-hibernate "dovecot hibernating" "$dc_port" "$dc_pid" "$dc_cpu" "$idle"
  dovecot_stop "$dc/hibernate"
fi
dc_port=$dc_default_port dc_pid=$dc_default_pid dc_cpu=$dc_default_cpu
per() { val "$work/$1.idle" pss_per_conn_kib; }
echo "  ours/theirs: memory per idle connection (PSS), 1 account: $(ratio "$(per l7)" "$(per dovecot)")x Dovecot"
if [[ -f $work/dovecot-hibernate.idle ]]; then
  echo "  ours/theirs: memory per idle connection (PSS), $idle accounts: $(ratio "$(per l7-accounts)" "$(per dovecot-accounts)")x Dovecot," \
    "$(ratio "$(per l7-accounts)" "$(per dovecot-hibernate)")x Dovecot hibernating"
fi

# --- 2. SELECT + FETCH headers of the big mailbox -----------------------------------------------
echo "IMAP: LOGIN, SELECT INBOX, FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)]), LOGOUT; $messages messages, $big_mib MiB (generated in $gen_s s; at ${SECONDS}s)"
# fetch PORT CPU LABEL CHECK: one run -> "run LABEL total select fetch server_cpu client_cpu
# messages digest bytes"; CHECK 1 hashes every answer (first and warm-up runs), 0 only counts
# (timed runs: the cheapest reader)
fetch() { python3 "$load" fetch "$1" bench bench-pass --cpu "$2" --label "$3" --check "$4"; }
fetch "$l7_port" "$l7_cpu" l7 1 > "$work/l7.first"
fetch "$dc_port" "$dc_cpu" dovecot 1 > "$work/dc.first"
: > "$work/l7.warm"
: > "$work/dc.warm"
for _ in $(seq "$warmup"); do
  fetch "$l7_port" "$l7_cpu" l7 1 >> "$work/l7.warm"
  fetch "$dc_port" "$dc_cpu" dovecot 1 >> "$work/dc.warm"
done
: > "$work/l7.rounds"
: > "$work/dc.rounds"
for _ in $(seq "$rounds"); do
  fetch "$l7_port" "$l7_cpu" l7 0 >> "$work/l7.rounds"
  fetch "$dc_port" "$dc_cpu" dovecot 0 >> "$work/dc.rounds"
done
col() { awk -v c="$2" '{ print $c }' "$1" | median; }  # FILE COLUMN -> median
for side in l7:l7 dovecot:dc; do
  name=${side%%:*} s=${side#*:}
  read -r _ _ tot sel fet cpu _ < "$work/$s.first"
  printf "  %-8s first run: %6.2f s (SELECT %6.2f s, FETCH %6.2f s), server CPU %6.2f s\n" "$name" "$tot" "$sel" "$fet" "$cpu"
done
for side in l7:l7 dovecot:dc; do
  name=${side%%:*} f="$work/${side#*:}.rounds"
  printf "  %-8s warm:  %6.3f s per run (SELECT %6.3f s, FETCH %6.3f s), server CPU %6.3f s = %5.2f us/msg, client CPU %6.3f s, %s MB read\n" \
    "$name" "$(col "$f" 3)" "$(col "$f" 4)" "$(col "$f" 5)" "$(col "$f" 6)" \
    "$(awk -v c="$(col "$f" 6)" -v n="$messages" 'BEGIN { print c / n * 1e6 }')" "$(col "$f" 7)" \
    "$(awk -v b="$(col "$f" 10)" 'BEGIN { printf "%.1f", b / 1e6 }')"
done
l7_digests=$(cat "$work/l7.first" "$work/l7.warm" | awk '{ print $9 }' | sort -u)
dc_digests=$(cat "$work/dc.first" "$work/dc.warm" | awk '{ print $9 }' | sort -u)
if [[ $l7_digests == "$dc_digests" && $(wc -l <<< "$l7_digests") == 1 ]]; then
  echo "  answers: the same sizes, flags and header fields from both servers (digest $l7_digests)"
else
  echo "  answers DIFFER: l7 $(echo $l7_digests), dovecot $(echo $dc_digests)"
fi
echo "  ours/theirs (medians of $rounds rounds): runs per second $(ratio "$(col "$work/dc.rounds" 3)" "$(col "$work/l7.rounds" 3)")x," \
  "server CPU per run $(ratio "$(col "$work/l7.rounds" 6)" "$(col "$work/dc.rounds" 6)")x"
for log in "${dc_runs[@]/%//dovecot.log}"; do
  n=$(grep -ciE ' (error|fatal|panic):' "$log" 2>/dev/null || true)
  if ((${n:-0} > 0)); then echo "  $log: $n errors, e.g. $(grep -iE ' (error|fatal|panic):' "$log" | head -1)"; fi
done
echo "  (bench/imap.sh took ${SECONDS}s)"
if grep -q '\[error\]' "$work/l7.err"; then echo "  l7 errors: $(grep '\[error\]' "$work/l7.err" | head -3)"; fi
