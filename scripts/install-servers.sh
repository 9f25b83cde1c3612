#!/usr/bin/env bash
# Installs the real servers the e2e tests push into: VictoriaMetrics, Pushgateway, Prometheus and
# InfluxDB from Debian's packages. Their system services are kept from starting (the tests start
# each server themselves on free loopback ports) with a temporary policy-rc.d. Etsy statsd is an
# npm dev dependency and needs nothing here. Safe to run again: installed packages are skipped.
set -euo pipefail

packages=(victoria-metrics prometheus-pushgateway prometheus influxdb)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-servers: all installed (${packages[*]})"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

echo "install-servers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-servers: done"
