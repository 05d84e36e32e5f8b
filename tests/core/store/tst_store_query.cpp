// queryRuns(): filters and sorts against a model of the runs computed in the test.
#include "core/store/store.h"
#include "store_test_util.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

using namespace mb;
using namespace mbtest;

namespace {

// What the test logged for one run.
struct ModelRun {
    int order = 0; ///< creation order: newest first is the default sort
    QString id;
    QString experiment;
    RunStatus status = RunStatus::Running;
    QString owner;
    std::optional<double> eta;   ///< param "eta" (a number), if set
    std::optional<QString> opt;  ///< param "opt" (a string), if set
    std::vector<double> loss;    ///< metric "valid-loss" at steps 0.., if logged
    std::vector<double> auc;     ///< metric "valid-auc"
};

double latest(const std::vector<double> &v) { return v.back(); }
double minOf(const std::vector<double> &v) { return *std::min_element(v.begin(), v.end()); }
double maxOf(const std::vector<double> &v) { return *std::max_element(v.begin(), v.end()); }

} // namespace

class TestStoreQuery : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<Store> m_store;
    std::vector<ModelRun> m_runs;

    // Ids of the model runs passing `keep`, sorted by `key` (missing last, either
    // direction), ties newest first.
    QStringList expect(const std::function<bool(const ModelRun &)> &keep,
                       const std::function<std::optional<double>(const ModelRun &)> &key = {}, bool descending = true)
    {
        std::vector<const ModelRun *> rows;
        for (const ModelRun &r : m_runs)
            if (keep(r))
                rows.push_back(&r);
        std::stable_sort(rows.begin(), rows.end(), [&](const ModelRun *a, const ModelRun *b) {
            if (key) {
                const std::optional<double> ka = key(*a), kb = key(*b);
                if (ka.has_value() != kb.has_value())
                    return ka.has_value();
                if (ka && *ka != *kb)
                    return descending ? *ka > *kb : *ka < *kb;
            }
            return a->order > b->order;
        });
        QStringList ids;
        for (const ModelRun *r : rows)
            ids << r->id;
        return ids;
    }

    QStringList ids(const RunQuery &q)
    {
        Result<std::vector<RunSummaryRow>> rows = m_store->queryRuns(q);
        if (!rows) {
            qWarning("%s", qPrintable(rows.error().message));
            return {QStringLiteral("<error>")};
        }
        QStringList out;
        for (const RunSummaryRow &r : *rows)
            out << r.id;
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_store = openOrFail(m_tmp.path());
        QVERIFY(m_store);
        const std::vector<RunStatus> statuses{RunStatus::Finished, RunStatus::Failed, RunStatus::Running, RunStatus::Finished};
        for (int i = 0; i < 40; ++i) {
            ModelRun r;
            r.order = i;
            r.experiment = i % 3 ? QStringLiteral("churn") : QStringLiteral("fraud");
            r.status = statuses[std::size_t(i % 4)];
            r.owner = i % 2 ? QStringLiteral("ana") : QStringLiteral("bo");
            if (i % 5 != 0)
                r.eta = (i % 7 == 0) ? 10.0 : double(i % 11) / 4.0; // 10 vs 2.5: numeric, not text order
            if (i % 4 == 1)
                r.opt = QStringLiteral("adam");
            if (i % 6 != 0)
                for (int s = 0; s < 5 + i % 4; ++s)
                    r.loss.push_back(std::fmod(i * 0.37 + s * 0.11, 1.0));
            if (i % 3 != 2)
                for (int s = 0; s < 3; ++s)
                    r.auc.push_back(std::fmod(i * 0.53 + s * 0.07, 1.0));

            NewRun nr;
            nr.experiment = r.experiment;
            nr.name = QStringLiteral("run-%1").arg(i, 2, 10, QLatin1Char('0'));
            nr.tags = QJsonObject{{QStringLiteral("owner"), r.owner}};
            if (r.eta)
                nr.params.insert(QStringLiteral("eta"), *r.eta);
            if (r.opt)
                nr.params.insert(QStringLiteral("opt"), *r.opt);
            Result<QString> id = m_store->createRun(nr);
            QVERIFY(id);
            r.id = *id;
            for (std::size_t s = 0; s < r.loss.size(); ++s)
                m_store->logMetric(r.id, QStringLiteral("valid-loss"), qint64(s), r.loss[s]);
            for (std::size_t s = 0; s < r.auc.size(); ++s)
                m_store->logMetric(r.id, QStringLiteral("valid-auc"), qint64(s), r.auc[s]);
            if (r.status != RunStatus::Running)
                QVERIFY(m_store->finishRun(r.id, r.status).ok());
            m_runs.push_back(r);
        }
        QVERIFY(m_store->flush().ok());
    }

    void defaultIsNewestFirst()
    {
        QCOMPARE(ids(RunQuery()), expect([](const ModelRun &) { return true; }));
    }

    void filters()
    {
        RunQuery q;
        q.statuses = {RunStatus::Finished, RunStatus::Failed};
        QCOMPARE(ids(q), expect([](const ModelRun &r) { return r.status != RunStatus::Running; }));

        q = RunQuery();
        q.experiment = QStringLiteral("fraud");
        q.tags = {{QStringLiteral("owner"), QStringLiteral("ana")}};
        QCOMPARE(ids(q), expect([](const ModelRun &r) { return r.experiment == QLatin1String("fraud") && r.owner == QLatin1String("ana"); }));

        q = RunQuery();
        q.params = {{QStringLiteral("eta"), 0.5}, {QStringLiteral("opt"), QStringLiteral("adam")}};
        const QStringList both = expect([](const ModelRun &r) { return r.eta == 0.5 && r.opt.has_value(); });
        QVERIFY(!both.isEmpty());
        QCOMPARE(ids(q), both);
        q.params = {{QStringLiteral("eta"), 0.5}};
        QVERIFY(expect([](const ModelRun &r) { return r.eta == 0.5; }).size() > both.size());
        QCOMPARE(ids(q), expect([](const ModelRun &r) { return r.eta == 0.5; }));
        q.params = {{QStringLiteral("eta"), QStringLiteral("0.5")}}; // the string "0.5" is not the number
        QCOMPARE(ids(q), QStringList());

        q = RunQuery();
        q.experiment = QStringLiteral("no-such-experiment");
        QCOMPARE(ids(q), QStringList());
    }

    void metricFilters_data()
    {
        QTest::addColumn<int>("field");
        QTest::addColumn<int>("op");
        QTest::addColumn<double>("value");
        QTest::newRow("best loss < 0.3") << int(MetricField::Best) << int(CompareOp::Less) << 0.3;
        QTest::newRow("latest loss >= 0.5") << int(MetricField::Latest) << int(CompareOp::GreaterOrEqual) << 0.5;
        QTest::newRow("max loss <= 0.8") << int(MetricField::Max) << int(CompareOp::LessOrEqual) << 0.8;
        QTest::newRow("min loss > 0.2") << int(MetricField::Min) << int(CompareOp::Greater) << 0.2;
        QTest::newRow("count == 6") << int(MetricField::Count) << int(CompareOp::Equal) << 6.0;
        QTest::newRow("count != 6") << int(MetricField::Count) << int(CompareOp::NotEqual) << 6.0;
    }

    void metricFilters()
    {
        QFETCH(int, field);
        QFETCH(int, op);
        QFETCH(double, value);
        RunQuery q;
        q.metrics = {MetricFilter{QStringLiteral("valid-loss"), MetricField(field), CompareOp(op), value}};
        const auto pick = [&](const ModelRun &r) -> bool {
            if (r.loss.empty())
                return false; // runs without the metric never match
            double v = 0;
            switch (MetricField(field)) {
            case MetricField::Latest: v = latest(r.loss); break;
            case MetricField::Best: // loss: lower is better
            case MetricField::Min: v = minOf(r.loss); break;
            case MetricField::Max: v = maxOf(r.loss); break;
            case MetricField::Count: v = double(r.loss.size()); break;
            }
            switch (CompareOp(op)) {
            case CompareOp::Equal: return v == value;
            case CompareOp::NotEqual: return v != value;
            case CompareOp::Less: return v < value;
            case CompareOp::LessOrEqual: return v <= value;
            case CompareOp::Greater: return v > value;
            case CompareOp::GreaterOrEqual: return v >= value;
            }
            return false;
        };
        const QStringList want = expect(pick);
        QVERIFY(!want.isEmpty() && want.size() < int(m_runs.size())); // the filter does filter
        QCOMPARE(ids(q), want);
    }

    void sortByMetric()
    {
        const auto all = [](const ModelRun &) { return true; };
        RunQuery q;
        q.sort.kind = RunSortKey::Kind::Metric;
        q.sort.name = QStringLiteral("valid-loss");
        q.sort.field = MetricField::Best;
        q.sort.descending = false;
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return r.loss.empty() ? std::nullopt : std::optional<double>(minOf(r.loss)); }, false));
        q.sort.descending = true; // missing values still last
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return r.loss.empty() ? std::nullopt : std::optional<double>(minOf(r.loss)); }, true));
        q.sort.name = QStringLiteral("valid-auc"); // higher is better: best is the max
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return r.auc.empty() ? std::nullopt : std::optional<double>(maxOf(r.auc)); }, true));
        q.sort.field = MetricField::Latest;
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return r.auc.empty() ? std::nullopt : std::optional<double>(latest(r.auc)); }, true));
        q.sort.field = MetricField::Count;
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return r.auc.empty() ? std::nullopt : std::optional<double>(double(r.auc.size())); }, true));
    }

    void sortByParamAndColumn()
    {
        const auto all = [](const ModelRun &) { return true; };
        RunQuery q;
        q.sort.kind = RunSortKey::Kind::Param;
        q.sort.name = QStringLiteral("eta");
        q.sort.descending = false;
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return r.eta; }, false));
        q.sort.descending = true;
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return r.eta; }, true));

        q = RunQuery();
        q.sort.column = RunColumn::Name;
        q.sort.descending = false;
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return std::optional<double>(r.order); }, false)); // names are run-00..
        q.sort.column = RunColumn::Experiment;
        QCOMPARE(ids(q), expect(all, [](const ModelRun &r) { return std::optional<double>(r.experiment == QLatin1String("churn") ? 0 : 1); }, false));
    }

    void pagingAndColumns()
    {
        RunQuery q;
        q.sort.kind = RunSortKey::Kind::Metric;
        q.sort.name = QStringLiteral("valid-loss");
        q.sort.field = MetricField::Latest;
        q.metricKeys = {QStringLiteral("valid-loss"), QStringLiteral("valid-auc"), QStringLiteral("never-logged")};
        q.paramKeys = {QStringLiteral("eta")};
        const QStringList full = ids(q);
        QCOMPARE(full.size(), int(m_runs.size()));
        q.limit = 7;
        q.offset = 10;
        QCOMPARE(ids(q), full.mid(10, 7));
        q.offset = 38;
        QCOMPARE(ids(q), full.mid(38));

        // The requested summaries and params, per row; through both lookup paths (a page
        // of a few rows, and all rows).
        for (qint64 limit : {qint64(5), qint64(-1)}) {
            q.limit = limit;
            q.offset = 0;
            Result<std::vector<RunSummaryRow>> rows = m_store->queryRuns(q);
            QVERIFY(rows);
            for (const RunSummaryRow &row : *rows) {
                const auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const ModelRun &r) { return r.id == row.id; });
                QVERIFY(it != m_runs.end());
                QCOMPARE(row.experiment, it->experiment);
                QCOMPARE(row.status, it->status);
                QCOMPARE(row.metrics.size(), std::size_t(3));
                QCOMPARE(row.metrics[0].key, QStringLiteral("valid-loss"));
                QCOMPARE(row.metrics[0].count, qint64(it->loss.size()));
                if (!it->loss.empty()) {
                    QCOMPARE(row.metrics[0].latest, latest(it->loss));
                    QCOMPARE(row.metrics[0].best, minOf(it->loss));
                    QCOMPARE(row.metrics[0].direction, MetricDirection::Minimize);
                }
                QCOMPARE(row.metrics[1].count, qint64(it->auc.size()));
                if (!it->auc.empty())
                    QCOMPARE(row.metrics[1].best, maxOf(it->auc));
                QCOMPARE(row.metrics[2].count, qint64(0));
                QCOMPARE(row.params.contains(QStringLiteral("eta")), it->eta.has_value());
                if (it->eta)
                    QCOMPARE(row.params.value(QStringLiteral("eta")).toDouble(), *it->eta);
            }
        }
        q.offset = -1;
        QVERIFY(!m_store->queryRuns(q));
    }

    void valuesAreBoundNotSpliced()
    {
        // A key that would break SQL if it were pasted into the statement.
        RunQuery q;
        q.tags = {{QStringLiteral("owner' OR '1'='1"), QStringLiteral("x")}};
        QCOMPARE(ids(q), QStringList());
        q = RunQuery();
        q.sort.kind = RunSortKey::Kind::Param;
        q.sort.name = QStringLiteral("eta); DROP TABLE runs; --");
        QCOMPARE(ids(q).size(), int(m_runs.size()));
        QVERIFY(m_store->integrityCheck().ok());
    }
};

QTEST_GUILESS_MAIN(TestStoreQuery)
#include "tst_store_query.moc"
