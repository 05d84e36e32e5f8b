#include "plugins/xgboost/xgboost_params.h"

#include <limits>

namespace mb::xgb {

namespace {

ParamSpec spec(const char *name, ParamSpec::Kind kind, QJsonValue def, std::optional<double> lo, std::optional<double> hi,
               const char *help, bool minExclusive = false)
{
    ParamSpec p;
    p.name = QLatin1String(name);
    p.kind = kind;
    p.defaultValue = std::move(def);
    p.min = lo;
    p.max = hi;
    p.minExclusive = minExclusive;
    p.help = QLatin1String(help);
    return p;
}

constexpr auto kInt = ParamSpec::Kind::Int;
constexpr auto kFloat = ParamSpec::Kind::Float;
const std::optional<double> kNone;

QByteArray number(const QJsonValue &v, bool integer)
{
    return integer ? QByteArray::number(qint64(v.toDouble())) : QByteArray::number(v.toDouble(), 'g', 17);
}

} // namespace

ParamSchema trainerParamSchema()
{
    ParamSchema s;
    s.push_back(spec("n_estimators", kInt, 100, 1, 100000, "boosting rounds (trees per class)"));
    s.push_back(spec("learning_rate", kFloat, 0.3, 0, 1, "shrinkage of each tree's contribution (eta)", true));
    s.push_back(spec("max_depth", kInt, 6, 0, 64, "maximum tree depth (0: unlimited, hist/approx only)"));
    s.push_back(spec("min_child_weight", kFloat, 1, 0, kNone, "minimum sum of instance hessian in a child"));
    s.push_back(spec("subsample", kFloat, 1, 0, 1, "fraction of rows sampled per tree", true));
    s.push_back(spec("colsample_bytree", kFloat, 1, 0, 1, "fraction of columns sampled per tree", true));
    s.push_back(spec("reg_lambda", kFloat, 1, 0, kNone, "L2 regularisation of leaf weights"));
    s.push_back(spec("reg_alpha", kFloat, 0, 0, kNone, "L1 regularisation of leaf weights"));
    s.push_back(spec("gamma", kFloat, 0, 0, kNone, "minimum loss reduction to make a split"));
    s.push_back(spec("max_bin", kInt, 256, 2, 65536, "histogram bins per feature (hist/approx)"));
    ParamSpec method = spec("tree_method", ParamSpec::Kind::Choice, QStringLiteral("hist"), kNone, kNone,
                            "tree construction algorithm");
    method.choices = {QStringLiteral("auto"), QStringLiteral("exact"), QStringLiteral("approx"), QStringLiteral("hist")};
    s.push_back(method);
    s.push_back(spec("nthread", kInt, 0, 0, 1024, "threads (0: all cores)"));
    s.push_back(spec("seed", kInt, 0, 0, double(std::numeric_limits<std::int32_t>::max()), "random seed"));
    s.push_back(spec("early_stopping_rounds", kInt, 0, 0, 10000,
                     "stop after this many rounds without improvement on the validation set (0: off)"));
    s.push_back(spec("eval_metric", ParamSpec::Kind::String, QStringLiteral(""), kNone, kNone,
                     "comma-separated XGBoost metrics (empty: task default, the loss last); early stopping uses the last"));
    s.push_back(spec("scale_pos_weight", kFloat, 1, 0, kNone, "weight of positive examples (binary only)", true));
    return s;
}

QByteArray objectiveFor(TaskType task)
{
    switch (task) {
    case TaskType::BinaryClassification: return QByteArrayLiteral("binary:logistic");
    case TaskType::MulticlassClassification: return QByteArrayLiteral("multi:softprob");
    case TaskType::Regression: return QByteArrayLiteral("reg:squarederror");
    }
    return QByteArray();
}

QStringList defaultMetricsFor(TaskType task)
{
    switch (task) {
    // The training loss comes last: early stopping watches it. A ranking or error-rate metric
    // saturates on small validation sets (AUC = 1 after two rounds) and would stop far too early.
    case TaskType::BinaryClassification: return {QStringLiteral("auc"), QStringLiteral("logloss")};
    case TaskType::MulticlassClassification: return {QStringLiteral("merror"), QStringLiteral("mlogloss")};
    case TaskType::Regression: return {QStringLiteral("mae"), QStringLiteral("rmse")};
    }
    return {};
}

bool metricMaximized(const QString &metric)
{
    // "valid-auc" -> "auc"; evaluation set names never contain '-' here ("train", "valid").
    const qsizetype dash = metric.indexOf(QLatin1Char('-'));
    const QString name = dash >= 0 && (metric.startsWith(QLatin1String("train-")) || metric.startsWith(QLatin1String("valid-")))
                             ? metric.mid(dash + 1)
                             : metric;
    for (const char *prefix : {"auc", "aucpr", "map", "ndcg", "pre"})
        if (name.startsWith(QLatin1String(prefix)))
            return true;
    return false;
}

Result<TrainSettings> resolveSettings(const QJsonObject &raw, TaskType task, int numClasses, const QString &owner)
{
    const ParamSchema schema = trainerParamSchema();
    if (const Status s = validateParams(schema, raw, owner); !s.ok())
        return s.error();
    const QJsonObject p = withDefaults(schema, raw);

    TrainSettings out;
    out.rounds = p.value(QStringLiteral("n_estimators")).toInt();
    out.earlyStoppingRounds = p.value(QStringLiteral("early_stopping_rounds")).toInt();
    out.nthread = p.value(QStringLiteral("nthread")).toInt();

    const QString metricText = p.value(QStringLiteral("eval_metric")).toString();
    for (const QString &m : metricText.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString name = m.trimmed();
        for (const QChar c : name) {
            if (!(c.isLetterOrNumber() || c == QLatin1Char('@') || c == QLatin1Char('-') || c == QLatin1Char('_')
                  || c == QLatin1Char('.') || c == QLatin1Char(':'))) {
                return Error(QStringLiteral("%1: parameter 'eval_metric' has an invalid metric name '%2'").arg(owner, name))
                    .inField(QStringLiteral("eval_metric"));
            }
        }
        if (!name.isEmpty() && !out.evalMetrics.contains(name))
            out.evalMetrics << name;
    }
    if (out.evalMetrics.isEmpty())
        out.evalMetrics = defaultMetricsFor(task);

    auto add = [&out](const char *key, QByteArray value) { out.boosterParams.emplace_back(QByteArray(key), std::move(value)); };
    add("objective", objectiveFor(task));
    if (task == TaskType::MulticlassClassification)
        add("num_class", QByteArray::number(numClasses));
    add("eta", number(p.value(QStringLiteral("learning_rate")), false));
    add("max_depth", number(p.value(QStringLiteral("max_depth")), true));
    add("min_child_weight", number(p.value(QStringLiteral("min_child_weight")), false));
    add("subsample", number(p.value(QStringLiteral("subsample")), false));
    add("colsample_bytree", number(p.value(QStringLiteral("colsample_bytree")), false));
    add("lambda", number(p.value(QStringLiteral("reg_lambda")), false));
    add("alpha", number(p.value(QStringLiteral("reg_alpha")), false));
    add("gamma", number(p.value(QStringLiteral("gamma")), false));
    const QByteArray method = p.value(QStringLiteral("tree_method")).toString().toUtf8();
    add("tree_method", method);
    // exact has no histogram; passing max_bin there only earns an "unused" warning.
    if (method != "exact")
        add("max_bin", number(p.value(QStringLiteral("max_bin")), true));
    add("nthread", QByteArray::number(out.nthread));
    add("seed", number(p.value(QStringLiteral("seed")), true));
    if (task == TaskType::BinaryClassification)
        add("scale_pos_weight", number(p.value(QStringLiteral("scale_pos_weight")), false));
    for (const QString &m : out.evalMetrics)
        add("eval_metric", m.toUtf8());
    return out;
}

} // namespace mb::xgb
