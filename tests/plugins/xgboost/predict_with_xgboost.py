"""Predicts a CSV with XGBoost's own Python package, for tst_xgboost_python_crosscheck.

Usage: predict_with_xgboost.py MODEL FEATURES_CSV OUT_TXT [MODEL FEATURES_CSV OUT_TXT ...]
(several triples in one run: importing xgboost takes seconds).

The CSV starts with a header of feature names; missing values are written as 'nan'.
OUT_TXT gets one line per row: the prediction(s), comma-separated, with 9 significant
digits (enough to round-trip a float32). Prints "rounds=N best_iteration=B" on stdout,
one line per model.
"""
import sys

import numpy as np
import xgboost as xgb


def main(model_path, csv_path, out_path):
    with open(csv_path) as f:
        names = f.readline().strip().split(",")
    x = np.loadtxt(csv_path, delimiter=",", skiprows=1, dtype=np.float32, ndmin=2)
    booster = xgb.Booster(model_file=model_path)
    # Named columns: XGBoost checks them against the names stored in the model.
    data = xgb.DMatrix(x, feature_names=names, missing=np.nan)
    p = booster.predict(data).reshape(x.shape[0], -1)
    with open(out_path, "w") as f:
        for row in p:
            f.write(",".join("%.9g" % v for v in row) + "\n")
    print("rounds=%d best_iteration=%s" % (booster.num_boosted_rounds(), booster.attr("best_iteration")))


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or len(args) % 3:
        sys.exit(__doc__)
    for i in range(0, len(args), 3):
        main(*args[i:i + 3])
