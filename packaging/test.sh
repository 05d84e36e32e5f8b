#!/usr/bin/env bash
# Builds everything needed and runs the whole test suite (Qt Test via CTest).
# Installs missing Debian packages first. Usage: packaging/test.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install-deps.sh
cmake --preset default
cmake --build --preset default
ctest --preset default "$@"
