#!/usr/bin/python3
"""Writes fixtures.json: reference values from scikit-learn for tst_metrics.

Run from anywhere with the system Python (scikit-learn 1.2, numpy):
    /usr/bin/python3 tests/data/metrics/generate_fixtures.py
Every random case is drawn from a seeded numpy Generator, so the output is
reproducible. A value sklearn refuses to compute (it raises) is written as null;
so is a NaN it returns. Floats are written with repr (shortest round-trip).
"""

import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as skm

LOG_LOSS_EPS = 1e-15  # the clip ModelBench uses; sklearn 1.2's own default is dtype eps
warnings.filterwarnings("ignore")


def num(v):
    """A float for JSON, None for NaN and for 'sklearn raised'."""
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValueError:
        return None


def floats(a):
    return [num(v) for v in np.asarray(a, dtype=float).ravel()]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


# ---------------------------------------------------------------- label metrics

def label_case(name, y_true, y_pred, k, pos_label=1):
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    c = {"name": name, "y_true": ints(y_true), "y_pred": ints(y_pred), "num_classes": k,
         "positive_label": pos_label,
         "accuracy": num(call(skm.accuracy_score, y_true, y_pred))}
    for avg in ("binary", "macro", "weighted"):
        kw = {"average": avg, "zero_division": 0}
        if avg == "binary":
            kw["pos_label"] = pos_label
        c["precision_" + avg] = num(call(skm.precision_score, y_true, y_pred, **kw))
        c["recall_" + avg] = num(call(skm.recall_score, y_true, y_pred, **kw))
        c["f1_" + avg] = num(call(skm.f1_score, y_true, y_pred, **kw))
    labels = list(range(k))
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                     average=None, zero_division=0)
    c["per_class"] = {"precision": floats(p), "recall": floats(r), "f1": floats(f), "support": ints(s)}
    c["confusion_matrix"] = [ints(row) for row in skm.confusion_matrix(y_true, y_pred, labels=labels)]
    return c


def label_cases(rng):
    out = []
    out.append(label_case("binary small", [0, 1, 1, 0, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 1], 2))
    out.append(label_case("binary positive label 0", [0, 1, 1, 0, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 1], 2, pos_label=0))
    out.append(label_case("binary never predicts positive", [0, 1, 1, 0, 0], [0, 0, 0, 0, 0], 2))
    out.append(label_case("binary no positives at all", [0, 0, 0, 0], [0, 0, 0, 0], 2))
    out.append(label_case("binary all wrong", [0, 1, 0, 1], [1, 0, 1, 0], 2))
    out.append(label_case("binary perfect", [1, 0, 1, 0, 1], [1, 0, 1, 0, 1], 2))
    y = (rng.random(400) < 0.07).astype(int)
    p = np.where(rng.random(400) < 0.85, y, 1 - y)
    out.append(label_case("binary imbalanced", y, p, 2))
    y = rng.integers(0, 2, 1000)
    p = np.where(rng.random(1000) < 0.7, y, 1 - y)
    out.append(label_case("binary random 1000", y, p, 2))
    # sklearn raises when the positive label is absent but two other labels are present
    out.append(label_case("positive label absent", [0, 2, 2, 0], [0, 2, 0, 0], 3))
    # sklearn raises for average='binary' on three labels: expected null there
    out.append(label_case("three classes", [0, 1, 2, 2, 1, 0, 2, 1, 1], [0, 2, 2, 1, 1, 0, 2, 0, 1], 3))
    y = rng.integers(0, 3, 300)
    p = np.where(rng.random(300) < 0.6, y, rng.integers(0, 3, 300))
    out.append(label_case("three classes random", y, p, 3))
    y = rng.integers(0, 5, 500)
    p = np.where(rng.random(500) < 0.5, y, rng.integers(0, 4, 500))
    p[p == 3] = 2  # class 3 is never predicted: zero division for its precision
    out.append(label_case("five classes one never predicted", y, p, 5))
    y = rng.integers(0, 4, 200)  # class 4 appears in neither vector
    p = np.where(rng.random(200) < 0.5, y, rng.integers(0, 4, 200))
    out.append(label_case("five classes one absent", y, p, 5))
    y = np.array([0, 0, 0, 0, 0, 0, 1, 2, 2, 4])
    p = np.array([0, 0, 1, 0, 3, 0, 1, 2, 0, 4])
    out.append(label_case("five classes predicted but absent in truth", y, p, 5))
    return out


# -------------------------------------------------------------- score metrics

def curve_roc(y, s, drop):
    r = call(skm.roc_curve, y, s, drop_intermediate=drop)
    if r is None:
        return None
    fpr, tpr, thr = r
    return {"x": floats(fpr), "y": floats(tpr), "thresholds": floats(thr)}


def curve_pr(y, s):
    r = call(skm.precision_recall_curve, y, s)
    if r is None:
        return None
    prec, rec, thr = r
    return {"x": floats(rec), "y": floats(prec), "thresholds": floats(thr)}


def score_case(name, y_true, score):
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(score, dtype=float)
    return {"name": name, "y_true": ints(y), "score": floats(s),
            "roc_auc": num(call(skm.roc_auc_score, y, s)),
            "average_precision": num(call(skm.average_precision_score, y, s)),
            "log_loss": num(call(skm.log_loss, y, np.clip(s, 0, 1), labels=[0, 1], eps=LOG_LOSS_EPS)),
            "log_loss_machine_eps": num(call(skm.log_loss, y, np.clip(s, 0, 1), labels=[0, 1],
                                             eps=float(np.finfo(np.float64).eps))),
            "log_loss_two_columns": num(call(skm.log_loss, y, np.column_stack([1 - s, s]), labels=[0, 1],
                                             eps=LOG_LOSS_EPS)),
            "roc_curve": curve_roc(y, s, True),
            "roc_curve_all": curve_roc(y, s, False),
            "pr_curve": curve_pr(y, s)}


def score_cases(rng):
    out = []
    out.append(score_case("small with ties", [0, 0, 1, 1, 0, 1, 1, 0, 1, 0],
                          [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.9, 0.1, 0.35, 0.2]))
    y = rng.integers(0, 2, 60)
    s = np.round(np.clip(0.3 * y + rng.random(60) * 0.7, 0, 1), 1)
    out.append(score_case("ties rounded to 1 decimal", y, s))
    y = rng.integers(0, 2, 2000)
    s = np.round(np.clip(0.25 * y + rng.random(2000) * 0.75, 0, 1), 1)
    out.append(score_case("ties rounded 2000", y, s))
    y = rng.integers(0, 2, 500)
    s = 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + rng.normal(0, 1.5, 500))))
    out.append(score_case("continuous 500", y, s))
    out.append(score_case("perfectly separated", [0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.95]))
    out.append(score_case("perfectly reversed", [1, 1, 0, 0], [0.1, 0.2, 0.7, 0.8]))
    out.append(score_case("all same scores", [0, 1, 1, 0, 1], [0.5, 0.5, 0.5, 0.5, 0.5]))
    out.append(score_case("probabilities 0 and 1", [0, 1, 1, 0, 1, 0], [0.0, 1.0, 0.0, 1.0, 1.0, 0.0]))
    y = (rng.random(1000) < 0.03).astype(int)
    s = np.clip(0.2 * y + rng.beta(2, 5, 1000), 0, 1)
    out.append(score_case("imbalanced 3 percent", y, s))
    out.append(score_case("only negatives", [0, 0, 0, 0], [0.1, 0.3, 0.3, 0.9]))
    out.append(score_case("only positives", [1, 1, 1], [0.2, 0.5, 0.9]))
    out.append(score_case("single sample", [1], [0.7]))
    return out


def multi_case(name, y_true, probs, k):
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(probs, dtype=float).reshape(len(y), k)
    return {"name": name, "y_true": ints(y), "probs": floats(p), "num_classes": k,
            "roc_auc_ovr_macro": num(call(skm.roc_auc_score, y, p, multi_class="ovr", average="macro")),
            "log_loss": num(call(skm.log_loss, y, p, labels=list(range(k)), eps=LOG_LOSS_EPS))}


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def multi_cases(rng):
    out = []
    y = rng.integers(0, 3, 150)
    z = rng.normal(0, 1, (150, 3))
    z[np.arange(150), y] += 1.0
    out.append(multi_case("three classes 150", y, softmax(z), 3))
    y = rng.integers(0, 5, 400)
    z = rng.normal(0, 1, (400, 5))
    z[np.arange(400), y] += 0.8
    out.append(multi_case("five classes 400", y, softmax(z), 5))
    y = rng.integers(0, 3, 90)
    palette = np.array([[0.5, 0.25, 0.25], [0.25, 0.5, 0.25], [0.25, 0.25, 0.5], [0.5, 0.5, 0.0]])
    pick = np.where(rng.random(90) < 0.5, y, rng.integers(0, 4, 90))  # few distinct rows: many ties
    out.append(multi_case("three classes tied probabilities", y, palette[pick], 3))
    out.append(multi_case("hard zero probabilities", [0, 1, 2, 1],
                          [1, 0, 0, 0, 1, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5], 3))
    out.append(multi_case("class missing from truth", [0, 1, 0, 1],
                          [0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.5, 0.25, 0.25, 0.1, 0.8, 0.1], 3))
    out.append(multi_case("rows not summing to one", [0, 1, 2],
                          [0.6, 0.6, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.6], 3))
    return out


# ------------------------------------------------------------------ regression

def reg_case(name, y_true, y_pred):
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    return {"name": name, "y_true": floats(y), "y_pred": floats(p),
            "rmse": num(call(skm.mean_squared_error, y, p, squared=False)),
            "mae": num(call(skm.mean_absolute_error, y, p)),
            "r2": num(call(skm.r2_score, y, p)),
            "mape": num(call(skm.mean_absolute_percentage_error, y, p))}


def reg_cases(rng):
    out = []
    out.append(reg_case("small", [3, -0.5, 2, 7], [2.5, 0.0, 2, 8]))
    out.append(reg_case("zero in truth", [0.0, 1.0, 2.0, 0.0, -3.0], [0.1, 1.2, 1.7, 0.0, -2.5]))
    out.append(reg_case("perfect", [1.5, 2.5, 3.5], [1.5, 2.5, 3.5]))
    out.append(reg_case("constant truth", [2.0, 2.0, 2.0], [1.0, 2.0, 3.0]))
    out.append(reg_case("constant truth perfect", [2.0, 2.0], [2.0, 2.0]))
    out.append(reg_case("single sample", [4.0], [3.0]))
    y = rng.normal(50, 20, 1000)
    out.append(reg_case("random 1000", y, y + rng.normal(0, 5, 1000)))
    y = rng.lognormal(0, 2, 300)
    out.append(reg_case("heavy tailed 300", y, y * rng.uniform(0.5, 1.5, 300)))
    return out


# ---------------------------------------------- classificationMetrics() JSON

def json_case(name, y_true, probs, k, labels):
    y = np.asarray(y_true, dtype=int)
    n = len(y)
    p = np.asarray(probs, dtype=float)
    exp = {}
    if k == 2:
        pred = (p >= 0.5).astype(int)
        exp["precision"] = num(skm.precision_score(y, pred, zero_division=0))
        exp["recall"] = num(skm.recall_score(y, pred, zero_division=0))
        exp["f1"] = num(skm.f1_score(y, pred, zero_division=0))
        exp["roc_auc"] = num(call(skm.roc_auc_score, y, p))
        exp["average_precision"] = num(call(skm.average_precision_score, y, p))
        exp["log_loss"] = num(call(skm.log_loss, y, p, labels=[0, 1], eps=LOG_LOSS_EPS))
    else:
        p2 = p.reshape(n, k)
        pred = p2.argmax(axis=1)
        for avg, suffix in (("macro", ""), ("weighted", "_weighted")):
            exp["precision" + suffix] = num(skm.precision_score(y, pred, average=avg, zero_division=0))
            exp["recall" + suffix] = num(skm.recall_score(y, pred, average=avg, zero_division=0))
            exp["f1" + suffix] = num(skm.f1_score(y, pred, average=avg, zero_division=0))
        exp["roc_auc"] = num(call(skm.roc_auc_score, y, p2, multi_class="ovr", average="macro"))
        exp["log_loss"] = num(call(skm.log_loss, y, p2, labels=list(range(k)), eps=LOG_LOSS_EPS))
        pr, rc, f, s = skm.precision_recall_fscore_support(y, pred, labels=list(range(k)),
                                                           average=None, zero_division=0)
        exp["per_class"] = {labels[i]: {"precision": num(pr[i]), "recall": num(rc[i]), "f1": num(f[i]),
                                        "support": int(s[i])} for i in range(k)}
    exp["accuracy"] = num(skm.accuracy_score(y, pred))
    exp["confusion_matrix"] = [ints(r) for r in skm.confusion_matrix(y, pred, labels=list(range(k)))]
    return {"name": name, "y_true": ints(y), "probs": floats(p), "num_classes": k,
            "class_labels": labels, "expected": exp}


def json_cases(rng):
    out = []
    y = rng.integers(0, 2, 200)
    s = np.round(1 / (1 + np.exp(-(1.5 * (2 * y - 1) + rng.normal(0, 1.5, 200)))), 2)
    s[:3] = 0.5  # p == 0.5 predicts the positive class
    out.append(json_case("binary 200", y, s, 2, ["benign", "malignant"]))
    y = rng.integers(0, 3, 120)
    z = rng.normal(0, 1, (120, 3))
    z[np.arange(120), y] += 1.2
    out.append(json_case("iris-like 120", y, softmax(z), 3, ["setosa", "versicolor", "virginica"]))
    y = rng.integers(0, 4, 80)
    z = rng.normal(0, 1, (80, 4))
    z[:, 3] -= 10  # class 3 never predicted
    out.append(json_case("four classes one never predicted", y, softmax(z), 4, ["a", "b", "c", "d"]))
    return out


def main():
    rng = np.random.default_rng(20240611)
    data = {"generator": "generate_fixtures.py", "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__, "log_loss_eps": LOG_LOSS_EPS,
            "labels": label_cases(rng), "scores": score_cases(rng), "multiclass_probs": multi_cases(rng),
            "regression": reg_cases(rng), "classification_metrics": json_cases(rng)}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures.json")
    with open(path, "w") as fh:
        json.dump(data, fh, allow_nan=False, separators=(",", ":"))
        fh.write("\n")


if __name__ == "__main__":
    main()
