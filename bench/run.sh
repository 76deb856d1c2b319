#!/usr/bin/env bash
# `make bench`: every benchmark, each running l7 and its best-known peer under the same load in
# one run, printing medians and the ratio ours/theirs. Usage: bench/run.sh path/to/l7
set -euo pipefail
l7=$(realpath "${1:?usage: bench/run.sh path/to/l7}")
here=$(cd "$(dirname "$0")" && pwd)
"$here/http.sh" "$l7"
"$here/idle_memory.sh" "$l7"
"$here/dns.sh" "$l7"
"$here/websocket.sh" "$l7"
"$here/ftp.sh" "$l7"
"$here/tftp.sh" "$l7"
"$here/smtp.sh" "$l7"
"$here/imap.sh" "$l7"
