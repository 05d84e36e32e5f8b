// Export of runs and metrics as CSV and JSON: a round trip reproduces the store's contents.
#include "core/store/store.h"
#include "core/tracking/run_export.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace mb;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A strict RFC 4180 reader, for checking what the exporter wrote.
QList<QStringList> parseCsv(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
        } else if (c == QLatin1Char('\n')) {
            row << field;
            rows << row;
            row.clear();
            field.clear();
        } else {
            field += c;
        }
    }
    return rows;
}

double jsonDouble(const QJsonValue &v)
{
    if (v.isString()) {
        const QString s = v.toString();
        return s == QLatin1String("NaN") ? kNaN : s == QLatin1String("Infinity") ? kInf : s == QLatin1String("-Infinity") ? -kInf : 12345.678;
    }
    return v.toDouble();
}

bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

struct Fixture {
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    QString first, second, other;

    bool build()
    {
        Result<std::unique_ptr<Store>> s = Store::open(dir.path());
        if (!s)
            return false;
        store = std::move(*s);
        NewRun a;
        a.experiment = QStringLiteral("exp");
        a.name = QStringLiteral("first, with \"quotes\"");
        a.params = QJsonObject{{QStringLiteral("model"), QJsonObject{{QStringLiteral("eta"), 0.1}, {QStringLiteral("depth"), 6}}},
                               {QStringLiteral("name"), QStringLiteral(" padded ")},
                               {QStringLiteral("flag"), true}};
        a.tags = QJsonObject{{QStringLiteral("note"), QStringLiteral("two\nlines")}};
        NewRun b;
        b.experiment = QStringLiteral("exp");
        b.name = QStringLiteral("second");
        b.params = QJsonObject{{QStringLiteral("model"), QJsonObject{{QStringLiteral("eta"), 0.3}}}};
        NewRun c;
        c.experiment = QStringLiteral("elsewhere");
        c.name = QStringLiteral("other");
        const Result<QString> ra = store->createRun(a), rb = store->createRun(b), rc = store->createRun(c);
        if (!ra || !rb || !rc)
            return false;
        first = *ra;
        second = *rb;
        other = *rc;
        store->logMetric(first, QStringLiteral("loss"), 0, 0.9, 1700000000000);
        store->logMetric(first, QStringLiteral("loss"), 2, 0.1 + 0.2, 1700000002000);
        store->logMetric(first, QStringLiteral("loss"), 1, 0.5, 1700000001000);
        store->logMetric(first, QStringLiteral("val/auc"), 0, kNaN, 1700000000500);
        store->logMetric(first, QStringLiteral("val/auc"), 1, -kInf, 1700000001500);
        store->logMetric(second, QStringLiteral("loss"), 0, 1e-300, 1700000003000);
        store->logMetric(other, QStringLiteral("acc"), 0, 0.5, 1700000004000);
        return store->flush().ok() && store->finishRun(first, RunStatus::Finished).ok()
               && store->finishRun(second, RunStatus::Failed, QStringLiteral("boom")).ok();
    }
};

} // namespace

class TestExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runsJsonRoundTrip()
    {
        Fixture f;
        QVERIFY(f.build());
        qint64 count = 0;
        const Result<QByteArray> bytes = exportRuns(*f.store, QStringLiteral("exp"), ExportFormat::Json, &count);
        QVERIFY(bytes.ok());
        QCOMPARE(count, qint64(2));
        const QJsonArray array = QJsonDocument::fromJson(*bytes).array();
        const Result<std::vector<RunRecord>> runs = f.store->listRuns(QStringLiteral("exp"));
        QVERIFY(runs.ok());
        QCOMPARE(array.size(), static_cast<int>(runs->size()));
        for (int i = 0; i < array.size(); ++i) {
            const QJsonObject o = array[i].toObject();
            const RunRecord &r = (*runs)[static_cast<std::size_t>(i)];
            QCOMPARE(o.value(QStringLiteral("id")).toString(), r.id);
            QCOMPARE(o.value(QStringLiteral("experiment")).toString(), r.experiment);
            QCOMPARE(o.value(QStringLiteral("name")).toString(), r.name);
            QCOMPARE(o.value(QStringLiteral("status")).toString(), runStatusName(r.status));
            QCOMPARE(o.value(QStringLiteral("startMs")).toInteger(), r.startMs);
            QCOMPARE(o.value(QStringLiteral("endMs")).toInteger(), r.endMs);
            QVERIFY(r.endMs > 0);
            QCOMPARE(o.value(QStringLiteral("params")).toObject(), r.params);
            QCOMPARE(o.value(QStringLiteral("tags")).toObject(), r.tags);
            const QJsonObject metrics = o.value(QStringLiteral("metrics")).toObject();
            const QStringList keys = *f.store->metricKeys(r.id);
            QCOMPARE(metrics.keys(), keys);
            for (const QString &k : keys)
                QVERIFY2(sameDouble(jsonDouble(metrics.value(k)), f.store->metricSeries(r.id, k)->back().value), qPrintable(k));
        }
        // The latest value is the one at the highest step, not the last logged.
        const QJsonObject firstRun = array[0].toObject().value(QStringLiteral("id")).toString() == f.first ? array[0].toObject() : array[1].toObject();
        QCOMPARE(firstRun.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("loss")).toDouble(), 0.1 + 0.2);
        QCOMPARE(firstRun.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("val/auc")).toString(), QStringLiteral("-Infinity"));
    }

    void runsCsvHasOneRowPerRunAndEveryColumn()
    {
        Fixture f;
        QVERIFY(f.build());
        const Result<QByteArray> bytes = exportRuns(*f.store, QString(), ExportFormat::Csv);
        QVERIFY(bytes.ok());
        const QList<QStringList> rows = parseCsv(*bytes);
        QCOMPARE(rows.size(), 4);
        const QStringList header = rows[0];
        QCOMPARE(header, (QStringList{"id", "experiment", "name", "status", "start", "end", "params.flag", "params.model.depth",
                                      "params.model.eta", "params.name", "tags.note", "metric.acc", "metric.loss", "metric.val/auc"}));
        const Result<std::vector<RunRecord>> runs = f.store->listRuns();
        QVERIFY(runs.ok());
        for (int i = 1; i < rows.size(); ++i) {
            QCOMPARE(rows[i].size(), header.size());
            const QStringList &row = rows[i];
            const RunRecord &r = (*runs)[static_cast<std::size_t>(i - 1)];
            QCOMPARE(row[0], r.id);
            QCOMPARE(row[1], r.experiment);
            QCOMPARE(row[2], r.name);
            QCOMPARE(row[3], runStatusName(r.status));
            QCOMPARE(QDateTime::fromString(row[4], Qt::ISODateWithMs).toMSecsSinceEpoch(), r.startMs);
            QVERIFY(row[4].endsWith(QLatin1Char('Z')));
            QCOMPARE(row[5].isEmpty(), r.endMs == 0);
            if (r.id == f.first) {
                QCOMPARE(row[2], QStringLiteral("first, with \"quotes\""));
                QCOMPARE(row[6], QStringLiteral("true"));
                QCOMPARE(row[7], QStringLiteral("6"));
                QCOMPARE(row[8], QStringLiteral("0.1"));
                QCOMPARE(row[9], QStringLiteral(" padded "));
                QCOMPARE(row[10], QStringLiteral("two\nlines"));
                QCOMPARE(row[11], QString());
                QCOMPARE(row[12].toDouble(), 0.1 + 0.2);
                QCOMPARE(row[13], QStringLiteral("-inf"));
            } else if (r.id == f.second) {
                QCOMPARE(row[8], QStringLiteral("0.3"));
                QCOMPARE(row[6], QString());
                QCOMPARE(row[12].toDouble(), 1e-300);
            } else {
                QCOMPARE(row[11], QStringLiteral("0.5"));
                QCOMPARE(row[12], QString());
            }
        }
    }

    void metricsRoundTrip_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("key");
        QTest::newRow("json, all keys") << QStringLiteral("json") << QString();
        QTest::newRow("csv, all keys") << QStringLiteral("csv") << QString();
        QTest::newRow("json, one key") << QStringLiteral("JSON") << QStringLiteral("val/auc");
        QTest::newRow("csv, one key") << QStringLiteral("csv") << QStringLiteral("loss");
    }

    void metricsRoundTrip()
    {
        QFETCH(QString, format);
        QFETCH(QString, key);
        Fixture f;
        QVERIFY(f.build());
        ExportFormat fmt = ExportFormat::Csv;
        QVERIFY(parseExportFormat(format, &fmt));
        qint64 count = 0;
        const Result<QByteArray> bytes = exportMetrics(*f.store, f.first.left(8), key, fmt, &count);
        QVERIFY2(bytes.ok(), qPrintable(bytes.error().message));

        // (key, step, value, time) as exported, in order.
        struct Row {
            QString run, key;
            qint64 step;
            double value;
            qint64 time;
        };
        std::vector<Row> rows;
        if (fmt == ExportFormat::Json) {
            for (const QJsonValue &v : QJsonDocument::fromJson(*bytes).array()) {
                const QJsonObject o = v.toObject();
                rows.push_back({o.value(QStringLiteral("run")).toString(), o.value(QStringLiteral("key")).toString(),
                                o.value(QStringLiteral("step")).toInteger(), jsonDouble(o.value(QStringLiteral("value"))),
                                o.value(QStringLiteral("time")).toInteger()});
            }
        } else {
            const QList<QStringList> csv = parseCsv(*bytes);
            QCOMPARE(csv.value(0), (QStringList{"run", "key", "step", "value", "time"}));
            for (int i = 1; i < csv.size(); ++i) {
                bool ok = false;
                const QString v = csv[i][3];
                const double value = v == QLatin1String("nan") ? kNaN : v == QLatin1String("-inf") ? -kInf : v.toDouble(&ok);
                rows.push_back({csv[i][0], csv[i][1], csv[i][2].toLongLong(), value, csv[i][4].toLongLong()});
            }
        }
        std::vector<Row> expected;
        const QStringList keys = key.isEmpty() ? *f.store->metricKeys(f.first) : QStringList{key};
        for (const QString &k : keys) {
            const Result<std::vector<MetricPoint>> series = f.store->metricSeries(f.first, k);
            QVERIFY(series.ok());
            for (const MetricPoint &p : *series)
                expected.push_back({f.first, k, p.step, p.value, p.timeMs});
        }
        QCOMPARE(count, static_cast<qint64>(expected.size()));
        QCOMPARE(rows.size(), expected.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(rows[i].run, expected[i].run);
            QCOMPARE(rows[i].key, expected[i].key);
            QCOMPARE(rows[i].step, expected[i].step);
            QVERIFY2(sameDouble(rows[i].value, expected[i].value), qPrintable(QString::number(rows[i].value)));
            QCOMPARE(rows[i].time, expected[i].time);
        }
    }

    void metricsErrors()
    {
        Fixture f;
        QVERIFY(f.build());
        const Result<QByteArray> noKey = exportMetrics(*f.store, f.first, QStringLiteral("nope"), ExportFormat::Csv);
        QVERIFY(!noKey.ok());
        QVERIFY(noKey.error().message.contains(QStringLiteral("has no metric 'nope'; it has: loss, val/auc")));
        const Result<QByteArray> noRun = exportMetrics(*f.store, QStringLiteral("ffffffff"), QString(), ExportFormat::Csv);
        QVERIFY(!noRun.ok());
        ExportFormat fmt;
        QVERIFY(!parseExportFormat(QStringLiteral("xml"), &fmt));
    }

    void csvQuoting_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("field");
        QTest::newRow("plain") << QStringLiteral("abc") << QByteArray("abc");
        QTest::newRow("empty") << QString() << QByteArray();
        QTest::newRow("comma") << QStringLiteral("a,b") << QByteArray("\"a,b\"");
        QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
        QTest::newRow("newline") << QStringLiteral("a\nb") << QByteArray("\"a\nb\"");
        QTest::newRow("leading space") << QStringLiteral(" a") << QByteArray("\" a\"");
        QTest::newRow("utf-8") << QStringLiteral("\u00e9t\u00e9") << QByteArray("\xc3\xa9t\xc3\xa9");
    }

    void csvQuoting()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, field);
        QCOMPARE(csvField(text), field);
    }

    void atomicWrite()
    {
        QTemporaryDir dir;
        const QString path = QDir(dir.path()).filePath(QStringLiteral("out.csv"));
        QVERIFY(writeFileAtomically(path, "old\n").ok());
        QVERIFY(writeFileAtomically(path, "new content\n").ok());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("new content\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("out.csv")}); // no temporary left
        const QString missing = QDir(dir.path()).filePath(QStringLiteral("no/such/folder/out.csv"));
        const Status s = writeFileAtomically(missing, "x");
        QVERIFY(!s.ok());
        QCOMPARE(s.error().file, missing);
        QVERIFY(s.error().message.contains(missing));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
