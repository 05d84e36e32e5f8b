#!/usr/bin/env bash
# The GUI's benchmarks, offscreen (no display needed), each against its peer in the same run:
#   bench_chart      20 runs x 1M points: replot time of the decimated chart (goal <= 16 ms
#                    median) vs a naive QCustomPlot holding every raw point
#   bench_run_table  10,000 runs: table open (goal <= 500 ms) and sort (goal <= 100 ms) vs a
#                    QStandardItemModel filled with the same rows
#   bench_startup    process start to the painted main window on the demo workspace (goal
#                    <= 500 ms) vs a bare Qt window
# Builds nothing: build the targets first (Release), e.g.
#   cmake --preset release && cmake --build build/release --target bench_chart bench_run_table bench_startup modelbench modelbench-cli
# usage: tests/bench/gui/run.sh [BUILD_DIR=build/release]      (takes ~2 minutes)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
build_dir="${1:-${MB_BENCH_BUILD_DIR:-$root/build/release}}"
export QT_QPA_PLATFORM=offscreen
export MODELBENCH_PLUGIN_PATH="$build_dir/lib/modelbench/plugins"
for b in bench_chart bench_run_table bench_startup; do
  [[ -x "$build_dir/bench/$b" ]] || { echo "no $build_dir/bench/$b: build it first" >&2; exit 1; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "-- chart: 20 runs x 1M points"
"$build_dir/bench/bench_chart"
echo "-- run table: 10,000 runs"
"$build_dir/bench/bench_run_table"
echo "-- start-up on the demo workspace (3 finished runs)"
ws="$tmp/demo"
mkdir -p "$ws"
cp -r "$root/resources/demo/data" "$root/resources/demo/pipelines" "$ws/"
for p in breast_cancer wine diabetes; do
  MODELBENCH_SYSTEM_METRICS=off "$build_dir/bin/modelbench-cli" run "$ws/pipelines/$p.json" --workspace "$ws" >/dev/null
done
XDG_CONFIG_HOME="$tmp/config" "$build_dir/bench/bench_startup" "$build_dir/bin/modelbench" "$ws"
