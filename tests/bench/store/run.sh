#!/usr/bin/env bash
# The workspace store's benchmark: metric ingest vs a plain prepared SQLite insert (same
# run, same pragmas), the logging call's latency and its cost in a training loop, a
# 1M-point series decimated to 2,000 buckets, 10,000 runs listed and sorted by a metric.
# Builds nothing: build bench_store first (Release), e.g.
#   cmake --preset release && cmake --build build/release --target bench_store
# usage: tests/bench/store/run.sh [POINTS=5000000] [BUILD_DIR=build/release]
# Takes ~30 s; the temporary workspaces go under $TMPDIR (about 250 MB).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
points="${1:-5000000}"
build_dir="${2:-${MB_BENCH_BUILD_DIR:-$root/build/release}}"
bench="$build_dir/bench/bench_store"

if [[ ! -x "$bench" ]]; then
  echo "no $bench: build the bench_store target first" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bench" --points "$points" > "$tmp/out.txt" 2> "$tmp/err.txt" || { cat "$tmp/err.txt" >&2; exit 1; }
value() { awk -F': ' -v k="$1" '$1 == k { print $2 }' "$tmp/out.txt"; }

echo "ingest: $(value ingest_points) points (10 runs x 10 keys): store $(value store_points_per_s) points/s," \
     "plain prepared SQLite insert $(value plain_sqlite_points_per_s) points/s," \
     "ratio store/plain = $(value ingest_ratio_store_over_plain) (goal >= 0.5, and >= 1,000,000 points/s)"
echo "writer: $(value writer_commits) commits, longest $(value writer_max_commit_ms) ms"
echo "training loop: $(value loop_steps) steps of ~$(value loop_step_measured_us) us, 10 log() calls a step:" \
     "slowdown $(value loop_slowdown_percent) % (goal < 1 %)"
echo "log() call latency: p50 $(value log_call_p50_ns) ns, p99 $(value log_call_p99_ns) ns," \
     "p99.9 $(value log_call_p999_ns) ns, max $(value log_call_max_ns) ns over $(value log_calls_timed) calls (goal p99 <= 5000 ns)"
echo "logMetric(QString...) call: $(value logmetric_string_api_ns_per_call) ns on average"
echo "1M-point series -> 2,000 buckets: $(value buckets_1m_to_2000_ms) ms warm," \
     "$(value buckets_1m_to_2000_first_ms) ms first, $(value buckets_1m_to_2000_after_open_ms) ms after a fresh open" \
     "(goal <= 50 ms); spike kept: $(value buckets_spike_kept); whole series read: $(value series_1m_full_read_ms) ms"
echo "10,000 runs, latest+best of 3 keys, sorted by best valid-loss: $(value query_10k_runs_ms) ms warm," \
     "$(value query_10k_runs_first_ms) ms first (goal <= 100 ms); filtered top 100: $(value query_10k_runs_filtered_top100_ms) ms;" \
     "listRuns: $(value list_runs_10k_ms) ms"
echo "load_average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other processes share them)"
