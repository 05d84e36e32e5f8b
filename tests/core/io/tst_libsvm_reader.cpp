#include "core/io/libsvm_reader.h"

#include <QTest>

#include <cmath>

using namespace mb;

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(MB_TEST_DATA_DIR "/csv/") + name;
}

} // namespace

class TestLibsvmReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void denseColumnsWithMissing();
    void labelColumnName();
    void errors_data();
    void errors();
};

void TestLibsvmReader::denseColumnsWithMissing()
{
    // 1 0:0.5 3:2 / 0 qid:7 1:-1.5 # comment / (blank) / # only a comment / 1 2:1e3\r
    Result<Table> r = readLibsvm(fixture(QStringLiteral("libsvm_basic.txt")));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    const Table &t = *r;
    QCOMPARE(t.columnNames(), QStringList({"label", "f0", "f1", "f2", "f3"}));
    QCOMPARE(t.rowCount(), std::size_t(3));
    for (const Column &c : t.columns)
        QCOMPARE(c.type, ColumnType::Float);
    QCOMPARE(t.columns[0].values, std::vector<double>({1, 0, 1}));
    QCOMPARE(t.columns[1].values[0], 0.5);
    QVERIFY(std::isnan(t.columns[1].values[1]));
    QVERIFY(std::isnan(t.columns[1].values[2]));
    QCOMPARE(t.columns[2].values[1], -1.5);
    QCOMPARE(t.columns[3].values[2], 1000.0);
    QCOMPARE(t.columns[4].values[0], 2.0);
    QVERIFY(std::isnan(t.columns[4].values[1]));
    QCOMPARE(t.columns[1].missingCount(), std::size_t(2));
}

void TestLibsvmReader::labelColumnName()
{
    Result<Table> r = readLibsvm(fixture(QStringLiteral("libsvm_basic.txt")), QStringLiteral("target"));
    QVERIFY(r.ok());
    QCOMPARE(r->columns[0].name, QStringLiteral("target"));

    Result<Table> clash = readLibsvm(fixture(QStringLiteral("libsvm_basic.txt")), QStringLiteral("f2"));
    QVERIFY(!clash.ok());
    QVERIFY(clash.error().message.contains(QStringLiteral("'f2'")));
}

void TestLibsvmReader::errors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("fragment");
    QTest::addColumn<qint64>("line");
    QTest::addColumn<qint64>("column");
    QTest::newRow("label") << "libsvm_err_label.txt" << "libsvm_err_label.txt:2:1: the label 'abc' is not a number"
                           << qint64(2) << qint64(1);
    QTest::newRow("pair") << "libsvm_err_pair.txt" << "libsvm_err_pair.txt:2:7: '3x' is not index:value" << qint64(2)
                          << qint64(7);
    QTest::newRow("value") << "libsvm_err_value.txt" << "libsvm_err_value.txt:2:9: the value in '2:zz' is not a number"
                           << qint64(2) << qint64(9);
    QTest::newRow("index") << "libsvm_err_index.txt"
                           << "libsvm_err_index.txt:2:3: the feature index in '-1:2' is not a non-negative integer"
                           << qint64(2) << qint64(3);
    QTest::newRow("empty") << "libsvm_err_empty.txt" << "libsvm_err_empty.txt is empty" << qint64(0) << qint64(0);
    QTest::newRow("missing") << "no_such_file.txt" << "no_such_file.txt does not exist" << qint64(0) << qint64(0);
}

void TestLibsvmReader::errors()
{
    QFETCH(QString, file);
    QFETCH(QString, fragment);
    QFETCH(qint64, line);
    QFETCH(qint64, column);
    Result<Table> r = readLibsvm(fixture(file));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.contains(fragment), qPrintable(r.error().message));
    QCOMPARE(r.error().file, fixture(file));
    QCOMPARE(r.error().line, line);
    QCOMPARE(r.error().column, column);
}

QTEST_GUILESS_MAIN(TestLibsvmReader)
#include "tst_libsvm_reader.moc"
