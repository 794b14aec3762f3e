#!/usr/bin/env bash
# Install Prometheus and promtool from Debian's `prometheus` package (idempotent).
#
#   deploy/tools/install-prometheus.sh        install when missing, then print both versions
#
# The package is only needed for its binaries: tests start their own Prometheus on 127.0.0.1
# with a temporary config. The package's own service must not start (it would listen on all
# interfaces), so when no policy-rc.d forbids service starts we add one for the install and
# remove it afterwards. Needs root (or sudo) and access to the Debian mirrors.
set -euo pipefail

die() { echo "install-prometheus.sh: $*" >&2; exit 1; }

have() { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; }

if ! have; then
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install Prometheus >= 2.37 and promtool by other means and put them on PATH"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "run as root (or install sudo): apt-get install needs it"
    sudo="sudo"
  fi
  policy=/usr/sbin/policy-rc.d
  added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    added_policy=1
  fi
  cleanup() { if [ -n "$added_policy" ]; then $sudo rm -f "$policy"; fi; }
  trap cleanup EXIT
  if ! apt-cache show prometheus >/dev/null 2>&1; then
    $sudo apt-get update -qq || die "apt-get update failed (are the Debian mirrors reachable?)"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus \
    || die "apt-get install prometheus failed"
fi

have || die "prometheus/promtool still not on PATH after installing"
prometheus --version 2>&1 | head -n 1
promtool --version 2>&1 | head -n 1
