#!/bin/sh
# XGBoost training: ModelBench's trainer vs XGBoost's Python package, same data, same
# parameters (hist, max_depth 6, eta 0.1, 200 rounds, nthread 2, train + valid evaluated
# every round), training time only, best of 3 (the two sides alternate, one run at a
# time, so that a busy machine slows both alike).
#
# Usage: tests/bench/xgboost/run.sh [BENCH_BINARY] [DATA_DIR]
#   BENCH_BINARY  default: build/release/bin/bench_xgboost (a Release build)
#   DATA_DIR      default: ${TMPDIR:-/tmp}/modelbench-bench-xgboost (generated once)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bench=${1:-$root/build/release/bin/bench_xgboost}
data=${2:-${TMPDIR:-/tmp}/modelbench-bench-xgboost}
python=${PYTHON:-/usr/bin/python3}
repeats=3

[ -x "$bench" ] || { echo "run.sh: $bench not found: build the bench_xgboost target (Release) first" >&2; exit 2; }
if [ ! -f "$data/meta.json" ]; then
    echo "generating the dataset in $data ..." >&2
    "$python" "$here/python_xgboost.py" generate "$data"
fi

best() { # "wall cpu" of the line with the smallest seconds= among the lines on stdin
    sed -n 's/.*seconds=\([0-9.]*\) cpu=\([0-9.]*\).*/\1 \2/p' | sort -g | head -n 1
}

ours=""
theirs=""
i=0
while [ $i -lt $repeats ]; do
    line=$("$bench" "$data" 1)
    echo "  $line" >&2
    ours="$ours$line
"
    line=$("$python" "$here/python_xgboost.py" bench "$data" 1)
    echo "  $line" >&2
    theirs="$theirs$line
"
    i=$((i + 1))
done

a=$(printf '%s' "$ours" | best)
b=$(printf '%s' "$theirs" | best)
# Wall time decides; CPU time (all threads) is printed too because it varies less when
# other processes compete for the cores.
echo "$a $b" | awk '{
    r = $1 / $3
    verdict = (r >= 0.95 && r <= 1.05) ? "ok" : "OUTSIDE GOAL"
    printf "xgboost_train: modelbench %.2f s, python-xgboost %.2f s, ratio = %.2f (goal within +-5%%: %s); ", $1, $3, r, verdict
    printf "cpu %.2f s vs %.2f s, ratio = %.2f\n", $2, $4, $2 / $4
}'
