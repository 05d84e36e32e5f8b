#include "plugins/xgboost/xgboost_model_file.h"

#include "plugins/xgboost/ubjson_reader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QVersionNumber>

#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

namespace mb::xgb {

namespace {

constexpr qint64 kMaxFeatures = 10'000'000;
constexpr qint64 kMaxClasses = 100'000;
constexpr qint64 kMaxNodes = std::numeric_limits<std::int32_t>::max();
// XGBoost writes the root's parent as kInvalidNodeId with the "is left child" bit cleared.
constexpr qint64 kRootParent = std::numeric_limits<std::int32_t>::max();

Error invalid(const QString &where, const QString &what)
{
    return Error(QStringLiteral("not a valid XGBoost model: %1 (at %2)").arg(what, where)).inField(where);
}

bool wholeNumber(const QJsonValue &v, qint64 *out)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15)
        return false;
    *out = qint64(d);
    return true;
}

// XGBoost stores most parameters as strings of integers ("num_feature": "5").
Result<qint64> intParam(const QJsonObject &obj, const QString &key, const QString &where, qint64 lo, qint64 hi)
{
    const QJsonValue v = obj.value(key);
    const QString at = where + QLatin1Char('.') + key;
    bool ok = false;
    qint64 n = 0;
    if (v.isString())
        n = v.toString().toLongLong(&ok);
    else
        ok = wholeNumber(v, &n);
    if (!ok)
        return invalid(at, QStringLiteral("expected an integer"));
    if (n < lo || n > hi)
        return invalid(at, QStringLiteral("%1 is outside [%2, %3]").arg(n).arg(lo).arg(hi));
    return n;
}

Result<QJsonObject> objectAt(const QJsonObject &parent, const QString &key, const QString &where)
{
    const QJsonValue v = parent.value(key);
    if (!v.isObject())
        return invalid(where + QLatin1Char('.') + key, QStringLiteral("expected an object"));
    return v.toObject();
}

// An array of `n` whole numbers, each in [lo, hi].
Status intArray(const QJsonObject &tree, const QString &key, const QString &where, qint64 n, qint64 lo, qint64 hi,
                std::vector<qint64> *out)
{
    const QString at = where + QLatin1Char('.') + key;
    const QJsonValue v = tree.value(key);
    if (!v.isArray())
        return invalid(at, QStringLiteral("expected an array"));
    const QJsonArray a = v.toArray();
    if (a.size() != n)
        return invalid(at, QStringLiteral("has %1 entries, the tree has %2 nodes").arg(a.size()).arg(n));
    out->resize(std::size_t(n));
    for (qint64 i = 0; i < n; ++i) {
        qint64 x = 0;
        const QJsonValue item = a.at(i);
        if (item.isBool()) // XGBoost before 1.6 wrote default_left as booleans
            x = item.toBool() ? 1 : 0;
        else if (!wholeNumber(item, &x))
            x = lo - 1;
        if (x < lo || x > hi)
            return invalid(QStringLiteral("%1[%2]").arg(at).arg(i), QStringLiteral("expected an integer in [%1, %2]").arg(lo).arg(hi));
        (*out)[std::size_t(i)] = x;
    }
    return Status::success();
}

Status numberArray(const QJsonObject &tree, const QString &key, const QString &where, qint64 n)
{
    const QString at = where + QLatin1Char('.') + key;
    const QJsonValue v = tree.value(key);
    if (!v.isArray())
        return invalid(at, QStringLiteral("expected an array"));
    const QJsonArray a = v.toArray();
    if (a.size() != n)
        return invalid(at, QStringLiteral("has %1 entries, the tree has %2 nodes").arg(a.size()).arg(n));
    for (qint64 i = 0; i < n; ++i)
        if (!a.at(i).isDouble())
            return invalid(QStringLiteral("%1[%2]").arg(at).arg(i), QStringLiteral("expected a number"));
    return Status::success();
}

Status checkTree(const QJsonValue &value, qint64 index, qint64 numFeature, const QString &where)
{
    if (!value.isObject())
        return invalid(where, QStringLiteral("expected a tree object"));
    const QJsonObject tree = value.toObject();
    qint64 id = -1;
    if (!wholeNumber(tree.value(QStringLiteral("id")), &id) || id != index)
        return invalid(where + QStringLiteral(".id"), QStringLiteral("expected %1").arg(index));
    const Result<QJsonObject> param = objectAt(tree, QStringLiteral("tree_param"), where);
    if (!param)
        return param.error();
    const QString pw = where + QStringLiteral(".tree_param");
    const Result<qint64> n = intParam(*param, QStringLiteral("num_nodes"), pw, 1, kMaxNodes);
    if (!n)
        return n.error();
    const Result<qint64> nf = intParam(*param, QStringLiteral("num_feature"), pw, numFeature, numFeature);
    if (!nf)
        return nf.error();
    const Result<qint64> leafVector = intParam(*param, QStringLiteral("size_leaf_vector"), pw, 0, 0);
    if (!leafVector)
        return leafVector.error();
    const Result<qint64> deleted = intParam(*param, QStringLiteral("num_deleted"), pw, 0, *n - 1);
    if (!deleted)
        return deleted.error();

    std::vector<qint64> left, right, parents, splitIndex, splitType, defaultLeft;
    for (const auto &[key, vec, lo, hi] :
         {std::tuple{QStringLiteral("left_children"), &left, qint64(-1), *n - 1},
          std::tuple{QStringLiteral("right_children"), &right, qint64(-1), *n - 1},
          std::tuple{QStringLiteral("parents"), &parents, qint64(-1), kRootParent},
          std::tuple{QStringLiteral("split_indices"), &splitIndex, qint64(0), kRootParent},
          std::tuple{QStringLiteral("split_type"), &splitType, qint64(0), qint64(0)},
          std::tuple{QStringLiteral("default_left"), &defaultLeft, qint64(0), qint64(1)}}) {
        if (vec == &splitType && !tree.contains(key)) { // absent before XGBoost 1.6: all numerical
            splitType.assign(std::size_t(*n), 0);
            continue;
        }
        if (const Status s = intArray(tree, key, where, *n, lo, hi, vec); !s.ok())
            return s;
    }
    for (const QString &key : {QStringLiteral("split_conditions"), QStringLiteral("base_weights"),
                               QStringLiteral("loss_changes"), QStringLiteral("sum_hessian")}) {
        if (const Status s = numberArray(tree, key, where, *n); !s.ok())
            return s;
    }
    for (const QString &key : {QStringLiteral("categories"), QStringLiteral("categories_nodes"),
                               QStringLiteral("categories_segments"), QStringLiteral("categories_sizes")}) {
        const QJsonValue v = tree.value(key);
        if (!v.isUndefined() && !(v.isArray() && v.toArray().isEmpty()))
            return invalid(where + QLatin1Char('.') + key, QStringLiteral("categorical splits are not supported"));
    }

    // XGBoost's loader follows the parent link of every node but the root, reachable or not.
    if (parents[0] != -1 && parents[0] != kRootParent)
        return invalid(where + QStringLiteral(" node 0"), QStringLiteral("the root has a parent"));
    for (std::size_t i = 1; i < parents.size(); ++i)
        if (parents[i] < 0 || parents[i] >= *n)
            return invalid(QStringLiteral("%1.parents[%2]").arg(where).arg(i), QStringLiteral("expected a node below %1").arg(*n));

    // Walk from the root as XGBoost's prediction does: every reachable node must be a
    // leaf or a split on an existing feature with two children not seen before.
    std::vector<char> seen(std::size_t(*n), 0);
    std::vector<qint64> stack{0};
    seen[0] = 1;
    while (!stack.empty()) {
        const std::size_t i = std::size_t(stack.back());
        stack.pop_back();
        const QString at = QStringLiteral("%1 node %2").arg(where).arg(i);
        if (left[i] == -1 && right[i] == -1)
            continue;
        if (left[i] <= 0 || right[i] <= 0 || left[i] == right[i])
            return invalid(at, QStringLiteral("a split needs two distinct child nodes"));
        if (splitIndex[i] >= numFeature)
            return invalid(at, QStringLiteral("splits on feature %1 of %2").arg(splitIndex[i]).arg(numFeature));
        for (const qint64 child : {left[i], right[i]}) {
            if (seen[std::size_t(child)])
                return invalid(at, QStringLiteral("child node %1 is reachable twice").arg(child));
            if (parents[std::size_t(child)] != qint64(i))
                return invalid(at, QStringLiteral("child node %1 names a different parent").arg(child));
            seen[std::size_t(child)] = 1;
            stack.push_back(child);
        }
    }
    return Status::success();
}

Status checkFeatureInfo(const QJsonObject &learner, qint64 numFeature, ModelFileInfo *info)
{
    const QJsonValue names = learner.value(QStringLiteral("feature_names"));
    if (!names.isUndefined()) {
        if (!names.isArray())
            return invalid(QStringLiteral("learner.feature_names"), QStringLiteral("expected an array"));
        const QJsonArray a = names.toArray();
        if (!a.isEmpty() && a.size() != numFeature)
            return invalid(QStringLiteral("learner.feature_names"),
                           QStringLiteral("has %1 names for %2 features").arg(a.size()).arg(numFeature));
        for (const QJsonValue &v : a) {
            if (!v.isString())
                return invalid(QStringLiteral("learner.feature_names"), QStringLiteral("expected strings"));
            info->featureNames << v.toString();
        }
    }
    const QJsonValue types = learner.value(QStringLiteral("feature_types"));
    if (!types.isUndefined()) {
        if (!types.isArray())
            return invalid(QStringLiteral("learner.feature_types"), QStringLiteral("expected an array"));
        const QJsonArray a = types.toArray();
        if (!a.isEmpty() && a.size() != numFeature)
            return invalid(QStringLiteral("learner.feature_types"),
                           QStringLiteral("has %1 types for %2 features").arg(a.size()).arg(numFeature));
        static const QStringList numeric{QStringLiteral("float"), QStringLiteral("int"), QStringLiteral("i"), QStringLiteral("q")};
        for (const QJsonValue &v : a)
            if (!numeric.contains(v.toString()))
                return invalid(QStringLiteral("learner.feature_types"),
                               QStringLiteral("feature type '%1' is not supported (numerical features only)").arg(v.toString()));
    }
    return Status::success();
}

} // namespace

Result<ModelFileInfo> inspectModelDocument(const QJsonObject &root)
{
    ModelFileInfo info;
    const QJsonArray version = root.value(QStringLiteral("version")).toArray();
    qint64 major = 0, minor = 0, patch = 0;
    if (version.size() != 3 || !wholeNumber(version.at(0), &major) || !wholeNumber(version.at(1), &minor)
        || !wholeNumber(version.at(2), &patch))
        return invalid(QStringLiteral("version"), QStringLiteral("expected [major, minor, patch]"));
    info.version = QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(patch);
    if (major < 1 || QVersionNumber(int(major), int(minor)) > QVersionNumber(1, 7))
        return invalid(QStringLiteral("version"),
                       QStringLiteral("written by XGBoost %1; this build reads models of XGBoost 1.0 to 1.7").arg(info.version));

    const Result<QJsonObject> learner = objectAt(root, QStringLiteral("learner"), QStringLiteral("document"));
    if (!learner)
        return learner.error();
    const QString lw = QStringLiteral("learner");
    const Result<QJsonObject> modelParam = objectAt(*learner, QStringLiteral("learner_model_param"), lw);
    if (!modelParam)
        return modelParam.error();
    const QString mw = QStringLiteral("learner.learner_model_param");
    const Result<qint64> numFeature = intParam(*modelParam, QStringLiteral("num_feature"), mw, 1, kMaxFeatures);
    if (!numFeature)
        return numFeature.error();
    const Result<qint64> numClass = intParam(*modelParam, QStringLiteral("num_class"), mw, 0, kMaxClasses);
    if (!numClass)
        return numClass.error();
    if (modelParam->contains(QStringLiteral("num_target"))) {
        const Result<qint64> targets = intParam(*modelParam, QStringLiteral("num_target"), mw, 1, 1);
        if (!targets)
            return targets.error();
    }
    info.numFeature = int(*numFeature);
    info.numClass = int(*numClass);

    const Result<QJsonObject> objective = objectAt(*learner, QStringLiteral("objective"), lw);
    if (!objective)
        return objective.error();
    info.objective = objective->value(QStringLiteral("name")).toString();
    static const QStringList supported{QStringLiteral("binary:logistic"), QStringLiteral("multi:softprob"),
                                       QStringLiteral("reg:squarederror")};
    if (!supported.contains(info.objective))
        return invalid(QStringLiteral("learner.objective.name"),
                       QStringLiteral("objective '%1' is not supported (supported: %2)")
                           .arg(info.objective, supported.join(QStringLiteral(", "))));
    const bool multi = info.objective == QLatin1String("multi:softprob");
    if (multi ? info.numClass < 2 : info.numClass > 1)
        return invalid(mw + QStringLiteral(".num_class"),
                       QStringLiteral("num_class %1 does not fit objective %2").arg(info.numClass).arg(info.objective));
    const qint64 groups = multi ? info.numClass : 1;
    if (multi) {
        // The softmax reads num_class scores per row: it must match the trees' groups.
        const Result<QJsonObject> softmax = objectAt(*objective, QStringLiteral("softmax_multiclass_param"),
                                                     QStringLiteral("learner.objective"));
        if (!softmax)
            return softmax.error();
        const Result<qint64> k = intParam(*softmax, QStringLiteral("num_class"),
                                          QStringLiteral("learner.objective.softmax_multiclass_param"), groups, groups);
        if (!k)
            return k.error();
    }

    const Result<QJsonObject> booster = objectAt(*learner, QStringLiteral("gradient_booster"), lw);
    if (!booster)
        return booster.error();
    const QString boosterName = booster->value(QStringLiteral("name")).toString();
    if (boosterName != QLatin1String("gbtree"))
        return invalid(QStringLiteral("learner.gradient_booster.name"),
                       QStringLiteral("booster '%1' is not supported (tree models, 'gbtree', only)").arg(boosterName));
    const QString gw = QStringLiteral("learner.gradient_booster.model");
    const Result<QJsonObject> model = objectAt(*booster, QStringLiteral("model"), QStringLiteral("learner.gradient_booster"));
    if (!model)
        return model.error();
    const Result<QJsonObject> gbParam = objectAt(*model, QStringLiteral("gbtree_model_param"), gw);
    if (!gbParam)
        return gbParam.error();
    const QString pw = gw + QStringLiteral(".gbtree_model_param");
    const Result<qint64> numTrees = intParam(*gbParam, QStringLiteral("num_trees"), pw, 0, kMaxNodes);
    if (!numTrees)
        return numTrees.error();
    const Result<qint64> parallel = intParam(*gbParam, QStringLiteral("num_parallel_tree"), pw, 1, 100'000);
    if (!parallel)
        return parallel.error();
    const Result<qint64> leafVector = intParam(*gbParam, QStringLiteral("size_leaf_vector"), pw, 0, 0);
    if (!leafVector)
        return leafVector.error();
    if (*numTrees == 0)
        return invalid(pw + QStringLiteral(".num_trees"), QStringLiteral("the model has no trees"));
    const qint64 perRound = *parallel * groups;
    if (*numTrees % perRound != 0)
        return invalid(pw + QStringLiteral(".num_trees"),
                       QStringLiteral("%1 trees is not a whole number of rounds of %2 trees").arg(*numTrees).arg(perRound));
    info.numTrees = int(*numTrees);
    info.rounds = int(*numTrees / perRound);

    const QJsonValue treeInfo = model->value(QStringLiteral("tree_info"));
    const QJsonValue trees = model->value(QStringLiteral("trees"));
    if (!treeInfo.isArray() || treeInfo.toArray().size() != *numTrees)
        return invalid(gw + QStringLiteral(".tree_info"), QStringLiteral("expected an array of %1 class indices").arg(*numTrees));
    if (!trees.isArray() || trees.toArray().size() != *numTrees)
        return invalid(gw + QStringLiteral(".trees"), QStringLiteral("expected an array of %1 trees").arg(*numTrees));
    const QJsonArray infoArray = treeInfo.toArray();
    const QJsonArray treeArray = trees.toArray();
    for (qint64 i = 0; i < *numTrees; ++i) {
        qint64 group = -1;
        if (!wholeNumber(infoArray.at(i), &group) || group < 0 || group >= groups)
            return invalid(QStringLiteral("%1.tree_info[%2]").arg(gw).arg(i), QStringLiteral("expected a class index below %1").arg(groups));
        if (const Status s = checkTree(treeArray.at(i), i, *numFeature, QStringLiteral("%1.trees[%2]").arg(gw).arg(i)); !s.ok())
            return s.error();
    }

    if (const Status s = checkFeatureInfo(*learner, *numFeature, &info); !s.ok())
        return s.error();

    const QJsonValue attributes = learner->value(QStringLiteral("attributes"));
    if (!attributes.isUndefined() && !attributes.isObject())
        return invalid(QStringLiteral("learner.attributes"), QStringLiteral("expected an object"));
    const QJsonValue best = attributes.toObject().value(QStringLiteral("best_iteration"));
    if (!best.isUndefined()) {
        bool ok = false;
        const int b = best.toString().toInt(&ok);
        if (!ok || b < 0 || b >= qMax(info.rounds, 1))
            return invalid(QStringLiteral("learner.attributes.best_iteration"),
                           QStringLiteral("expected a round below %1").arg(info.rounds));
        info.bestIteration = b;
    }
    return info;
}

Result<ModelFileInfo> inspectModelBytes(const QByteArray &bytes, bool ubjson)
{
    if (bytes.isEmpty())
        return Error(QStringLiteral("not a valid XGBoost model: the file is empty"));
    QJsonValue root;
    if (ubjson) {
        Result<QJsonValue> parsed = parseUbjson(bytes);
        if (!parsed) {
            Error e = parsed.error();
            e.message = QStringLiteral("not a valid XGBoost model (UBJSON): %1").arg(e.message);
            return e;
        }
        root = *parsed;
    } else {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
        if (pe.error != QJsonParseError::NoError) {
            Error e(QStringLiteral("not a valid XGBoost model (JSON): %1 at byte %2").arg(pe.errorString()).arg(pe.offset));
            e.column = pe.offset + 1;
            return e;
        }
        root = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue();
    }
    if (!root.isObject())
        return Error(QStringLiteral("not a valid XGBoost model: the document is not an object"));
    return inspectModelDocument(root.toObject());
}

} // namespace mb::xgb
