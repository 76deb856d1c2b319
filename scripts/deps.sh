#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of l7kit with apt-get (Debian 12).
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
  curl wget python3 nginx-light wrk netcat-openbsd
  dnsutils knot-dnsutils unbound nsd dnsperf
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "deps.sh: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
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
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
