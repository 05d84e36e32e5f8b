#!/usr/bin/env bash
# Compares mb::readCsv with pandas.read_csv on the same generated CSV. Builds nothing:
# build bench_csv first (Release), e.g.
#   cmake --preset release && cmake --build build/release --target bench_csv
# usage: tests/bench/csv/run.sh [SIZE_MB=200] [BUILD_DIR=build/release]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
size_mb="${1:-200}"
build_dir="${2:-${MB_BUILD_DIR:-$root/build/release}}"
bench="$build_dir/bench/bench_csv"
python=/usr/bin/python3

if [[ ! -x "$bench" ]]; then
  echo "no $bench: build the bench_csv target first" >&2
  exit 1
fi

file="$("$bench" --generate-only --size-mb "$size_mb")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Warm the page cache so that both readers start from the same place.
cat "$file" > /dev/null

# Timings: best of 3 in one process. Peak memory: a separate single read each, so that
# allocator caching between repeats does not blur it.
"$bench" --file "$file" --repeat 3 > "$tmp/mb.txt"
"$python" "$here/pandas_read.py" "$file" 3 > "$tmp/pd.txt"
/usr/bin/time -v "$bench" --file "$file" --repeat 1 > /dev/null 2> "$tmp/mb.time"
/usr/bin/time -v "$python" "$here/pandas_read.py" "$file" 1 > /dev/null 2> "$tmp/pd.time"

value() { awk -F': ' -v k="$1" '$1 == k { print $2 }' "$2"; }
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

mb_s="$(value modelbench_best_s "$tmp/mb.txt")"
pd_s="$(value pandas_best_s "$tmp/pd.txt")"
ratio="$(awk -v a="$pd_s" -v b="$mb_s" 'BEGIN { printf "%.1f", a / b }')"

echo "file: $file ($(value bytes "$tmp/mb.txt") bytes, $(value rows "$tmp/mb.txt") rows x $(value columns "$tmp/mb.txt") columns)"
echo "modelbench: threads $(value threads "$tmp/mb.txt"), sha256 hardware $(value sha256_hardware "$tmp/mb.txt"); pandas $(value pandas_version "$tmp/pd.txt")"
echo "csv_parse: modelbench $mb_s s, pandas $pd_s s, ratio pandas/modelbench = ${ratio}x (goal >= 3x)"
mb_nohash="$(value modelbench_nohash_best_s "$tmp/mb.txt")"
echo "csv_parse_without_sha256: modelbench $mb_nohash s, ratio $(awk -v a="$pd_s" -v b="$mb_nohash" 'BEGIN { printf "%.1f", a / b }')x (readCsv without a CsvReport)"
mb_cpu="$(value modelbench_best_cpu_s "$tmp/mb.txt")"
pd_cpu="$(value pandas_best_cpu_s "$tmp/pd.txt")"
echo "cpu_time: modelbench $mb_cpu s (all threads, sha256 included), pandas $pd_cpu s, ratio $(awk -v a="$pd_cpu" -v b="$mb_cpu" 'BEGIN { printf "%.1f", a / b }')x"
echo "load_average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other processes share them)"
echo "peak_rss: modelbench $(rss_mb "$tmp/mb.time") MB, pandas $(rss_mb "$tmp/pd.time") MB (one read each, from /usr/bin/time -v)"
