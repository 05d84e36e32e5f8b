// The arithmetic under the curves: debiased EMA, the step -> time index, group alignment.
#include "ui/curves/series_math.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace mb;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool same(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}
} // namespace

class TstSeriesMath : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ema_data()
    {
        QTest::addColumn<QVector<double>>("values");
        QTest::addColumn<double>("weight");
        QTest::addColumn<QVector<double>>("expected");
        // Hand-computed: ema_t = w*ema_{t-1} + (1-w)*x_t, shown as ema_t / (1 - w^t).
        QTest::newRow("w=0.5") << QVector<double>{1, 2, 3, 4} << 0.5
                               << QVector<double>{1.0, 1.25 / 0.75, 2.125 / 0.875, 3.0625 / 0.9375};
        // A constant stays constant from the first point: that is what debiasing is for.
        QTest::newRow("constant w=0.9") << QVector<double>{5, 5, 5} << 0.9 << QVector<double>{5, 5, 5};
        QTest::newRow("w=0 is the input") << QVector<double>{3, -1, 7} << 0.0 << QVector<double>{3, -1, 7};
        // NaN is skipped: the output repeats the previous value and t does not advance.
        QTest::newRow("nan skipped") << QVector<double>{kNaN, 2, kNaN, 4} << 0.5
                                     << QVector<double>{kNaN, 2, 2, (0.5 + 2.0) / 0.75};
        QTest::newRow("w=0.99 first point") << QVector<double>{10, 0} << 0.99
                                           << QVector<double>{10, (0.99 * 0.1) / (1 - 0.99 * 0.99)};
    }
    void ema()
    {
        QFETCH(QVector<double>, values);
        QFETCH(double, weight);
        QFETCH(QVector<double>, expected);
        const QVector<double> got = debiasedEma(values, weight);
        QCOMPARE(got.size(), expected.size());
        for (qsizetype i = 0; i < got.size(); ++i)
            QVERIFY2(same(got[i], expected[i]), qPrintable(QStringLiteral("point %1: %2 != %3").arg(i).arg(got[i]).arg(expected[i])));
    }

    void timeIndexExact()
    {
        std::vector<MetricPoint> pts;
        for (qint64 s = 0; s < 100; ++s)
            pts.push_back({s * 10, 0.0, 1000 + s * 500});
        const TimeIndex idx = TimeIndex::build(pts);
        QVERIFY(idx.isExact());
        QCOMPARE(idx.indexedCount(), qint64(100));
        QCOMPARE(idx.timeAt(0), 1000.0);
        QCOMPARE(idx.timeAt(990), 1000.0 + 99 * 500);
        QCOMPARE(idx.timeAt(15), 1000.0 + 1.5 * 500); // halfway between steps 10 and 20
        QCOMPARE(idx.stepAt(1000.0 + 3 * 500, true), qint64(30));
        QCOMPARE(idx.stepAt(1000.0 + 3 * 500 + 1, true), qint64(40));
        QCOMPARE(idx.stepAt(1000.0 + 3 * 500 + 1, false), qint64(30));
    }

    void timeIndexAnchorsAndTail()
    {
        std::vector<MetricPoint> pts;
        for (qint64 s = 0; s < 100000; ++s)
            pts.push_back({s, 0.0, s * 2}); // 2 ms per step
        TimeIndex idx = TimeIndex::build(pts, 1000);
        QVERIFY(!idx.isExact());
        QCOMPARE(idx.timeAt(99999), 199998.0); // the last point is always an anchor
        QVERIFY(std::abs(idx.timeAt(12345) - 24690.0) < 1e-6); // linear between anchors
        // A live series grew: the tail extends the index without a rebuild.
        idx.setTail(110000, 220000);
        QCOMPARE(idx.lastStep(), qint64(110000));
        QCOMPARE(idx.timeAt(105000), 210000.0);
        QCOMPARE(idx.stepAt(220000, true), qint64(110000));
    }

    void timeIndexClockBackwards()
    {
        // The clock stepped back at step 2: the inverse uses the running maximum.
        const std::vector<MetricPoint> pts{{0, 0, 100}, {1, 0, 200}, {2, 0, 150}, {3, 0, 300}};
        const TimeIndex idx = TimeIndex::build(pts);
        QCOMPARE(idx.timeAt(2), 150.0);
        QCOMPARE(idx.stepAt(180, true), qint64(1));
        QCOMPARE(idx.stepAt(250, true), qint64(3));
    }

    void alignAndAggregate()
    {
        // Two runs on a 4-column grid over [0, 4): run a has 1..4, run b 3..6; a third run
        // has only the first two columns.
        const auto bucketsOf = [](const QVector<double> &v) {
            std::vector<Bucket> out;
            for (qsizetype i = 0; i < v.size(); ++i) {
                Bucket b;
                b.min = v[i] - 0.5;
                b.max = v[i] + 0.5;
                b.last = v[i];
                b.lastStep = i;
                b.count = 1;
                out.push_back(b);
            }
            return out;
        };
        const QVector<double> x{0.5, 1.5, 2.5, 3.5};
        std::vector<AlignedSeries> runs;
        runs.push_back(alignOnGrid(x, bucketsOf({1, 2, 3, 4}), 0, 4, 4));
        runs.push_back(alignOnGrid(x, bucketsOf({3, 4, 5, 6}), 0, 4, 4));
        runs.push_back(alignOnGrid({0.5, 1.5}, bucketsOf({2, 3}), 0, 4, 4));
        QCOMPARE(runs[0].lo[2], 2.5);
        QVERIFY(std::isnan(runs[2].value[3]));

        const GroupSeries mm = aggregateGroup(runs, 0, 4, BandMode::MinMax);
        QCOMPARE(mm.x, (QVector<double>{0.5, 1.5, 2.5, 3.5}));
        QCOMPARE(mm.mean, (QVector<double>{2, 3, 4, 5}));
        QCOMPARE(mm.lo, (QVector<double>{1, 2, 3, 4}));
        QCOMPARE(mm.hi, (QVector<double>{3, 4, 5, 6}));
        QCOMPARE(mm.runCount, (QVector<int>{3, 3, 2, 2}));

        const GroupSeries sd = aggregateGroup(runs, 0, 4, BandMode::StdDev);
        // Column 0: values 1, 3, 2 -> mean 2, population std sqrt(2/3).
        QVERIFY(same(sd.lo[0], 2 - std::sqrt(2.0 / 3.0)));
        QVERIFY(same(sd.hi[0], 2 + std::sqrt(2.0 / 3.0)));
        // Column 3: values 4, 6 -> std 1.
        QVERIFY(same(sd.lo[3], 4.0));
        QVERIFY(same(sd.hi[3], 6.0));
    }

    void alignLaterBucketWins()
    {
        // Two buckets in one column: the later last value stands, the band spans both.
        std::vector<Bucket> b(2);
        b[0].min = 0; b[0].max = 10; b[0].last = 1;
        b[1].min = 2; b[1].max = 3; b[1].last = 2;
        const AlignedSeries a = alignOnGrid({0.1, 0.2}, b, 0, 1, 1);
        QCOMPARE(a.value[0], 2.0);
        QCOMPARE(a.lo[0], 0.0);
        QCOMPARE(a.hi[0], 10.0);
    }
};

QTEST_GUILESS_MAIN(TstSeriesMath)
#include "tst_series_math.moc"
