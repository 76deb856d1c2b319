#!/usr/bin/env bash
# DNS over UDP under dnsperf, in one run:
#  1. cache hits: l7 as a forwarding resolver vs Unbound, both forwarding "." to the same NSD
#     (which serves the benchmark zone), both warmed by one pass over the query list first;
#  2. authoritative: the same zone served by l7 (a *.zone file in its zones_dir) vs NSD.
# Each scenario runs ROUNDS rounds alternating the servers (ours first) and prints the median
# queries/s and ours/theirs, then the median server CPU time per query (user + system of the
# server and its child processes, from /proc) and theirs/ours: on a shared 2-core machine,
# where dnsperf needs as much CPU as the server, that is the steadier number.
# Before any load, both sides of a pair must give the same answers (rcode and sorted
# `dig +short`) for every 25th query of the list; the script stops if they do not.
# Env: WORKERS (2: l7 workers, Unbound threads, NSD servers), CLIENTS (dnsperf -c, 32),
#      THREADS (dnsperf -T, 2), OUTSTANDING (dnsperf -q, 100), DURATION (dnsperf -l, 10),
#      ROUNDS (3), HOSTS (names with A and AAAA in the zone, 1500; at least 1000).
set -euo pipefail
l7=$(realpath "${1:?usage: bench/dns.sh path/to/l7}")
workers=${WORKERS:-2}
clients=${CLIENTS:-32}
threads=${THREADS:-2}
outstanding=${OUTSTANDING:-100}
duration=${DURATION:-10}
rounds=${ROUNDS:-3}
hosts=${HOSTS:-1500}
((hosts >= 1000)) || { echo "HOSTS must be at least 1000" >&2; exit 1; }
for tool in dnsperf dig nsd nsd-checkconf unbound unbound-checkconf; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] ||
    { echo "$tool is missing: run scripts/deps.sh" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin"
. "$(dirname "$0")/lib.sh"
zone=bench.example  # not under test. or invalid.: Unbound answers those itself by default

# --- the zone and the query lists -------------------------------------------------------------
# hN: A and AAAA (N < HOSTS); mN: MX -> hN; tN: TXT; cN: CNAME -> h(7N mod HOSTS) (N < HOSTS/3).
# TTLs of a day, so nothing expires or gets prefetched during the run.
mkdir -p "$work/zones"
awk -v hosts="$hosts" -v zone="$zone" 'BEGIN {
  print "$ORIGIN " zone "."
  print "$TTL 86400"
  print "@ SOA ns1 hostmaster 1 3600 900 604800 3600"
  print "@ NS ns1"
  print "ns1 A 127.0.0.1"
  for (i = 0; i < hosts; i++) {
    printf "h%d A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
    printf "h%d AAAA 2001:db8::%x\n", i, i
  }
  for (i = 0; i < int(hosts / 3); i++) {
    printf "m%d MX 10 h%d\n", i, i
    printf "t%d TXT \"v=spf1 ip4:10.0.%d.%d -all\" \"bench record %d\"\n", i, int(i / 256) % 256, i % 256, i
    printf "c%d CNAME h%d\n", i, (i * 7) % hosts
  }
}' > "$work/zones/$zone.zone"
records=$(grep -vc '^[$]' "$work/zones/$zone.zone")

# Cache hits: 1000 distinct names, A and AAAA alternating.
awk -v zone="$zone" 'BEGIN { for (i = 0; i < 1000; i++) printf "h%d.%s %s\n", i, zone, (i % 2 ? "AAAA" : "A") }' \
  > "$work/cache-queries.txt"
# Authoritative: A, AAAA, MX, TXT, A through a CNAME, and names that do not exist (NXDOMAIN).
awk -v zone="$zone" -v n="$((hosts / 3))" 'BEGIN {
  for (i = 0; i < n; i++) {
    printf "h%d.%s A\n", i, zone;       printf "h%d.%s AAAA\n", n + i, zone
    printf "m%d.%s MX\n", i, zone;      printf "t%d.%s TXT\n", i, zone
    printf "c%d.%s A\n", i, zone;       printf "nx%d.%s A\n", i, zone
  }
}' > "$work/auth-queries.txt"

# --- the servers ------------------------------------------------------------------------------
nsd_port=$(free_port)
mkdir -p "$work/nsd"
cat > "$work/nsd/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$nsd_port
  server-count: $workers
  reuseport: yes
  username: ""
  chroot: ""
  zonesdir: "$work/zones"
  database: ""
  zonelistfile: "$work/nsd/zone.list"
  xfrdfile: "$work/nsd/xfrd.state"
  xfrdir: "$work/nsd"
  pidfile: "$work/nsd/nsd.pid"
  logfile: "$work/nsd/nsd.log"
  verbosity: 0
  # Debian builds NSD with response rate limiting, on at 200 qps per /24 unless turned off.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  # Otherwise NSD listens on 127.0.0.1/::1 port 8952 and a second NSD on the machine fails.
  control-enable: no
zone:
  name: "$zone"
  zonefile: "$zone.zone"
CONF
nsd-checkconf "$work/nsd/nsd.conf"
nsd -d -c "$work/nsd/nsd.conf" > "$work/nsd/stdout" 2>&1 &
nsd_pid=$!
pids+=($nsd_pid)

# l7, authoritative only: the zone file in <data>/dns/zones, no recursion.
l7a_port=$(free_port)
mkdir -p "$work/l7-auth/dns/zones"
cp "$work/zones/$zone.zone" "$work/l7-auth/dns/zones/"
l7_dns_config() {  # DATA_DIR PORT, then [dns] keys on stdin
  cat <<TOML
data_dir = "$1"
workers = $workers
[log]
level = "warn"
access_log = false
[services.dns]
port = $2
address = ["127.0.0.1"]
[dns]
TOML
  cat
}
l7_dns_config "$work/l7-auth" "$l7a_port" > "$work/l7-auth.toml" <<TOML
recursion = false
TOML
"$l7" serve --config "$work/l7-auth.toml" > "$work/l7-auth.out" 2> "$work/l7-auth.err" &
l7a_pid=$!
pids+=($l7a_pid)

# l7, forwarding resolver: everything goes to NSD and is answered from the cache after that.
l7c_port=$(free_port)
mkdir -p "$work/l7-cache"
l7_dns_config "$work/l7-cache" "$l7c_port" > "$work/l7-cache.toml" <<TOML
recursion = true
upstreams = ["127.0.0.1:$nsd_port"]
cache_size = 1000000
TOML
"$l7" serve --config "$work/l7-cache.toml" > "$work/l7-cache.out" 2> "$work/l7-cache.err" &
l7c_pid=$!
pids+=($l7c_pid)

# Unbound, forwarding "." to the same NSD; no DNSSEC validation (l7 does none either).
unbound_port=$(free_port)
mkdir -p "$work/unbound"
cat > "$work/unbound/unbound.conf" <<CONF
server:
  verbosity: 0
  num-threads: $workers
  interface: 127.0.0.1
  port: $unbound_port
  so-reuseport: yes
  do-ip6: no
  chroot: ""
  username: ""
  directory: "$work/unbound"
  pidfile: "$work/unbound/unbound.pid"
  use-syslog: no
  logfile: ""
  module-config: "iterator"
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  msg-cache-size: 256m
  rrset-cache-size: 512m
  msg-cache-slabs: $workers
  rrset-cache-slabs: $workers
  infra-cache-slabs: $workers
  key-cache-slabs: $workers
  num-queries-per-thread: 4096
  prefetch: yes
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$nsd_port
CONF
unbound-checkconf "$work/unbound/unbound.conf" >/dev/null
unbound -d -c "$work/unbound/unbound.conf" > "$work/unbound/stdout" 2>&1 &
unbound_pid=$!
pids+=($unbound_pid)

for port in $nsd_port $l7a_port $l7c_port $unbound_port; do
  for _ in $(seq 100); do
    [[ -n $(dig +short +time=1 +tries=1 -p "$port" @127.0.0.1 "$zone" SOA 2>/dev/null) ]] && continue 2
    sleep 0.1
  done
  echo "no DNS answer on port $port; server logs:" >&2
  tail -n 5 "$work"/*.err "$work"/nsd/stdout "$work"/nsd/nsd.log "$work"/unbound/stdout >&2 || true
  exit 1
done

# --- same answers on both sides ---------------------------------------------------------------
answer() {  # PORT NAME TYPE: "rcode; sorted answer data"
  local out rcode
  out=$(dig +time=2 +tries=2 -p "$1" @127.0.0.1 "$2" "$3" +noall +comments +answer)
  rcode=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out")
  [[ -n $rcode ]] || { echo "no answer from port $1 for $2 $3" >&2; return 1; }
  echo "$rcode; $(dig +short +time=2 +tries=2 -p "$1" @127.0.0.1 "$2" "$3" | sort | tr '\n' ' ')"
}
same_answers() {  # LABEL FILE OUR_PORT THEIR_PORT: every 25th query of FILE
  local label=$1 file=$2 ours=$3 theirs=$4 checked=0 name type a b
  while read -r name type; do
    a=$(answer "$ours" "$name" "$type")
    b=$(answer "$theirs" "$name" "$type")
    if [[ $a != "$b" || $a == "NOERROR; " && $name != nx* ]]; then
      echo "$label: answers differ (or are empty) for $name $type:" >&2
      echo "  l7:   $a" >&2
      echo "  peer: $b" >&2
      exit 1
    fi
    checked=$((checked + 1))
  done < <(awk 'NR % 25 == 1' "$file")
  echo "  $label: $checked sampled queries answered the same by both"
}

# --- load -------------------------------------------------------------------------------------
perf_flags=(-c "$clients" -T "$threads" -q "$outstanding")
warm() {  # PORT FILE: one pass; a resolver fills its cache, every query must come back
  local out
  out=$(dnsperf -s 127.0.0.1 -p "$1" -d "$2" -n 1 -c 4 -q 50 -t 5 2>&1)
  grep -q 'Queries lost: *0 ' <<<"$out" || { echo "warm-up lost queries on port $1:" >&2; echo "$out" >&2; exit 1; }
}
round() {  # PORT FILE PID: "queries/s server-CPU-µs-per-query" for one dnsperf run
  local out lost done before after
  before=$(cpu_ticks "$3")
  out=$(dnsperf -s 127.0.0.1 -p "$1" -d "$2" "${perf_flags[@]}" -l "$duration" 2>&1)
  after=$(cpu_ticks "$3")
  lost=$(sed -n 's/.*Queries lost: *[0-9]* (\([0-9.]*\)%).*/\1/p' <<<"$out")
  if [[ -z $lost ]] || awk -v l="$lost" 'BEGIN { exit !(l > 1) }'; then
    echo "dnsperf against port $1 lost ${lost:-?}% of the queries:" >&2
    echo "$out" >&2
    exit 1
  fi
  done=$(sed -n 's/.*Queries completed: *\([0-9]*\).*/\1/p' <<<"$out")
  awk -v q="$(sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p' <<<"$out")" \
      -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$done" \
      'BEGIN { printf "%.0f %.2f\n", q, t / hz * 1e6 / n }'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
compare() {  # LABEL PEER FILE OUR_PORT OUR_PID THEIR_PORT THEIR_PID
  local label=$1 peer=$2 file=$3 ours=() theirs=() oq tq oc tc
  for _ in $(seq "$rounds"); do
    ours+=("$(round "$4" "$file" "$5")")
    theirs+=("$(round "$6" "$file" "$7")")
  done
  oq=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f1 | median)
  tq=$(printf '%s\n' "${theirs[@]}" | cut -d' ' -f1 | median)
  oc=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f2 | median)
  tc=$(printf '%s\n' "${theirs[@]}" | cut -d' ' -f2 | median)
  echo "  rounds (qps, server CPU µs/query): l7 $(printf '%s, ' "${ours[@]}")$peer $(printf '%s, ' "${theirs[@]}")"
  printf 'dns %s qps: l7 %.0f %s %.0f ratio %.2f\n' "$label" "$oq" "$peer" "$tq" \
    "$(awk -v a="$oq" -v b="$tq" 'BEGIN { print a / b }')"
  # CPU per query is the steadier number on a shared machine: ratio theirs/ours, > 1 = l7 cheaper.
  printf 'dns %s server CPU per query: l7 %.2f us %s %.2f us ratio %.2f\n' "$label" "$oc" "$peer" "$tc" \
    "$(awk -v a="$oc" -v b="$tc" 'BEGIN { print b / a }')"
}

echo "DNS over UDP, dnsperf -c $clients -T $threads -q $outstanding -l $duration, $workers workers/threads/servers each," \
  "median of $rounds alternating rounds; zone: $records records"
warm "$l7c_port" "$work/cache-queries.txt"
warm "$unbound_port" "$work/cache-queries.txt"
same_answers "cache-hit" "$work/cache-queries.txt" "$l7c_port" "$unbound_port"
compare cache-hit unbound "$work/cache-queries.txt" "$l7c_port" "$l7c_pid" "$unbound_port" "$unbound_pid"
same_answers "authoritative" "$work/auth-queries.txt" "$l7a_port" "$nsd_port"
compare authoritative nsd "$work/auth-queries.txt" "$l7a_port" "$l7a_pid" "$nsd_port" "$nsd_pid"
