#include "ui/eval/evaluation_data.h"

#include "core/io/csv_reader.h"
#include "core/ml/metrics.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <optional>

namespace mb {

namespace {

/// A JSON file's top-level object; errors name the file and the line and column of a syntax error.
Result<QJsonObject> readJsonObject(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString())).at(path);
    const QByteArray bytes = f.readAll();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError) {
        const QByteArray before = bytes.left(pe.offset);
        const qint64 line = before.count('\n') + 1;
        const qint64 column = pe.offset - (before.lastIndexOf('\n') + 1) + 1;
        return Error(QStringLiteral("%1:%2:%3: %4").arg(path).arg(line).arg(column).arg(pe.errorString())).at(path, line, column);
    }
    if (!doc.isObject())
        return Error(QStringLiteral("%1: expected a JSON object").arg(path)).at(path);
    return doc.object();
}

std::vector<double> numbers(const QJsonValue &v)
{
    std::vector<double> out;
    for (const QJsonValue &x : v.toArray())
        out.push_back(x.isDouble() ? x.toDouble() : std::nan(""));
    return out;
}

/// An optional artifact: nothing if `path` does not exist; its JSON object, or nothing with
/// the reason added to `problems` if it cannot be read.
std::optional<QJsonObject> readOptionalJson(const QString &path, QStringList *problems)
{
    if (!QFileInfo::exists(path))
        return std::nullopt;
    Result<QJsonObject> json = readJsonObject(path);
    if (!json.ok()) {
        *problems << json.error().message;
        return std::nullopt;
    }
    return std::move(json).value();
}

/// One binary curve file (roc_curve.json, pr_curve.json): arrays `xKey` and `yKey` of the
/// same length; `area` gives the number shown with it (AUC, AP). A missing file adds nothing.
void readCurveFile(const QString &path, const QString &label, const QString &xKey, const QString &yKey,
                   double (*area)(const std::vector<double> &, const std::vector<double> &), std::vector<EvalCurve> *out,
                   QStringList *problems)
{
    const std::optional<QJsonObject> json = readOptionalJson(path, problems);
    if (!json)
        return;
    EvalCurve c{label, numbers(json->value(xKey)), numbers(json->value(yKey))};
    if (c.x.size() != c.y.size() || c.x.empty()) {
        *problems << QStringLiteral("%1: %2 and %3 must be non-empty arrays of the same length").arg(path, xKey, yKey);
        return;
    }
    c.area = area(c.x, c.y);
    out->push_back(c);
}

/// Binary ROC/PR from roc_curve.json / pr_curve.json.
void readBinaryCurves(const QDir &dir, EvaluationData *d)
{
    const QString positive = d->classLabels.value(1, QStringLiteral("1"));
    readCurveFile(dir.filePath(QStringLiteral("roc_curve.json")), positive, QStringLiteral("fpr"), QStringLiteral("tpr"), &trapezoidArea,
                  &d->roc, &d->problems);
    readCurveFile(dir.filePath(QStringLiteral("pr_curve.json")), positive, QStringLiteral("recall"), QStringLiteral("precision"),
                  &averagePrecisionOfCurve, &d->pr, &d->problems);
}

/// One-vs-rest curves per class from the predicted probabilities in test_predictions.csv.
void readMulticlassCurves(const QDir &dir, EvaluationData *d)
{
    const QString path = dir.filePath(QStringLiteral("test_predictions.csv"));
    if (!QFileInfo::exists(path))
        return;
    CsvOptions options;
    options.threads = 1;
    options.missingTokens.clear(); // a class may be called "NA"
    // Labels are compared as text: keep the column categorical whatever the labels look like.
    options.columnTypes.insert(QStringLiteral("true"), ColumnType::Categorical);
    Result<Table> table = readCsv(path, options);
    if (!table.ok()) {
        d->problems << table.error().toString();
        return;
    }
    const Column *truth = table->column(QStringLiteral("true"));
    if (!truth) {
        d->problems << QStringLiteral("%1: no column 'true'").arg(path);
        return;
    }
    for (int k = 0; k < d->classLabels.size(); ++k) {
        const QString label = d->classLabels[k];
        const Column *proba = table->column(QStringLiteral("proba_") + label);
        if (!proba || !proba->isNumeric()) {
            d->problems << QStringLiteral("%1: no numeric column 'proba_%2' for class %2").arg(path, label);
            return;
        }
        std::vector<int> isClass;
        std::vector<double> score;
        isClass.reserve(truth->size());
        for (std::size_t r = 0; r < truth->size(); ++r) {
            isClass.push_back(truth->textAt(r) == label ? 1 : 0);
            score.push_back(proba->values[r]);
        }
        const metrics::Curve roc = metrics::rocCurve(isClass, score);
        const metrics::Curve pr = metrics::precisionRecallCurve(isClass, score);
        if (!roc.x.empty())
            d->roc.push_back({label, roc.x, roc.y, metrics::rocAuc(isClass, score)});
        if (!pr.x.empty())
            d->pr.push_back({label, pr.x, pr.y, metrics::averagePrecision(isClass, score)});
    }
}

double ratio(qint64 a, qint64 b)
{
    return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

void derivePerClass(EvaluationData *d)
{
    const QJsonObject perClass = d->metrics.value(QStringLiteral("per_class")).toObject();
    if (!perClass.isEmpty()) {
        for (const QString &label : d->classLabels) {
            const QJsonObject o = perClass.value(label).toObject();
            d->perClass.push_back({label, o.value(QStringLiteral("precision")).toDouble(), o.value(QStringLiteral("recall")).toDouble(),
                                   o.value(QStringLiteral("f1")).toDouble(), o.value(QStringLiteral("support")).toInteger()});
        }
        d->perClassSource = QStringLiteral("metrics.json per_class");
        return;
    }
    // Binary runs record the scores of the positive class only; the counts give every class's.
    const std::size_t k = d->confusion.size();
    for (std::size_t c = 0; c < k; ++c) {
        qint64 tp = d->confusion[c][c], predicted = 0, actual = 0;
        for (std::size_t o = 0; o < k; ++o) {
            predicted += d->confusion[o][c];
            actual += d->confusion[c][o];
        }
        const double p = ratio(tp, predicted), r = ratio(tp, actual);
        d->perClass.push_back({d->classLabels.value(static_cast<int>(c)), p, r, p + r > 0 ? 2 * p * r / (p + r) : 0.0, actual});
    }
    d->perClassSource = QStringLiteral("computed from confusion_matrix.json");
}

void readConfusion(const QDir &dir, EvaluationData *d)
{
    const QString path = dir.filePath(QStringLiteral("confusion_matrix.json"));
    const std::optional<QJsonObject> cm = readOptionalJson(path, &d->problems);
    if (!cm)
        return;
    QStringList labels;
    for (const QJsonValue &v : cm->value(QStringLiteral("labels")).toArray())
        labels << v.toString();
    std::vector<std::vector<qint64>> matrix;
    for (const QJsonValue &row : cm->value(QStringLiteral("matrix")).toArray()) {
        std::vector<qint64> r;
        for (const QJsonValue &v : row.toArray())
            r.push_back(v.toInteger());
        matrix.push_back(r);
    }
    for (const auto &row : matrix)
        if (row.size() != matrix.size() || static_cast<int>(matrix.size()) != labels.size()) {
            d->problems << QStringLiteral("%1: matrix must be %2 x %2 (one row and column per label)").arg(path).arg(labels.size());
            return;
        }
    d->classLabels = labels;
    d->confusion = matrix;
}

void readResiduals(const QDir &dir, EvaluationData *d)
{
    const QString path = dir.filePath(QStringLiteral("residuals.json"));
    const std::optional<QJsonObject> doc = readOptionalJson(path, &d->problems);
    if (!doc)
        return;
    const QJsonArray columns = doc->value(QStringLiteral("columns")).toArray();
    int ti = 0, pi = 1, ri = 2;
    for (int i = 0; i < columns.size(); ++i) {
        const QString name = columns[i].toString();
        if (name == QLatin1String("true"))
            ti = i;
        else if (name == QLatin1String("predicted"))
            pi = i;
        else if (name == QLatin1String("residual"))
            ri = i;
    }
    const QJsonArray rows = doc->value(QStringLiteral("rows")).toArray();
    for (int r = 0; r < rows.size(); ++r) {
        const QJsonArray row = rows[r].toArray();
        if (row.size() < 3) {
            d->problems << QStringLiteral("%1: rows[%2] has %3 values, expected true, predicted, residual").arg(path).arg(r).arg(row.size());
            d->truth.clear();
            d->predicted.clear();
            d->residual.clear();
            return;
        }
        d->truth.push_back(row[ti].toDouble());
        d->predicted.push_back(row[pi].toDouble());
        d->residual.push_back(row[ri].toDouble());
    }
}

void readImportance(const QDir &dir, EvaluationData *d)
{
    const QString path = dir.filePath(QStringLiteral("feature_importance.json"));
    const std::optional<QJsonObject> doc = readOptionalJson(path, &d->problems);
    if (!doc)
        return;
    for (auto kind = doc->begin(); kind != doc->end(); ++kind) {
        if (!kind->isObject())
            continue;
        std::vector<std::pair<QString, double>> values;
        const QJsonObject o = kind->toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            values.emplace_back(it.key(), it->toDouble());
        std::stable_sort(values.begin(), values.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
        d->importance[kind.key()] = std::move(values);
    }
}

} // namespace

QString evalTaskName(EvaluationData::Task task)
{
    switch (task) {
    case EvaluationData::Task::Binary: return QStringLiteral("binary classification");
    case EvaluationData::Task::Multiclass: return QStringLiteral("multiclass classification");
    case EvaluationData::Task::Regression: return QStringLiteral("regression");
    case EvaluationData::Task::Unknown: break;
    }
    return QStringLiteral("unknown task");
}

double trapezoidArea(const std::vector<double> &x, const std::vector<double> &y)
{
    double area = 0;
    for (std::size_t i = 1; i < x.size() && i < y.size(); ++i)
        area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
    return area;
}

double averagePrecisionOfCurve(const std::vector<double> &recall, const std::vector<double> &precision)
{
    double ap = 0;
    for (std::size_t i = 0; i + 1 < recall.size() && i < precision.size(); ++i)
        ap += (recall[i] - recall[i + 1]) * precision[i];
    return ap;
}

Result<EvaluationData> loadEvaluation(const QString &artifactDir)
{
    const QDir dir(artifactDir);
    const QString metricsPath = dir.filePath(QStringLiteral("metrics.json"));
    if (!QFileInfo::exists(metricsPath))
        return Error(QStringLiteral("%1 has no metrics.json: the run wrote no evaluation").arg(artifactDir)).at(metricsPath);
    Result<QJsonObject> metricsJson = readJsonObject(metricsPath);
    if (!metricsJson.ok())
        return metricsJson.error();
    EvaluationData d;
    d.metrics = metricsJson.value();

    QString modelType;
    const QString resultPath = dir.filePath(QStringLiteral("result.json"));
    if (QFileInfo::exists(resultPath)) {
        Result<QJsonObject> result = readJsonObject(resultPath);
        if (result.ok()) {
            modelType = result->value(QStringLiteral("modelType")).toString();
            d.crossValidation = result->value(QStringLiteral("metrics")).toObject().value(QStringLiteral("crossValidation")).toObject();
        } else {
            d.problems << result.error().message;
        }
    }

    readConfusion(dir, &d);
    readResiduals(dir, &d);
    readImportance(dir, &d);

    if (modelType == QLatin1String("binary"))
        d.task = EvaluationData::Task::Binary;
    else if (modelType == QLatin1String("multiclass"))
        d.task = EvaluationData::Task::Multiclass;
    else if (modelType == QLatin1String("regression"))
        d.task = EvaluationData::Task::Regression;
    else if (!d.residual.empty() || d.metrics.contains(QStringLiteral("rmse")))
        d.task = EvaluationData::Task::Regression;
    else if (!d.confusion.empty())
        d.task = d.confusion.size() == 2 ? EvaluationData::Task::Binary : EvaluationData::Task::Multiclass;

    if (d.isClassification()) {
        if (d.task == EvaluationData::Task::Binary)
            readBinaryCurves(dir, &d);
        else
            readMulticlassCurves(dir, &d);
        if (!d.confusion.empty())
            derivePerClass(&d);
        for (const auto &row : d.confusion)
            for (qint64 v : row)
                d.testRows += v;
    } else {
        d.testRows = static_cast<qint64>(d.residual.size());
    }
    return d;
}

} // namespace mb
