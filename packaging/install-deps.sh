#!/usr/bin/env bash
# Installs every Debian package ModelBench needs to build, test and run its demo.
# Usage: packaging/install-deps.sh [--bench]   (--bench adds the Python peers used by tests/bench)
# Idempotent: only missing packages are installed. Needs root or sudo.
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev libgl-dev qt6-svg-dev
  libqcustomplot-dev
  libxgboost-dev xgboost
  libsqlite3-dev sqlite3
  libarchive-dev
  libcpp-httplib-dev
  qt6-qpa-plugins fonts-dejavu-core
  xvfb xauth
)
# Tests cross-check saved models against XGBoost's own Python package.
test_pkgs=( python3 python3-xgboost python3-numpy )
bench_pkgs=( python3-pandas python3-sklearn python3-xgboost python3-numpy )

want=("${build_pkgs[@]}" "${test_pkgs[@]}")
if [[ "${1:-}" == "--bench" ]]; then want+=("${bench_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#want[@]} packages present" >&2
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
