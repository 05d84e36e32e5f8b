#!/usr/bin/env bash
# Runs every benchmark side by side with its peer, in one go, on a Release build.
# Needs the bench peers: packaging/install-deps.sh --bench
# Usage: tests/bench/run_all.sh            (each benchmark's own run.sh takes options too)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release --target bench_csv bench_xgboost bench_store bench_chart bench_run_table bench_startup modelbench modelbench-cli
echo "== XGBoost training: ModelBench vs python3-xgboost"
tests/bench/xgboost/run.sh
echo "== CSV parsing: ModelBench vs pandas.read_csv"
tests/bench/csv/run.sh
echo "== Workspace store: metric ingest, logging latency, decimation, run queries (vs plain SQLite inserts)"
tests/bench/store/run.sh
echo "== GUI: chart replot, run table, start-up (vs naive QCustomPlot, QStandardItemModel, bare Qt window)"
tests/bench/gui/run.sh
