#include "core/tracking/mlflow_import.h"

#include "core/store/store.h"
#include "core/tracking/simple_yaml.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace mb {

namespace {

Error fileError(const QString &path, int line, const QString &what)
{
    if (line > 0)
        return Error(QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(what)).at(path, line);
    return Error(QStringLiteral("%1: %2").arg(path, what)).at(path);
}

Result<QByteArray> readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fileError(path, 0, QStringLiteral("cannot read the file: %1").arg(f.errorString()));
    return f.readAll();
}

Result<FlatYaml> readYaml(const QString &path)
{
    Result<QByteArray> bytes = readFile(path);
    if (!bytes)
        return bytes.error();
    return parseFlatYaml(*bytes, path);
}

// Python's float repr as MLflow writes it: "0.5", "1e-05", "nan", "inf", "-inf".
bool parseDouble(const QByteArray &text, double *value)
{
    const QByteArray t = text.toLower();
    if (t == "nan" || t == "-nan") {
        *value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (t == "inf" || t == "+inf" || t == "infinity") {
        *value = std::numeric_limits<double>::infinity();
        return true;
    }
    if (t == "-inf" || t == "-infinity") {
        *value = -std::numeric_limits<double>::infinity();
        return true;
    }
    bool ok = false;
    *value = text.toDouble(&ok);
    return ok;
}

// MLflow metric file: one "<timestamp_ms> <value> <step>" line per point (files written by
// MLflow before 1.0 have no step: it is 0).
Result<std::vector<MetricPoint>> readMetricFile(const QString &path)
{
    Result<QByteArray> bytes = readFile(path);
    if (!bytes)
        return bytes.error();
    std::vector<MetricPoint> points;
    const QList<QByteArray> lines = bytes->split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> f = line.simplified().split(' ');
        bool okTime = false, okStep = true;
        double value = 0;
        MetricPoint p{0, 0, 0};
        if (f.size() == 2 || f.size() == 3) {
            p.timeMs = f[0].toLongLong(&okTime);
            if (f.size() == 3)
                p.step = f[2].toLongLong(&okStep);
        }
        const bool okValue = f.size() >= 2 && parseDouble(f[1], &value);
        if ((f.size() != 2 && f.size() != 3) || !okTime || !okValue || !okStep) {
            QString what;
            if (f.size() != 2 && f.size() != 3)
                what = QStringLiteral("%1 fields").arg(f.size());
            else if (!okTime)
                what = QStringLiteral("timestamp '%1' is not an integer").arg(QString::fromUtf8(f[0]));
            else if (!okValue)
                what = QStringLiteral("value '%1' is not a number").arg(QString::fromUtf8(f[1]));
            else
                what = QStringLiteral("step '%1' is not an integer").arg(QString::fromUtf8(f[2]));
            return fileError(path, i + 1, QStringLiteral("expected '<timestamp_ms> <value> <step>', got '%1' (%2)")
                                              .arg(QString::fromUtf8(line.left(80)), what));
        }
        p.value = value;
        points.push_back(p);
    }
    return points;
}

// Every file under `dir`, as (key, path): the key is the path relative to `dir`, so a
// key "a/b" (MLflow's nested folders) comes back whole. Sorted by key.
std::vector<std::pair<QString, QString>> keyFiles(const QString &dir)
{
    std::vector<std::pair<QString, QString>> files;
    if (!QFileInfo(dir).isDir())
        return files;
    const QDir base(dir);
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        files.emplace_back(base.relativeFilePath(path), path);
    }
    std::sort(files.begin(), files.end());
    return files;
}

QStringList subfolders(const QString &dir)
{
    QStringList names = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    std::sort(names.begin(), names.end());
    return names;
}

bool isDeleted(const FlatYaml &meta)
{
    return meta.value(QStringLiteral("lifecycle_stage")).compare(QLatin1String("deleted"), Qt::CaseInsensitive) == 0;
}

Result<qint64> timeField(const FlatYaml &meta, const QString &key, const QString &path)
{
    if (!meta.has(key))
        return qint64(0);
    bool ok = false;
    const qint64 v = meta.value(key).toLongLong(&ok);
    if (!ok || v < 0)
        return fileError(path, meta.line(key), QStringLiteral("%1 '%2' is not a time in ms since the epoch").arg(key, meta.value(key)));
    return v;
}

// MLflow's RunStatus: 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED (or the names).
Status mapStatus(const FlatYaml &meta, const QString &path, Store::ImportedRun *run)
{
    static const char *const kNames[] = {"RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};
    const QString text = meta.value(QStringLiteral("status")).trimmed();
    int code = 0;
    bool ok = false;
    const int number = text.toInt(&ok);
    if (ok && number >= 1 && number <= 5)
        code = number;
    for (int i = 0; i < 5 && code == 0; ++i)
        if (text.compare(QLatin1String(kNames[i]), Qt::CaseInsensitive) == 0)
            code = i + 1;
    if (code == 0) {
        return fileError(path, meta.line(QStringLiteral("status")),
                         QStringLiteral("status '%1' is not an MLflow run status (1-5, or RUNNING, SCHEDULED, FINISHED, FAILED, KILLED)")
                             .arg(text));
    }
    switch (code) {
    case 3:
        run->status = RunStatus::Finished;
        break;
    case 4:
        run->status = RunStatus::Failed;
        break;
    case 5:
        run->status = RunStatus::Cancelled;
        break;
    default:
        run->status = RunStatus::Interrupted;
        run->error = QStringLiteral("imported from MLflow while %1; nothing in this workspace runs it").arg(QLatin1String(kNames[code - 1]));
        break;
    }
    return Status();
}

struct ExistingRun {
    QString id;
    bool pending = false;
};

class Importer {
public:
    Importer(Store &store, const MlflowImportOptions &options) : m_store(store), m_options(options) {}

    Status loadExisting()
    {
        Result<std::vector<RunRecord>> runs = m_store.listRuns();
        if (!runs)
            return runs.error();
        for (const RunRecord &r : *runs) {
            const ExistingRun e{r.id, r.tags.contains(QLatin1String(Store::kImportPendingTag))};
            m_byId.insert(r.id, e);
            const QString mlflowId = r.tags.value(QStringLiteral("mlflow.run_id")).toString();
            if (!mlflowId.isEmpty())
                m_byMlflowId.insert(mlflowId, e);
        }
        return Status();
    }

    Status importExperiment(const QString &dir)
    {
        const QString metaPath = dir + QStringLiteral("/meta.yaml");
        Result<FlatYaml> meta = readYaml(metaPath);
        if (!meta)
            return meta.error();
        const QString name = meta->value(QStringLiteral("name")).trimmed();
        if (name.isEmpty())
            return fileError(metaPath, meta->line(QStringLiteral("name")), QStringLiteral("the experiment has no name ('name: ...')"));
        ++m_report.experiments;
        const bool experimentDeleted = isDeleted(*meta);
        for (const QString &sub : subfolders(dir)) {
            const QString runDir = dir + QLatin1Char('/') + sub;
            if (!QFileInfo::exists(runDir + QStringLiteral("/meta.yaml"))) {
                if (sub != QLatin1String("tags")) // experiment tags (MLflow 2): not runs
                    m_report.warnings << QStringLiteral("skipped '%1': no meta.yaml, not an MLflow run").arg(runDir);
                continue;
            }
            if (Status s = importRun(runDir, name, experimentDeleted); !s)
                return s;
        }
        return Status();
    }

    MlflowImportReport report() const { return m_report; }

private:
    Status importRun(const QString &dir, const QString &experiment, bool experimentDeleted)
    {
        const QString metaPath = dir + QStringLiteral("/meta.yaml");
        Result<FlatYaml> meta = readYaml(metaPath);
        if (!meta)
            return meta.error();
        QString mlflowId = meta->value(QStringLiteral("run_id")).trimmed();
        if (mlflowId.isEmpty())
            mlflowId = meta->value(QStringLiteral("run_uuid")).trimmed();
        if (mlflowId.isEmpty())
            return fileError(metaPath, 0, QStringLiteral("the run has no run_id"));
        const bool deleted = experimentDeleted || isDeleted(*meta);
        if (deleted && !m_options.includeDeleted) {
            ++m_report.deletedSkipped;
            return Status();
        }

        static const QRegularExpression kHexId(QStringLiteral("^[0-9a-fA-F]{32}$"));
        const bool keepId = kHexId.match(mlflowId).hasMatch();
        const auto existing = keepId ? m_byId.constFind(mlflowId.toLower()) : m_byMlflowId.constFind(mlflowId);
        const bool present = existing != (keepId ? m_byId.constEnd() : m_byMlflowId.constEnd());
        if (present && !existing->pending) {
            ++m_report.alreadyPresent;
            return Status();
        }

        Store::ImportedRun run;
        run.id = keepId ? mlflowId.toLower() : QString();
        run.experiment = experiment;
        if (Status s = mapStatus(*meta, metaPath, &run); !s)
            return s;
        Result<qint64> start = timeField(*meta, QStringLiteral("start_time"), metaPath);
        Result<qint64> end = timeField(*meta, QStringLiteral("end_time"), metaPath);
        if (!start)
            return start.error();
        if (!end)
            return end.error();
        run.startMs = *start;
        run.endMs = *end;
        for (const auto &[key, path] : keyFiles(dir + QStringLiteral("/params"))) {
            Result<QByteArray> value = readFile(path);
            if (!value)
                return value.error();
            run.params.insert(key, QString::fromUtf8(*value));
        }
        for (const auto &[key, path] : keyFiles(dir + QStringLiteral("/tags"))) {
            Result<QByteArray> value = readFile(path);
            if (!value)
                return value.error();
            run.tags.insert(key, QString::fromUtf8(*value));
        }
        if (!keepId)
            run.tags.insert(QStringLiteral("mlflow.run_id"), mlflowId);
        if (deleted)
            run.tags.insert(QStringLiteral("mlflow.lifecycle_stage"), QStringLiteral("deleted"));
        run.name = meta->value(QStringLiteral("run_name"));
        if (run.name.isEmpty())
            run.name = run.tags.value(QStringLiteral("mlflow.runName")).toString();
        // Read every metric file before writing anything: a malformed one leaves no run behind.
        std::vector<std::pair<QString, std::vector<MetricPoint>>> metrics;
        for (const auto &[key, path] : keyFiles(dir + QStringLiteral("/metrics"))) {
            Result<std::vector<MetricPoint>> points = readMetricFile(path);
            if (!points)
                return points.error();
            metrics.emplace_back(key, std::move(*points));
        }

        QString id;
        if (present) {
            id = existing->id; // an earlier import stopped before its metrics were all in
        } else {
            Result<QString> created = m_store.importRun(run);
            if (!created)
                return fileError(metaPath, 0, QStringLiteral("cannot import the run: %1").arg(created.error().message));
            id = *created;
            m_report.params += run.params.size();
            m_report.tags += run.tags.size();
        }
        for (const auto &[key, points] : metrics) {
            std::size_t skip = 0;
            if (present) {
                // The writer commits a prefix of what was logged, key by key in file order:
                // the points already stored are the first ones of the file.
                Result<std::vector<MetricPoint>> stored = m_store.metricSeries(id, key);
                if (!stored)
                    return stored.error();
                skip = std::min(stored->size(), points.size());
            }
            const std::vector<MetricPoint> rest(points.begin() + static_cast<std::ptrdiff_t>(skip), points.end());
            if (rest.empty())
                continue;
            if (Status s = m_store.importMetrics(id, key, rest); !s)
                return s;
            m_report.metricPoints += static_cast<qint64>(rest.size());
        }
        if (Status s = m_store.completeImport(id); !s)
            return s;
        ++(present ? m_report.completed : m_report.imported);
        return Status();
    }

    Store &m_store;
    MlflowImportOptions m_options;
    MlflowImportReport m_report;
    QHash<QString, ExistingRun> m_byId;
    QHash<QString, ExistingRun> m_byMlflowId;
};

bool hasExperiments(const QString &dir)
{
    for (const QString &sub : subfolders(dir))
        if (QFileInfo::exists(dir + QLatin1Char('/') + sub + QStringLiteral("/meta.yaml")))
            return true;
    return false;
}

} // namespace

QJsonObject MlflowImportReport::toJson() const
{
    return QJsonObject{{QStringLiteral("experiments"), experiments},
                       {QStringLiteral("imported"), imported},
                       {QStringLiteral("completed"), completed},
                       {QStringLiteral("alreadyPresent"), alreadyPresent},
                       {QStringLiteral("deletedSkipped"), deletedSkipped},
                       {QStringLiteral("params"), params},
                       {QStringLiteral("tags"), tags},
                       {QStringLiteral("metricPoints"), metricPoints},
                       {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
}

QString MlflowImportReport::summary() const
{
    const auto plural = [](qint64 n, const char *noun) {
        return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(noun), n == 1 ? QString() : QStringLiteral("s"));
    };
    QString s = QStringLiteral("imported %1 (%2 read, %3)")
                    .arg(plural(imported, "run"), plural(experiments, "experiment"), plural(metricPoints, "metric point"));
    if (completed > 0)
        s += QStringLiteral("; completed %1 left incomplete by an earlier import").arg(plural(completed, "run"));
    s += QStringLiteral("; %1 already present").arg(alreadyPresent);
    if (deletedSkipped > 0)
        s += QStringLiteral("; %1 deleted in MLflow, skipped").arg(deletedSkipped);
    return s;
}

Result<MlflowImportReport> importMlflow(Store &store, const QString &mlrunsDir, const MlflowImportOptions &options)
{
    QString root = QDir::cleanPath(QDir(mlrunsDir).absolutePath());
    if (!QFileInfo(root).isDir())
        return Error(QStringLiteral("'%1' is not a folder; give the path of an MLflow 'mlruns' folder").arg(mlrunsDir)).at(mlrunsDir);
    if (!hasExperiments(root) && hasExperiments(root + QStringLiteral("/mlruns")))
        root += QStringLiteral("/mlruns");
    if (!hasExperiments(root)) {
        return Error(QStringLiteral("'%1' holds no MLflow experiment (no <experiment>/meta.yaml); give the path of an "
                                    "MLflow 'mlruns' folder")
                         .arg(root))
            .at(root);
    }
    Importer importer(store, options);
    if (Status s = importer.loadExisting(); !s)
        return s.error();
    QStringList skipped;
    for (const QString &sub : subfolders(root)) {
        const QString dir = root + QLatin1Char('/') + sub;
        if (sub == QLatin1String(".trash") || sub == QLatin1String("models"))
            continue; // MLflow's trash and model registry: not experiments
        if (!QFileInfo::exists(dir + QStringLiteral("/meta.yaml"))) {
            skipped << QStringLiteral("skipped '%1': no meta.yaml, not an MLflow experiment").arg(dir);
            continue;
        }
        if (Status s = importer.importExperiment(dir); !s) {
            Error e = s.error();
            const MlflowImportReport soFar = importer.report();
            e.message += QStringLiteral(" (the import stopped here after %1 new runs; they stay, and importing again skips them)")
                             .arg(soFar.imported + soFar.completed);
            return e;
        }
    }
    MlflowImportReport report = importer.report();
    report.warnings = skipped + report.warnings;
    return report;
}

} // namespace mb
