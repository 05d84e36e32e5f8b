#!/usr/bin/python3
"""Times pandas.read_csv (best of N) on the file bench_csv generated, for run.sh."""
import resource
import sys
import time

import pandas as pd


def main():
    if len(sys.argv) < 2:
        print("usage: pandas_read.py FILE [REPEAT]", file=sys.stderr)
        return 2
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    best = float("inf")
    best_cpu = float("inf")
    shape = None
    for _ in range(repeat):
        start = time.perf_counter()
        cpu_start = time.process_time()
        frame = pd.read_csv(path)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu_start)
        shape = frame.shape
        del frame
    print(f"pandas_version: {pd.__version__}")
    print(f"pandas_rows: {shape[0]}")
    print(f"pandas_columns: {shape[1]}")
    print(f"pandas_best_s: {best:.3f}")
    print(f"pandas_best_cpu_s: {best_cpu:.3f}")
    print(f"pandas_peak_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
