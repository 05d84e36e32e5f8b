#!/usr/bin/env bash
# Builds everything needed and runs the main job: the ModelBench desktop on the demo
# workspace (~/ModelBench/demo, prepared on first start: the demo data and pipelines, and
# the three demo pipelines run as jobs so that curves, runs and evaluations are there).
# Installs missing Debian packages first.
# Usage: packaging/demo.sh [workspace-dir]
# Without a display ($DISPLAY / $WAYLAND_DISPLAY unset) it runs under Xvfb and renders
# every view into ~/ModelBench/screenshots instead of opening a window.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hits from any checkout location: paths are hashed relative to the repository.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR=1
packaging/install-deps.sh >&2
cmake --preset default >&2
cmake --build --preset default --target modelbench modelbench-cli >&2
workspace="${1:-${MODELBENCH_DEMO_WORKSPACE:-$HOME/ModelBench/demo}}"
export MODELBENCH_DEMO_WORKSPACE="$workspace"
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
  exec build/default/bin/modelbench --demo
fi
out="${MODELBENCH_SCREENSHOTS:-$HOME/ModelBench/screenshots}"
echo "No display: rendering every view of the demo workspace into $out" >&2
exec xvfb-run -a -s '-screen 0 1600x1000x24' build/default/bin/modelbench --screenshots "$out"
