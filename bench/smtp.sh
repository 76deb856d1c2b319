#!/usr/bin/env bash
# SMTP: MESSAGES (2000) messages of SIZE (4096) bytes from postfix's smtp-source over SESSIONS
# (20) concurrent sessions, accepted and delivered into a Maildir, fsync on both sides:
#  - l7 (capture = false, local domain example.test, account bench): a message is on disk
#    (file fsynced, renamed, directory fsynced) before the 250;
#  - Postfix (a private instance in the scratch directory: smtpd -> cleanup -> qmgr ->
#    virtual(8) into a Maildir; the queue file is fsynced before the 250, and virtual(8)
#    fsyncs the Maildir file).
# Each round: smtp-source's wall time, then until the last message is a file in the Maildir
# (new/). Prints medians of messages/s (accepted and delivered), server CPU per message, and
# ours/theirs. Env: MESSAGES, SIZE, SESSIONS, ROUNDS (3), WORKERS (2).
set -euo pipefail
l7=$(realpath "${1:?usage: bench/smtp.sh path/to/l7}")
messages=${MESSAGES:-2000}
size=${SIZE:-4096}
sessions=${SESSIONS:-20}
rounds=${ROUNDS:-3}
workers=${WORKERS:-2}
for tool in /usr/sbin/smtp-source /usr/sbin/postfix; do
  [[ -x $tool ]] || { echo "$tool is missing: run scripts/deps.sh" >&2; exit 1; }
done
. "$(dirname "$0")/lib.sh"
postfix_stop() { /usr/sbin/postfix -c "$work/pf" stop >/dev/null 2>&1 || true; }
trap 'postfix_stop; cleanup' EXIT

# --- l7 -----------------------------------------------------------------------------------------
l7_port=$(free_port)
{
  l7_config "$workers" "$(free_port)"
  cat <<TOML
[services.smtp]
port = $l7_port
address = ["127.0.0.1"]
max_connections = 0
[mail]
capture = false
domains = ["example.test"]
[smtp]
max_per_ip = 0
hostname = "l7.bench"
TOML
} > "$work/l7.toml"
"$l7" user add bench --data "$work/data" --password bench-pass > /dev/null
"$l7" serve --config "$work/l7.toml" --only smtp > "$work/l7.out" 2> "$work/l7.err" &
l7_pid=$!
pids+=($l7_pid)
l7_maildir="$work/data/mail/bench"

# --- Postfix ------------------------------------------------------------------------------------
pf_port=$(free_port)
mkdir -p "$work/pf/mail" "$work/pf/queue" "$work/pf/data"
chown postfix:postfix "$work/pf/mail" "$work/pf/data"
sed "s/^smtp      inet.*/127.0.0.1:$pf_port inet n - n - - smtpd/" /etc/postfix/master.cf > "$work/pf/master.cf"
cat > "$work/pf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $work/pf/queue
data_directory = $work/pf/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.bench
mydestination =
relay_domains =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = example.test
virtual_mailbox_base = $work/pf/mail
virtual_mailbox_maps = static:bench/
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_minimum_uid = 1
virtual_mailbox_limit = 0
message_size_limit = 0
smtpd_client_connection_count_limit = 0
default_process_limit = 100
maillog_file = $work/pf/maillog
maillog_file_prefixes = $work
biff = no
CF
/usr/sbin/postfix -c "$work/pf" check > /dev/null 2>&1 || true  # creates the queue directories
/usr/sbin/postfix -c "$work/pf" start > "$work/pf.out" 2>&1 || { cat "$work/pf.out" >&2; exit 1; }
pf_maildir="$work/pf/mail/bench"
for _ in $(seq 100); do
  (echo > "/dev/tcp/127.0.0.1/$pf_port") 2>/dev/null && break
  sleep 0.1
done
pf_master=$(tr -d ' ' < "$work/pf/queue/pid/master.pid")

# count_files DIR: messages delivered so far
count_files() { { find "$1/new" "$1/cur" -type f 2>/dev/null || true; } | wc -l; }

# run PORT MAILDIR PID: one round; prints "accept_seconds deliver_seconds cpu_ticks"
run() {
  local port=$1 dir=$2 pid=$3 before start accepted done_at target
  target=$(($(count_files "$dir") + messages))
  before=$(cpu_ticks "$pid")
  start=$(date +%s.%N)
  /usr/sbin/smtp-source -s "$sessions" -m "$messages" -l "$size" -f sender@client.example \
    -t bench@example.test -M client.example "127.0.0.1:$port"
  accepted=$(date +%s.%N)
  while (($(count_files "$dir") < target)); do sleep 0.005; done
  done_at=$(date +%s.%N)
  echo "$(awk -v a="$accepted" -v s="$start" 'BEGIN{print a-s}') $(awk -v d="$done_at" -v s="$start" 'BEGIN{print d-s}') $(($(cpu_ticks "$pid") - before))"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "SMTP: $messages messages of $size bytes, $sessions sessions, into a Maildir with fsync"
run "$l7_port" "$l7_maildir" "$l7_pid" > /dev/null   # warm-up (creates the Maildir and index)
run "$pf_port" "$pf_maildir" "$pf_master" > /dev/null
: > "$work/l7.rounds"
: > "$work/pf.rounds"
for _ in $(seq "$rounds"); do
  run "$l7_port" "$l7_maildir" "$l7_pid" >> "$work/l7.rounds"
  run "$pf_port" "$pf_maildir" "$pf_master" >> "$work/pf.rounds"
done
report() {  # FILE NAME
  local acc del cpu
  acc=$(awk -v n="$messages" '{ print n / $1 }' "$1" | median)
  del=$(awk -v n="$messages" '{ print n / $2 }' "$1" | median)
  cpu=$(awk '{ print $3 }' "$1" | median)
  printf "  %-8s accepted %8.0f msg/s   delivered %8.0f msg/s   server CPU %7s us/msg\n" "$2" "$acc" "$del" \
    "$(us_per "$messages" "$cpu")" >&2
  echo "$acc $del $(us_per "$messages" "$cpu")"
}
l7_line=$(report "$work/l7.rounds" l7)
pf_line=$(report "$work/pf.rounds" postfix)
read -r l7_acc l7_del l7_cpu <<< "$l7_line"
read -r pf_acc pf_del pf_cpu <<< "$pf_line"
awk -v a="$l7_del" -v b="$pf_del" -v c="$l7_cpu" -v d="$pf_cpu" \
  'BEGIN { printf "  ours/theirs: delivered msg/s %.2fx, CPU per message %.2fx\n", a / b, (d > 0 ? c / d : 0) }'
