"""The Python side of the XGBoost training benchmark (see run.sh).

  python_xgboost.py generate DATA_DIR   writes the seeded dataset once: raw little-endian
                                        float32 files x_train.f32, y_train.f32,
                                        x_valid.f32, y_valid.f32 and meta.json (shapes and
                                        the parameters both sides use)
  python_xgboost.py bench DATA_DIR [N]  times xgboost.train() N times (default 3) and
                                        prints "python-xgboost seconds=<best wall>
                                        cpu=<CPU seconds of that run> runs=...
                                        valid_auc=<last round> rounds=<n>"

Timed: DMatrix construction from the in-memory arrays plus xgboost.train() with the
train and validation sets evaluated every round, as ModelBench's train() does.
"""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb

ROWS_TRAIN = 200_000
ROWS_VALID = 50_000
COLS = 50
ROUNDS = 200

# ModelBench parameter names (XgboostTrainer's schema) ...
MODELBENCH_PARAMS = {
    "n_estimators": ROUNDS, "learning_rate": 0.1, "max_depth": 6, "tree_method": "hist",
    "nthread": 2, "seed": 0,
}
# ... and the same settings in XGBoost's own names, defaults spelled out.
XGB_PARAMS = {
    "objective": "binary:logistic", "eval_metric": ["logloss", "auc"], "eta": 0.1,
    "max_depth": 6, "tree_method": "hist", "max_bin": 256, "nthread": 2, "seed": 0,
    "min_child_weight": 1, "subsample": 1, "colsample_bytree": 1, "lambda": 1, "alpha": 0,
    "gamma": 0, "scale_pos_weight": 1,
}


def generate(data_dir):
    os.makedirs(data_dir, exist_ok=True)
    rng = np.random.default_rng(20240601)
    n = ROWS_TRAIN + ROWS_VALID
    x = rng.normal(size=(n, COLS)).astype(np.float32)
    w = rng.normal(size=10)
    logit = x[:, :10] @ w + 0.8 * x[:, 10] * x[:, 11] - 0.5 * np.abs(x[:, 12])
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.float32)
    x[rng.random(x.shape) < 0.01] = np.nan  # a few missing values
    for name, arr in (("x_train", x[:ROWS_TRAIN]), ("y_train", y[:ROWS_TRAIN]),
                      ("x_valid", x[ROWS_TRAIN:]), ("y_valid", y[ROWS_TRAIN:])):
        np.ascontiguousarray(arr, dtype="<f4").tofile(os.path.join(data_dir, name + ".f32"))
    meta = {"rows_train": ROWS_TRAIN, "rows_valid": ROWS_VALID, "cols": COLS,
            "modelbench_params": MODELBENCH_PARAMS, "xgboost_params": XGB_PARAMS}
    with open(os.path.join(data_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


def bench(data_dir, repeats):
    with open(os.path.join(data_dir, "meta.json")) as f:
        meta = json.load(f)
    rt, rv, cols = meta["rows_train"], meta["rows_valid"], meta["cols"]

    def load(name, shape):
        return np.fromfile(os.path.join(data_dir, name + ".f32"), dtype="<f4").reshape(shape)

    x_train, y_train = load("x_train", (rt, cols)), load("y_train", (rt,))
    x_valid, y_valid = load("x_valid", (rv, cols)), load("y_valid", (rv,))
    params = meta["xgboost_params"]
    seconds = []
    cpu = []  # process CPU time (all threads): steadier than wall time on a busy machine
    for _ in range(repeats):
        history = {}
        cpu_start = time.process_time()
        start = time.perf_counter()
        dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan, nthread=params["nthread"])
        dvalid = xgb.DMatrix(x_valid, label=y_valid, missing=np.nan, nthread=params["nthread"])
        xgb.train(params, dtrain, num_boost_round=ROUNDS, evals=[(dtrain, "train"), (dvalid, "valid")],
                  evals_result=history, verbose_eval=False)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    auc = history["valid"]["auc"]
    best = seconds.index(min(seconds))
    print("python-xgboost seconds=%.3f cpu=%.3f runs=%s valid_auc=%.9g rounds=%d"
          % (seconds[best], cpu[best], ",".join("%.3f" % s for s in seconds), auc[-1], len(auc)))


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("generate", "bench"):
        sys.exit(__doc__)
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
    else:
        bench(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
