#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of l7kit with apt-get (Debian 12), and the
# npm peers of the interop tests with `npm ci`.
# Idempotent and quick: it asks dpkg first and runs `apt-get update` only when something is
# missing. Needs root (or sudo) only when it has something to install.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache mold pkg-config clang libclang-rt-14-dev
  libasio-dev libssl-dev libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev
  nlohmann-json3-dev libexpat1-dev zlib1g-dev libpcap-dev libsqlite3-dev libcrypt-dev
  libexpected-dev libgtest-dev libgmock-dev libbenchmark-dev
  # runtime data
  media-types openssl ca-certificates
  # interop peers and benchmark tools
  curl wget python3 nginx-light wrk netcat-openbsd time
  dnsutils knot-dnsutils unbound nsd dnsperf
  python3-websockets chromium
  vsftpd lftp tnftp tftp-hpa tftpd-hpa atftp libpcre2-8-0 libwrap0
  swaks libnet-ssleay-perl libauthen-sasl-perl python3-aiosmtpd postfix dovecot-imapd dovecot-pop3d fetchmail neomutt isync
  # SCRAM-SHA-256 peers: msmtp (GNU SASL), mbsync's Cyrus SASL SCRAM plugin
  msmtp libsasl2-modules
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

# node and npm run the npm peers; a node already installed (e.g. nodesource's, which carries
# its own npm) is kept: Debian's nodejs + npm only when there is no node at all.
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

# npm peers of the interop tests, from their lockfile; `npm ci` only when node_modules is
# missing or older than package-lock.json.
npm_peers() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/interop/websocket/node"
  if [[ ! -d $dir/node_modules || $dir/package-lock.json -nt $dir/node_modules ]]; then
    echo "deps.sh: npm ci in $dir"
    npm ci --prefix "$dir" --no-audit --no-fund
    touch "$dir/node_modules"
  fi
}

# atftpd conflicts with tftpd-hpa as a package, yet the TFTP benchmark runs both: its binary is
# unpacked from the .deb into $peers (its libraries are in the list above).
peers=/opt/l7kit-peers
atftpd_peer() {
  [[ -x $peers/atftpd/usr/sbin/atftpd ]] && return 0
  echo "deps.sh: unpacking atftpd into $peers/atftpd"
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt fetches as _apt
  (cd "$tmp" && apt-get download atftpd >/dev/null)
  $sudo mkdir -p "$peers/atftpd"
  $sudo dpkg-deb -x "$tmp"/atftpd_*.deb "$peers/atftpd"
  rm -rf "$tmp"
}

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

if ((${#missing[@]} == 0)); then
  npm_peers
  atftpd_peer
  exit 0
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages with services (nginx) must not start them: tests run their own instances.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null
  $sudo chmod +x $policy
  made_policy=1
fi
trap '[[ $made_policy == 1 ]] && $sudo rm -f $policy' EXIT
# postfix asks what kind of mail system this is: none (the tests run their own instances; only
# its tools and daemons are used).
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
npm_peers
atftpd_peer
