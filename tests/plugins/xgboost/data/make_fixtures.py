"""Regenerates the damaged-model fixtures for tst_xgboost_trainer (run once by hand).

Each file is one bad input for XgboostTrainer::load(): a small genuine XGBoost 1.7
model with one field broken the way a damaged file could be, plus non-model files.
One good input too: python_pruned.ubj, a model whose trees hold deleted (pruned) nodes,
with python_pruned_rows.csv (features, then XGBoost's own prediction, per line).
Usage: /usr/bin/python3 make_fixtures.py   (writes next to this script)
"""
import json
import os

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))


def tiny_model(**extra):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 3)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32)
    d = xgb.DMatrix(x, label=y, feature_names=["a", "b", "c"])
    params = {"objective": "binary:logistic", "max_depth": 2, "seed": 0, "nthread": 1}
    params.update(extra)
    booster = xgb.train(params, d, num_boost_round=2)
    return json.loads(booster.save_raw("json").decode())


def write(name, doc):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(doc, f, separators=(",", ":"))


def write_pruned_model():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(600, 4)).astype(np.float32)
    y = (x[:, 0] + rng.normal(size=600) > 0).astype(np.float32)
    d = xgb.DMatrix(x, label=y, feature_names=["p", "q", "r", "s"])
    params = {"objective": "binary:logistic", "tree_method": "exact", "gamma": 2.0,
              "max_depth": 6, "seed": 0, "nthread": 1}
    booster = xgb.train(params, d, num_boost_round=3)
    deleted = [int(t["tree_param"]["num_deleted"])
               for t in json.loads(booster.save_raw("json").decode())["learner"]["gradient_booster"]["model"]["trees"]]
    assert sum(deleted) > 0, "expected pruned nodes"
    booster.save_model(os.path.join(HERE, "python_pruned.ubj"))
    x_test = x[:20].copy()
    x_test[::4, 1] = np.nan
    p = booster.predict(xgb.DMatrix(x_test, feature_names=["p", "q", "r", "s"]))
    with open(os.path.join(HERE, "python_pruned_rows.csv"), "w") as f:
        for row, pred in zip(x_test, p):
            f.write(",".join("%.9g" % v for v in row) + ",%.9g\n" % pred)


def main():
    m = tiny_model()
    tree = m["learner"]["gradient_booster"]["model"]["trees"][0]

    bad = json.loads(json.dumps(m))
    bad["learner"]["gradient_booster"]["model"]["trees"][0]["left_children"][0] = 99
    write("bad_child_index.json", bad)

    bad = json.loads(json.dumps(m))
    bad["learner"]["gradient_booster"]["model"]["trees"][0]["split_indices"][0] = 7
    write("bad_split_feature.json", bad)

    bad = json.loads(json.dumps(m))
    t = bad["learner"]["gradient_booster"]["model"]["trees"][0]
    t["right_children"][0] = t["left_children"][0]
    write("shared_child.json", bad)

    bad = json.loads(json.dumps(m))
    bad["learner"]["gradient_booster"]["model"]["trees"][1]["base_weights"] = tree["base_weights"][:1]
    write("short_array.json", bad)

    bad = json.loads(json.dumps(m))
    bad["learner"]["gradient_booster"]["model"]["tree_info"] = [0, 4]
    write("bad_tree_info.json", bad)

    bad = json.loads(json.dumps(m))
    bad["version"] = [2, 0, 3]
    write("newer_version.json", bad)

    write("unsupported_objective.json", tiny_model(objective="count:poisson"))
    write("unsupported_booster.json", tiny_model(booster="gblinear"))
    write("not_a_model.json", {"hello": "world", "version": [1, 7, 4]})

    write_pruned_model()

    rng = np.random.default_rng(11)
    with open(os.path.join(HERE, "random_bytes.ubj"), "wb") as f:
        f.write(b"{" + rng.integers(0, 256, size=511, dtype=np.uint8).tobytes())


if __name__ == "__main__":
    main()
