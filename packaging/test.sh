#!/usr/bin/env bash
# Builds everything needed and runs the whole test suite (Qt Test via CTest).
# Installs missing Debian packages first. Usage: packaging/test.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hits from any checkout location: paths are hashed relative to the repository.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR=1
packaging/install-deps.sh
cmake --preset default
cmake --build --preset default
ctest --preset default "$@"
