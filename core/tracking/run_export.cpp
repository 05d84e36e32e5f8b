#include "core/tracking/run_export.h"

#include "core/store/store.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSaveFile>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace mb {

namespace {

QString isoUtc(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toUTC().toString(Qt::ISODateWithMs) : QString();
}

QByteArray csvNumber(double v)
{
    // The shortest text that reads back as the same double; "nan", "inf", "-inf" otherwise.
    return QString::number(v, 'g', QLocale::FloatingPointShortest).toLatin1();
}

QJsonValue jsonNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    return v;
}

// A param or tag value as one CSV cell: strings as they are, numbers in their shortest
// exact form, anything else as compact JSON.
QString cellText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    }
    return QString();
}

QStringList sortedKeys(const QSet<QString> &keys)
{
    QStringList list(keys.cbegin(), keys.cend());
    std::sort(list.begin(), list.end());
    return list;
}

QByteArray csvLine(const QStringList &cells)
{
    QByteArray line;
    for (int i = 0; i < cells.size(); ++i) {
        if (i > 0)
            line += ',';
        line += csvField(cells[i]);
    }
    return line + '\n';
}

} // namespace

bool parseExportFormat(const QString &name, ExportFormat *format)
{
    if (name.compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0)
        *format = ExportFormat::Csv;
    else if (name.compare(QLatin1String("json"), Qt::CaseInsensitive) == 0)
        *format = ExportFormat::Json;
    else
        return false;
    return true;
}

QByteArray csvField(const QString &text)
{
    const bool quote = text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n'))
                       || text.contains(QLatin1Char('\r')) || (!text.isEmpty() && (text.front().isSpace() || text.back().isSpace()));
    if (!quote)
        return text.toUtf8();
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return '"' + quoted.toUtf8() + '"';
}

Result<QByteArray> exportRuns(const Store &store, const QString &experiment, ExportFormat format, qint64 *count)
{
    Result<std::vector<RunRecord>> runs = store.listRuns(experiment);
    if (!runs)
        return runs.error();
    // The latest value of each metric: the last point of its series (highest step).
    std::vector<std::map<QString, double>> latest;
    latest.reserve(runs->size());
    QSet<QString> paramKeys, tagKeys, metricKeys;
    for (const RunRecord &r : *runs) {
        Result<QStringList> keys = store.metricKeys(r.id);
        if (!keys)
            return keys.error();
        std::map<QString, double> values;
        for (const QString &key : *keys) {
            Result<std::vector<MetricPoint>> series = store.metricSeries(r.id, key);
            if (!series)
                return series.error();
            if (!series->empty()) {
                values[key] = series->back().value;
                metricKeys.insert(key);
            }
        }
        latest.push_back(std::move(values));
        for (auto it = r.params.constBegin(); it != r.params.constEnd(); ++it)
            paramKeys.insert(it.key());
        for (auto it = r.tags.constBegin(); it != r.tags.constEnd(); ++it)
            tagKeys.insert(it.key());
    }
    if (count)
        *count = static_cast<qint64>(runs->size());

    if (format == ExportFormat::Json) {
        QJsonArray array;
        for (std::size_t i = 0; i < runs->size(); ++i) {
            const RunRecord &r = (*runs)[i];
            QJsonObject metrics;
            for (const auto &[key, value] : latest[i])
                metrics.insert(key, jsonNumber(value));
            array.append(QJsonObject{{QStringLiteral("id"), r.id},
                                     {QStringLiteral("experiment"), r.experiment},
                                     {QStringLiteral("name"), r.name},
                                     {QStringLiteral("status"), runStatusName(r.status)},
                                     {QStringLiteral("startMs"), r.startMs},
                                     {QStringLiteral("endMs"), r.endMs},
                                     {QStringLiteral("params"), r.params},
                                     {QStringLiteral("tags"), r.tags},
                                     {QStringLiteral("metrics"), metrics}});
        }
        return QJsonDocument(array).toJson(QJsonDocument::Indented);
    }

    const QStringList params = sortedKeys(paramKeys), tags = sortedKeys(tagKeys), metrics = sortedKeys(metricKeys);
    QStringList header{QStringLiteral("id"), QStringLiteral("experiment"), QStringLiteral("name"), QStringLiteral("status"),
                       QStringLiteral("start"), QStringLiteral("end")};
    for (const QString &k : params)
        header << QStringLiteral("params.") + k;
    for (const QString &k : tags)
        header << QStringLiteral("tags.") + k;
    for (const QString &k : metrics)
        header << QStringLiteral("metric.") + k;
    QByteArray out = csvLine(header);
    for (std::size_t i = 0; i < runs->size(); ++i) {
        const RunRecord &r = (*runs)[i];
        QStringList row{r.id, r.experiment, r.name, runStatusName(r.status), isoUtc(r.startMs), isoUtc(r.endMs)};
        for (const QString &k : params)
            row << cellText(r.params.value(k));
        for (const QString &k : tags)
            row << cellText(r.tags.value(k));
        for (const QString &k : metrics) {
            const auto it = latest[i].find(k);
            row << (it == latest[i].end() ? QString() : QString::fromLatin1(csvNumber(it->second)));
        }
        out += csvLine(row);
    }
    return out;
}

Result<QByteArray> exportMetrics(const Store &store, const QString &run, const QString &key, ExportFormat format, qint64 *count)
{
    Result<RunRecord> record = store.run(run);
    if (!record)
        return record.error();
    Result<QStringList> keys = store.metricKeys(record->id);
    if (!keys)
        return keys.error();
    QStringList wanted = *keys;
    if (!key.isEmpty()) {
        if (!keys->contains(key)) {
            return Error(QStringLiteral("run %1 has no metric '%2'; it has: %3")
                             .arg(record->id, key, keys->isEmpty() ? QStringLiteral("none") : keys->join(QStringLiteral(", "))))
                .inField(key);
        }
        wanted = QStringList{key};
    }
    QByteArray csv = "run,key,step,value,time\n";
    QJsonArray json;
    qint64 n = 0;
    for (const QString &k : wanted) {
        Result<std::vector<MetricPoint>> series = store.metricSeries(record->id, k);
        if (!series)
            return series.error();
        const QByteArray prefix = csvField(record->id) + ',' + csvField(k) + ',';
        for (const MetricPoint &p : *series) {
            if (format == ExportFormat::Csv) {
                csv += prefix + QByteArray::number(p.step) + ',' + csvNumber(p.value) + ',' + QByteArray::number(p.timeMs) + '\n';
            } else {
                json.append(QJsonObject{{QStringLiteral("run"), record->id},
                                        {QStringLiteral("key"), k},
                                        {QStringLiteral("step"), p.step},
                                        {QStringLiteral("value"), jsonNumber(p.value)},
                                        {QStringLiteral("time"), p.timeMs}});
            }
            ++n;
        }
    }
    if (count)
        *count = n;
    if (format == ExportFormat::Csv)
        return csv;
    return QJsonDocument(json).toJson(QJsonDocument::Indented);
}

Status writeFileAtomically(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(QStringLiteral("cannot write '%1': %2").arg(path, file.errorString())).at(path);
    if (file.write(bytes) != bytes.size()) {
        const QString why = file.errorString();
        file.cancelWriting();
        return Error(QStringLiteral("cannot write '%1': %2").arg(path, why)).at(path);
    }
    if (!file.commit())
        return Error(QStringLiteral("cannot write '%1': %2").arg(path, file.errorString())).at(path);
    return Status();
}

} // namespace mb
