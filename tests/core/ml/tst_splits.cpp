// Splits: partition properties on many shapes, exact agreement with scikit-learn 1.2 where
// its output is deterministic (no shuffling; outputs pasted from sklearn), seeds, errors.

#include "core/ml/seeded_rng.h"
#include "core/ml/splits.h"

#include <QTest>

#include <algorithm>
#include <map>
#include <set>

using namespace mb;

using Indices = std::vector<std::size_t>;
Q_DECLARE_METATYPE(Indices)
Q_DECLARE_METATYPE(std::vector<int>)

namespace {

/// Checks that the folds partition 0..n-1: train/test disjoint and covering, sorted, no
/// empty side, and (when `coverOnce`) every index in exactly one test set.
void verifyPartition(const std::vector<Fold> &folds, std::size_t n, bool coverOnce)
{
    std::vector<int> testCount(n, 0);
    for (const Fold &f : folds) {
        QVERIFY(!f.train.empty());
        QVERIFY(!f.test.empty());
        QVERIFY(std::is_sorted(f.train.begin(), f.train.end()));
        QVERIFY(std::is_sorted(f.test.begin(), f.test.end()));
        QCOMPARE(f.train.size() + f.test.size(), n);
        Indices all;
        std::merge(f.train.begin(), f.train.end(), f.test.begin(), f.test.end(), std::back_inserter(all));
        for (std::size_t i = 0; i < n; ++i)
            QCOMPARE(all[i], i); // disjoint and covering
        for (std::size_t i : f.test)
            ++testCount[i];
    }
    if (coverOnce) {
        for (std::size_t i = 0; i < n; ++i)
            QVERIFY2(testCount[i] == 1, qPrintable(QStringLiteral("index %1 is tested %2 times").arg(i).arg(testCount[i])));
    }
}

/// Per fold and class, the test count differs from the class's even share by less than one.
void verifyStratified(const std::vector<Fold> &folds, const std::vector<int> &labels, int k)
{
    std::map<int, std::size_t> total;
    for (int l : labels)
        ++total[l];
    for (const Fold &f : folds) {
        std::map<int, std::size_t> inTest;
        for (std::size_t i : f.test)
            ++inTest[labels[i]];
        for (const auto &[label, count] : total) {
            const double share = static_cast<double>(count) / k;
            const double got = static_cast<double>(inTest[label]);
            QVERIFY2(got > share - 1.0 && got < share + 1.0,
                     qPrintable(QStringLiteral("class %1: %2 in a test fold, share %3").arg(label).arg(got).arg(share)));
        }
    }
}

std::vector<int> labelsWithCounts(std::initializer_list<int> counts)
{
    std::vector<int> labels;
    int label = 0;
    for (int c : counts) {
        labels.insert(labels.end(), static_cast<std::size_t>(c), label);
        ++label;
    }
    // Interleave deterministically so classes are not in contiguous blocks.
    std::vector<int> mixed(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i)
        mixed[(i * 7919) % labels.size()] = labels[i];
    return mixed;
}

} // namespace

class TestSplits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rngIsTheStandardEngine()
    {
        // The C++ standard fixes mt19937_64's 10000th output for the default seed 5489.
        SeededRng rng(5489);
        quint64 v = 0;
        for (int i = 0; i < 10000; ++i)
            v = rng.next();
        QCOMPARE(v, Q_UINT64_C(9981545732273789042));
    }

    void rngShuffleIsPinned()
    {
        // Regression pin: this permutation must never change between platforms or releases,
        // or every saved split in a workspace would silently change.
        SeededRng rng(42);
        std::vector<int> v{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        rng.shuffle(v);
        QCOMPARE(v, (std::vector<int>{1, 7, 9, 0, 3, 8, 4, 2, 5, 6}));
    }

    void rngBelowIsUniform()
    {
        SeededRng rng(7);
        std::vector<int> hist(6, 0);
        for (int i = 0; i < 60000; ++i) {
            const quint64 x = rng.below(6);
            QVERIFY(x < 6);
            ++hist[x];
        }
        for (int h : hist)
            QVERIFY2(h > 9500 && h < 10500, qPrintable(QString::number(h))); // expected 10000, sd ~91
        QCOMPARE(rng.below(1), quint64(0));
    }

    void kFoldPartition_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::addColumn<bool>("shuffle");
        QTest::newRow("10/3") << 10 << 3 << false;
        QTest::newRow("10/3 shuffled") << 10 << 3 << true;
        QTest::newRow("k == n") << 7 << 7 << true;
        QTest::newRow("2 samples") << 2 << 2 << false;
        QTest::newRow("1001/10 shuffled") << 1001 << 10 << true;
    }
    void kFoldPartition()
    {
        QFETCH(int, n);
        QFETCH(int, k);
        QFETCH(bool, shuffle);
        const auto folds = kFold(static_cast<std::size_t>(n), k, shuffle, 123);
        QVERIFY2(folds.ok(), qPrintable(folds.error().message));
        QCOMPARE(folds->size(), static_cast<std::size_t>(k));
        verifyPartition(*folds, static_cast<std::size_t>(n), true);
        for (int f = 0; f < k; ++f) // sklearn: the first n % k folds hold one more
            QCOMPARE((*folds)[static_cast<std::size_t>(f)].test.size(), static_cast<std::size_t>(n / k + (f < n % k ? 1 : 0)));
    }

    void kFoldMatchesSklearn()
    {
        const auto folds = kFold(10, 3, false, 0);
        QVERIFY(folds.ok());
        QCOMPARE((*folds)[0].test, (Indices{0, 1, 2, 3}));
        QCOMPARE((*folds)[1].test, (Indices{4, 5, 6}));
        QCOMPARE((*folds)[2].test, (Indices{7, 8, 9}));
        QCOMPARE((*folds)[1].train, (Indices{0, 1, 2, 3, 7, 8, 9}));
    }

    void seeds()
    {
        const auto a = kFold(100, 5, true, 1);
        const auto b = kFold(100, 5, true, 1);
        const auto c = kFold(100, 5, true, 2);
        QCOMPARE((*a)[0].test, (*b)[0].test);
        QVERIFY((*a)[0].test != (*c)[0].test);
        QVERIFY((*a)[0].test != (*kFold(100, 5, false, 1))[0].test);

        const std::vector<int> labels = labelsWithCounts({30, 50, 20});
        const auto s1 = mb::stratifiedKFold(labels, 4, true, 9);
        const auto s2 = mb::stratifiedKFold(labels, 4, true, 9);
        const auto s3 = mb::stratifiedKFold(labels, 4, true, 10);
        QCOMPARE((*s1)[2].test, (*s2)[2].test);
        QVERIFY((*s1)[2].test != (*s3)[2].test);

        QCOMPARE(holdoutSplit(50, 0.2, 5)->test, holdoutSplit(50, 0.2, 5)->test);
        QVERIFY(holdoutSplit(50, 0.2, 5)->test != holdoutSplit(50, 0.2, 6)->test);
        QCOMPARE(holdoutSplit(labels.size(), 0.2, 5, &labels)->test, holdoutSplit(labels.size(), 0.2, 5, &labels)->test);
    }

    void stratifiedKFold_data()
    {
        QTest::addColumn<std::vector<int>>("labels");
        QTest::addColumn<int>("k");
        QTest::addColumn<bool>("shuffle");
        QTest::newRow("balanced") << labelsWithCounts({20, 20, 20}) << 5 << false;
        QTest::newRow("imbalanced shuffled") << labelsWithCounts({95, 5}) << 5 << true;
        QTest::newRow("uneven counts shuffled") << labelsWithCounts({31, 17, 9, 4}) << 4 << true;
        QTest::newRow("class smaller than k") << labelsWithCounts({40, 2}) << 5 << true;
        QTest::newRow("k == n") << labelsWithCounts({3, 2}) << 5 << true;
    }
    void stratifiedKFold()
    {
        QFETCH(std::vector<int>, labels);
        QFETCH(int, k);
        QFETCH(bool, shuffle);
        const auto folds = mb::stratifiedKFold(labels, k, shuffle, 77);
        QVERIFY2(folds.ok(), qPrintable(folds.error().message));
        QCOMPARE(folds->size(), static_cast<std::size_t>(k));
        verifyPartition(*folds, labels.size(), true);
        verifyStratified(*folds, labels, k);
    }

    void stratifiedKFoldMatchesSklearn()
    {
        // sklearn 1.2: StratifiedKFold(3).split(X, [2,0,0,1,1,1,1,2,2,2,2,0,0,1])
        const auto folds = mb::stratifiedKFold({2, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 1}, 3, false, 0);
        QVERIFY(folds.ok());
        QCOMPARE((*folds)[0].test, (Indices{0, 1, 3, 4, 7}));
        QCOMPARE((*folds)[1].test, (Indices{2, 5, 6, 8, 9}));
        QCOMPARE((*folds)[2].test, (Indices{10, 11, 12, 13}));
        // StratifiedKFold(4) with a class of 3 members (sklearn warns, still splits)
        const auto small = mb::stratifiedKFold({1, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 4, false, 0);
        QVERIFY(small.ok());
        QCOMPARE((*small)[0].test, (Indices{0, 2, 3}));
        QCOMPARE((*small)[1].test, (Indices{1, 4, 5}));
        QCOMPARE((*small)[2].test, (Indices{6, 9}));
        QCOMPARE((*small)[3].test, (Indices{7, 8}));
    }

    void repeatedStratifiedKFold()
    {
        const std::vector<int> labels = labelsWithCounts({25, 15, 10});
        const auto folds = mb::repeatedStratifiedKFold(labels, 5, 3, 11);
        QVERIFY2(folds.ok(), qPrintable(folds.error().message));
        QCOMPARE(folds->size(), std::size_t{15});
        for (int r = 0; r < 3; ++r) {
            const std::vector<Fold> round(folds->begin() + r * 5, folds->begin() + (r + 1) * 5);
            verifyPartition(round, labels.size(), true);
            verifyStratified(round, labels, 5);
        }
        QVERIFY((*folds)[0].test != (*folds)[5].test); // rounds differ
        QCOMPARE((*mb::repeatedStratifiedKFold(labels, 5, 3, 11))[12].test, (*folds)[12].test);
    }

    void holdout_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("fraction");
        QTest::addColumn<int>("expectedTest");
        QTest::newRow("10 x 0.3") << 10 << 0.3 << 3;
        QTest::newRow("100 x 0.07 rounds up like sklearn") << 100 << 0.07 << 8;
        QTest::newRow("3 x 0.1") << 3 << 0.1 << 1;
        QTest::newRow("569 x 0.2") << 569 << 0.2 << 114;
    }
    void holdout()
    {
        QFETCH(int, n);
        QFETCH(double, fraction);
        QFETCH(int, expectedTest);
        const auto un = static_cast<std::size_t>(n);
        const auto plain = holdoutSplit(un, fraction, 3);
        QVERIFY2(plain.ok(), qPrintable(plain.error().message));
        QCOMPARE(plain->test.size(), static_cast<std::size_t>(expectedTest));
        verifyPartition({*plain}, un, false);

        std::vector<int> labels(un);
        for (std::size_t i = 0; i < un; ++i)
            labels[i] = static_cast<int>((i * i) % 5); // classes 0, 1, 4 in proportions 1:2:2
        const auto strat = holdoutSplit(un, fraction, 3, &labels);
        QVERIFY2(strat.ok(), qPrintable(strat.error().message));
        QCOMPARE(strat->test.size(), static_cast<std::size_t>(expectedTest));
        verifyPartition({*strat}, un, false);
        std::map<int, double> total, inTest;
        for (int l : labels)
            total[l] += 1.0;
        for (std::size_t i : strat->test)
            inTest[labels[i]] += 1.0;
        for (const auto &[label, count] : total) {
            const double share = count * expectedTest / n;
            QVERIFY2(std::abs(inTest[label] - share) < 1.0,
                     qPrintable(QStringLiteral("class %1: %2 in test, share %3").arg(label).arg(inTest[label]).arg(share)));
        }
    }

    void timeSeriesMatchesSklearn_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("gap");
        QTest::addColumn<int>("maxTrain");
        QTest::addColumn<int>("testSize");
        QTest::addColumn<std::vector<int>>("expected"); // per fold: train start, train end, test start, test end
        QTest::newRow("n10 k3") << 10 << 3 << 0 << 0 << 0 << std::vector<int>{0, 4, 4, 6, 0, 6, 6, 8, 0, 8, 8, 10};
        QTest::newRow("n6 k5") << 6 << 5 << 0 << 0 << 0
                               << std::vector<int>{0, 1, 1, 2, 0, 2, 2, 3, 0, 3, 3, 4, 0, 4, 4, 5, 0, 5, 5, 6};
        QTest::newRow("n12 k3 test2 gap2") << 12 << 3 << 2 << 0 << 2
                                           << std::vector<int>{0, 4, 6, 8, 0, 6, 8, 10, 0, 8, 10, 12};
        QTest::newRow("n10 k3 max3") << 10 << 3 << 0 << 3 << 0 << std::vector<int>{1, 4, 4, 6, 3, 6, 6, 8, 5, 8, 8, 10};
        QTest::newRow("n11 k4 gap1") << 11 << 4 << 1 << 0 << 0
                                     << std::vector<int>{0, 2, 3, 5, 0, 4, 5, 7, 0, 6, 7, 9, 0, 8, 9, 11};
    }
    void timeSeriesMatchesSklearn()
    {
        QFETCH(int, n);
        QFETCH(int, k);
        QFETCH(int, gap);
        QFETCH(int, maxTrain);
        QFETCH(int, testSize);
        QFETCH(std::vector<int>, expected);
        const auto folds = timeSeriesSplit(static_cast<std::size_t>(n), k, static_cast<std::size_t>(gap),
                                           static_cast<std::size_t>(maxTrain), static_cast<std::size_t>(testSize));
        QVERIFY2(folds.ok(), qPrintable(folds.error().message));
        QCOMPARE(folds->size(), static_cast<std::size_t>(k));
        for (std::size_t f = 0; f < folds->size(); ++f) {
            const Fold &fold = (*folds)[f];
            const auto range = [](int a, int b) {
                Indices r;
                for (int i = a; i < b; ++i)
                    r.push_back(static_cast<std::size_t>(i));
                return r;
            };
            QCOMPARE(fold.train, range(expected[f * 4], expected[f * 4 + 1]));
            QCOMPARE(fold.test, range(expected[f * 4 + 2], expected[f * 4 + 3]));
            QVERIFY(fold.train.back() < fold.test.front()); // train precedes test
        }
    }

    void groupKFoldMatchesSklearn_data()
    {
        QTest::addColumn<std::vector<int>>("groups");
        QTest::addColumn<int>("k");
        QTest::addColumn<std::vector<int>>("testFolds"); // test indices, -1 between folds
        QTest::newRow("distinct sizes") << std::vector<int>{0, 0, 0, 1, 1, 2, 2, 2, 2, 3} << 2
                                        << std::vector<int>{5, 6, 7, 8, 9, -1, 0, 1, 2, 3, 4};
        QTest::newRow("equal sizes") << std::vector<int>{5, 5, 7, 7, 9, 9, 1, 1, 3, 3, 3, 2} << 3
                                     << std::vector<int>{8, 9, 10, 11, -1, 0, 1, 4, 5, -1, 2, 3, 6, 7};
        QTest::newRow("mixed") << std::vector<int>{4, 1, 4, 2, 3, 3, 1, 4, 2, 0, 0, 0, 0, 5} << 3
                               << std::vector<int>{9, 10, 11, 12, 13, -1, 0, 1, 2, 6, 7, -1, 3, 4, 5, 8};
    }
    void groupKFoldMatchesSklearn()
    {
        QFETCH(std::vector<int>, groups);
        QFETCH(int, k);
        QFETCH(std::vector<int>, testFolds);
        const auto folds = groupKFold(groups, k);
        QVERIFY2(folds.ok(), qPrintable(folds.error().message));
        std::vector<Indices> expected(1);
        for (int i : testFolds) {
            if (i < 0)
                expected.emplace_back();
            else
                expected.back().push_back(static_cast<std::size_t>(i));
        }
        QCOMPARE(folds->size(), expected.size());
        for (std::size_t f = 0; f < expected.size(); ++f)
            QCOMPARE((*folds)[f].test, expected[f]);
        verifyPartition(*folds, groups.size(), true);
    }

    void groupKFoldNeverSplitsAGroup()
    {
        std::vector<int> groups;
        for (int i = 0; i < 500; ++i)
            groups.push_back((i * 37 + i / 3) % 41);
        const auto folds = groupKFold(groups, 6);
        QVERIFY(folds.ok());
        verifyPartition(*folds, groups.size(), true);
        for (const Fold &f : *folds) {
            std::set<int> trainGroups;
            for (std::size_t i : f.train)
                trainGroups.insert(groups[i]);
            for (std::size_t i : f.test)
                QVERIFY2(!trainGroups.count(groups[i]), qPrintable(QStringLiteral("group %1 split").arg(groups[i])));
        }
    }

    void errors_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("kFold k=1") << 0 << "k" << "kFold: parameter 'k' = 1 must be at least 2";
        QTest::newRow("kFold k>n") << 1 << "k" << "'k' = 6 is greater than the number of samples (5)";
        QTest::newRow("stratified k>n") << 2 << "k" << "stratifiedKFold: parameter 'k' = 4 is greater";
        QTest::newRow("repeated repeats=0") << 3 << "repeats" << "'repeats' = 0 must be at least 1";
        QTest::newRow("holdout fraction 0") << 4 << "testFraction" << "'testFraction' = 0 must be between 0 and 1";
        QTest::newRow("holdout fraction 1") << 5 << "testFraction" << "'testFraction' = 1 must be between 0 and 1";
        QTest::newRow("holdout empty train") << 6 << "testFraction" << "leaves no training sample out of 2";
        QTest::newRow("holdout labels size") << 7 << "stratifyLabels" << "has 2 labels for 3 samples";
        QTest::newRow("holdout no samples") << 8 << "n" << "no samples";
        QTest::newRow("time series too many folds") << 9 << "k" << "needs 5 blocks but there are only 4 samples";
        QTest::newRow("time series gap too big") << 10 << "k" << "gap 6 leaves no training sample out of 10";
        QTest::newRow("group fewer groups than k") << 11 << "k" << "greater than the number of distinct groups (2)";
        QTest::newRow("group k=0") << 12 << "k" << "groupKFold: parameter 'k' = 0 must be at least 2";
        QTest::newRow("holdout fraction nan") << 13 << "testFraction" << "must be between 0 and 1";
    }
    void errors()
    {
        QFETCH(int, which);
        QFETCH(QString, field);
        QFETCH(QString, messagePart);
        const std::vector<int> labels{0, 1, 0};
        const std::vector<int> twoLabels{0, 1};
        Error e;
        const auto take = [&e](const auto &r) {
            QVERIFY(!r.ok());
            e = r.error();
        };
        switch (which) {
        case 0: take(kFold(10, 1, false, 0)); break;
        case 1: take(kFold(5, 6, false, 0)); break;
        case 2: take(mb::stratifiedKFold(labels, 4, true, 0)); break;
        case 3: take(mb::repeatedStratifiedKFold(labels, 2, 0, 0)); break;
        case 4: take(holdoutSplit(10, 0.0, 0)); break;
        case 5: take(holdoutSplit(10, 1.0, 0)); break;
        case 6: take(holdoutSplit(2, 0.6, 0)); break;
        case 7: take(holdoutSplit(3, 0.3, 0, &twoLabels)); break;
        case 8: take(holdoutSplit(0, 0.3, 0)); break;
        case 9: take(timeSeriesSplit(4, 4)); break;
        case 10: take(timeSeriesSplit(10, 2, 6)); break;
        case 11: take(groupKFold({3, 3, 4, 4}, 3)); break;
        case 12: take(groupKFold({3, 3, 4, 4}, 0)); break;
        case 13: take(holdoutSplit(10, std::numeric_limits<double>::quiet_NaN(), 0)); break;
        default: QFAIL("unknown row");
        }
        QCOMPARE(e.field, field);
        QVERIFY2(e.message.contains(messagePart), qPrintable(e.message));
    }
};

QTEST_GUILESS_MAIN(TestSplits)
#include "tst_splits.moc"
