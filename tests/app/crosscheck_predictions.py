"""Cross-check: XGBoost's own Python package loads a model saved by ModelBench and
predicts what `modelbench-cli predict` wrote, to 1e-6.

usage: crosscheck_predictions.py MODEL.ubj DATA.csv TARGET PREDICTIONS.csv
exit 0: agree; 1: disagree; 3: python3-xgboost or numpy missing (the test skips)."""
import csv
import sys

try:
    import numpy as np
    import xgboost as xgb
except ImportError as exc:  # the C++ test turns this into a skip
    print(f"cannot import: {exc}")
    sys.exit(3)

model_path, data_path, target, predictions_path = sys.argv[1:5]
with open(data_path, newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
features = [i for i, name in enumerate(header) if name != target]
x = np.array([[float(r[i]) for i in features] for r in body], dtype=np.float32)

booster = xgb.Booster()
booster.load_model(model_path)
ours_rows = list(csv.reader(open(predictions_path, newline="")))
ours_header, ours_body = ours_rows[0], ours_rows[1:]
theirs = booster.predict(xgb.DMatrix(x, feature_names=[header[i] for i in features]))
column = ours_header.index("probability") if "probability" in ours_header else 0
ours = np.array([float(r[column]) for r in ours_body])
if len(ours) != len(theirs):
    print(f"row counts differ: ours {len(ours)}, xgboost {len(theirs)}")
    sys.exit(1)
worst = float(np.max(np.abs(ours - theirs.reshape(len(ours), -1)[:, 0])))
if worst > 1e-6:
    print(f"predictions differ by up to {worst:.3g}")
    sys.exit(1)
print(f"{len(ours)} rows agree (max abs difference {worst:.3g})")
