// The metric block codec and point summaries: round trips (NaN, extreme steps and
// times), block size bounds, damaged data refused, summaries merge like one pass.
#include "core/store/metric_block.h"

#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace mb;

namespace {

bool samePoint(const MetricPoint &a, const MetricPoint &b)
{
    return a.step == b.step && a.timeMs == b.timeMs && std::memcmp(&a.value, &b.value, sizeof a.value) == 0;
}

std::vector<MetricPoint> randomPoints(std::mt19937_64 &rng, int n)
{
    std::uniform_int_distribution<int> kind(0, 9);
    std::uniform_int_distribution<qint64> any(std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
    std::normal_distribution<double> normal(0.0, 10.0);
    std::vector<MetricPoint> points;
    qint64 step = 0;
    qint64 time = 1700000000000;
    for (int i = 0; i < n; ++i) {
        switch (kind(rng)) {
        case 0: step = any(rng); break;             // anywhere, extremes included
        case 1: break;                              // a repeated step
        case 2: step -= 5; break;                   // late
        default: step += 1;
        }
        time += kind(rng) == 0 ? any(rng) % 100000 : 1;
        double value = normal(rng);
        if (kind(rng) == 0)
            value = std::nan("");
        else if (kind(rng) == 1)
            value = std::numeric_limits<double>::infinity() * (i % 2 ? 1 : -1);
        points.push_back(MetricPoint{step, value, time});
    }
    return points;
}

} // namespace

class TestStoreMetricBlock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripsEveryPoint()
    {
        std::mt19937_64 rng(42);
        for (int trial = 0; trial < 200; ++trial) {
            const std::vector<MetricPoint> points = randomPoints(rng, 1 + int(rng() % 600));
            std::vector<MetricPoint> decoded;
            BlockEncoder block;
            std::size_t blockStart = 0;
            auto close = [&] {
                QVERIFY(block.data().size() <= BlockEncoder::kMaxBytes);
                QVERIFY(block.summary().count <= BlockEncoder::kMaxPoints);
                QVERIFY(decodeBlock(block.data().constData(), block.data().size(), block.summary().count, &decoded));
                // The block's summary is the summary of its points.
                PointSummary expected;
                for (std::size_t i = blockStart; i < decoded.size(); ++i)
                    expected.add(decoded[i]);
                QCOMPARE(block.summary().count, expected.count);
                QCOMPARE(block.summary().stepHi, expected.stepHi);
                blockStart = decoded.size();
                block.clear();
            };
            for (const MetricPoint &p : points) {
                block.append(p);
                if (block.full())
                    close();
            }
            if (!block.empty())
                close();
            QCOMPARE(decoded.size(), points.size());
            for (std::size_t i = 0; i < points.size(); ++i)
                QVERIFY2(samePoint(decoded[i], points[i]), qPrintable(QStringLiteral("trial %1 point %2").arg(trial).arg(i)));
        }
    }

    void worstCasePointsStayInOnePage()
    {
        // Steps and times jumping across the whole int64 range: 28 bytes a point.
        BlockEncoder block;
        qint64 i = 0;
        while (!block.full()) {
            const qint64 big = (i % 2) ? std::numeric_limits<qint64>::min() : std::numeric_limits<qint64>::max();
            block.append(MetricPoint{big, 1.0, ~big}); // ~ swaps min and max without overflow
            ++i;
        }
        QVERIFY(block.data().size() <= BlockEncoder::kMaxBytes);
        QVERIFY(block.data().size() > BlockEncoder::kMaxBytes - 2 * BlockEncoder::kMaxPointBytes); // it filled up
        // Ordinary points: the point-count limit or the byte limit, whichever comes first.
        BlockEncoder small;
        for (qint64 s = 0; !small.full(); ++s)
            small.append(MetricPoint{s, 0.5, 1000 + s});
        QVERIFY(small.summary().count > 300);
        QVERIFY(small.summary().count <= BlockEncoder::kMaxPoints);
    }

    void damagedDataIsRefused_data()
    {
        QTest::addColumn<int>("cut");     // bytes removed from the end
        QTest::addColumn<int>("extra");   // bytes appended
        QTest::addColumn<qint64>("countDelta");
        QTest::newRow("truncated value") << 5 << 0 << qint64(0);
        QTest::newRow("truncated varint") << 1 << 0 << qint64(0);
        QTest::newRow("trailing byte") << 0 << 1 << qint64(0);
        QTest::newRow("count too high") << 0 << 0 << qint64(1);
        QTest::newRow("count too low") << 0 << 0 << qint64(-1);
        QTest::newRow("count absurd") << 0 << 0 << qint64(0); // set below: 2^40
        QTest::newRow("negative count") << 0 << 0 << qint64(-1000);
    }

    void damagedDataIsRefused()
    {
        QFETCH(int, cut);
        QFETCH(int, extra);
        QFETCH(qint64, countDelta);
        BlockEncoder block;
        for (qint64 s = 0; s < 20; ++s)
            block.append(MetricPoint{s * 1000, double(s), 1700000000000 + s});
        // A time delta of 1 ends every point with a one-byte varint: cutting one byte
        // leaves the last point's varint missing.
        QByteArray data = block.data();
        data.chop(cut);
        data.append(QByteArray(extra, '\x01'));
        qint64 count = block.summary().count + countDelta;
        if (QByteArray(QTest::currentDataTag()) == "count absurd")
            count = qint64(1) << 40;
        std::vector<MetricPoint> out{MetricPoint{7, 7.0, 7}};
        QVERIFY(!decodeBlock(data.constData(), data.size(), count, &out));
        QCOMPARE(out.size(), std::size_t(1)); // left as it was
        QVERIFY(!BlockEncoder().load(data, count));
    }

    void loadContinuesABlock()
    {
        std::mt19937_64 rng(7);
        const std::vector<MetricPoint> points = randomPoints(rng, 60);
        BlockEncoder first;
        for (std::size_t i = 0; i < 30; ++i)
            first.append(points[i]);
        BlockEncoder resumed;
        QVERIFY(resumed.load(first.data(), first.summary().count));
        BlockEncoder whole;
        for (std::size_t i = 0; i < points.size(); ++i) {
            whole.append(points[i]);
            if (i >= 30)
                resumed.append(points[i]);
        }
        QCOMPARE(resumed.data(), whole.data());
        QCOMPARE(resumed.summary().count, qint64(60));
        QCOMPARE(resumed.summary().stepLo, whole.summary().stepLo);
        QCOMPARE(resumed.summary().minStep, whole.summary().minStep);
    }

    void summariesMergeLikeOnePass()
    {
        std::mt19937_64 rng(3);
        for (int trial = 0; trial < 300; ++trial) {
            const std::vector<MetricPoint> points = randomPoints(rng, 1 + int(rng() % 50));
            PointSummary whole;
            for (const MetricPoint &p : points)
                whole.add(p);
            // Split into consecutive pieces, merged in logging order.
            PointSummary merged;
            std::size_t i = 0;
            while (i < points.size()) {
                const std::size_t n = 1 + rng() % 7;
                PointSummary piece;
                for (std::size_t k = 0; k < n && i < points.size(); ++k, ++i)
                    piece.add(points[i]);
                merged.merge(piece);
            }
            QCOMPARE(merged.count, whole.count);
            QCOMPARE(merged.stepLo, whole.stepLo);
            QCOMPARE(merged.stepHi, whole.stepHi);
            QVERIFY(std::memcmp(&merged.lastValue, &whole.lastValue, sizeof(double)) == 0);
            QCOMPARE(merged.lastTimeMs, whole.lastTimeMs);
            QVERIFY(std::isnan(whole.minValue) ? std::isnan(merged.minValue) : merged.minValue == whole.minValue);
            QVERIFY(std::isnan(whole.maxValue) ? std::isnan(merged.maxValue) : merged.maxValue == whole.maxValue);
            QCOMPARE(merged.minStep, whole.minStep);
            QCOMPARE(merged.maxStep, whole.maxStep);
        }
    }

    void summaryRules()
    {
        PointSummary s;
        s.add(MetricPoint{5, std::nan(""), 1});
        QCOMPARE(s.count, qint64(1));
        QVERIFY(std::isnan(s.minValue) && std::isnan(s.maxValue)); // NaN is no extreme
        s.add(MetricPoint{3, 2.0, 2});
        s.add(MetricPoint{5, 1.0, 3}); // same highest step, logged later: the new last
        s.add(MetricPoint{4, 1.0, 4}); // equal minimum later: the first one keeps its step
        QCOMPARE(s.stepLo, qint64(3));
        QCOMPARE(s.stepHi, qint64(5));
        QCOMPARE(s.lastValue, 1.0);
        QCOMPARE(s.lastTimeMs, qint64(3));
        QCOMPARE(s.minValue, 1.0);
        QCOMPARE(s.minStep, qint64(5));
        QCOMPARE(s.maxValue, 2.0);
        QCOMPARE(s.maxStep, qint64(3));
    }
};

QTEST_GUILESS_MAIN(TestStoreMetricBlock)
#include "tst_store_metric_block.moc"
