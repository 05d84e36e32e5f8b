// The CSV reader on inputs of several MiB, so that the record scan, the chunks and the
// threads are all at work: the same table whatever the threads, from memory or a file.

#include "core/io/csv_reader.h"

#include "csv_test_support.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>

#include <cmath>

using namespace mb;
using namespace mb::csvtest;

class TestCsvParallel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parallelMatchesSerial();
    void errorInLaterChunkHasFileLine();
    void randomQuotingRoundTrip();
    void quoteFreeParallelScan();
};

namespace {

/// ~3 MB of CSV, so that several threads get several chunks: numbers, a column that
/// turns to text only near the end, categories, booleans, quoted newlines, blank lines.
QByteArray syntheticCsv(int rows)
{
    QRandomGenerator rng(42);
    QByteArray out("id,x,late_text,cat,flag,note\r\n");
    static const char *cats[] = {"red", "green", "blue", "cyan", "magenta"};
    for (int i = 0; i < rows; ++i) {
        out += QByteArray::number(i) + ',';
        if (i % 97 == 0)
            out += "NA";
        else
            out += QByteArray::number(rng.generateDouble() * 1000 - 500, 'g', 12);
        out += ',';
        out += i == rows - 3 ? QByteArray("oops") : QByteArray::number(i % 13);
        out += ',';
        out += cats[(i * 7 + i / 1000) % 5];
        if (i > rows / 2 && i % 11 == 0)
            out += "_late";
        out += ',';
        out += (i % 3 == 0) ? "True" : "false";
        out += ',';
        if (i % 50 == 0)
            out += "\"multi\nline, \"\"quoted\"\"\"";
        else
            out += "n" + QByteArray::number(i % 7);
        out += "\r\n";
        if (i % 1000 == 999)
            out += "\r\n"; // a blank line now and then
    }
    return out;
}

} // namespace

void TestCsvParallel::parallelMatchesSerial()
{
    const int rows = 80000;
    const QByteArray csv = syntheticCsv(rows);
    QVERIFY(csv.size() > 2'500'000); // large enough for several 1 MiB chunks

    CsvOptions serialOptions;
    serialOptions.threads = 1;
    CsvOptions parallelOptions;
    parallelOptions.threads = 4;
    CsvReport serialReport;
    CsvReport parallelReport;
    Result<Table> serial = readCsvBytes(csv, QStringLiteral("synthetic.csv"), serialOptions, &serialReport);
    Result<Table> parallel = readCsvBytes(csv, QStringLiteral("synthetic.csv"), parallelOptions, &parallelReport);
    QVERIFY2(serial.ok(), qPrintable(serial.error().toString()));
    QVERIFY2(parallel.ok(), qPrintable(parallel.error().toString()));
    QCOMPARE(serialReport.dataLines, qint64(rows));
    QCOMPARE(parallelReport.dataLines, qint64(rows));
    QCOMPARE(parallelReport.sha256, serialReport.sha256);
    QCOMPARE(parallelReport.sha256, QString::fromLatin1(QCryptographicHash::hash(csv, QCryptographicHash::Sha256).toHex()));

    CsvReport fileReport;
    Result<Table> fromFile = readViaFile(csv, parallelOptions, &fileReport);
    QVERIFY2(fromFile.ok(), qPrintable(fromFile.error().toString()));
    QVERIFY(sameTables(*fromFile, *serial));
    QCOMPARE(fileReport.sha256, serialReport.sha256);

    const Table &s = *serial;
    const Table &p = *parallel;
    QCOMPARE(p.rowCount(), std::size_t(rows));
    for (std::size_t c = 0; c < s.columnCount(); ++c) {
        QCOMPARE(p.columns[c].name, s.columns[c].name);
        QCOMPARE(p.columns[c].type, s.columns[c].type);
        QCOMPARE(p.columns[c].categories, s.columns[c].categories);
        QVERIFY2(sameValues(p.columns[c].values, s.columns[c].values), qPrintable(s.columns[c].name));
    }

    QCOMPARE(s.columns[0].type, ColumnType::Integer);
    QCOMPARE(s.columns[0].values[rows - 1], double(rows - 1));
    QCOMPARE(s.columns[1].type, ColumnType::Float);
    QVERIFY(std::isnan(s.columns[1].values[97]));
    // One text value at the very end makes the whole column categorical, in first-seen order.
    QCOMPARE(s.columns[2].type, ColumnType::Categorical);
    QCOMPARE(s.columns[2].categories.size(), 14);
    QCOMPARE(s.columns[2].categories.first(), QStringLiteral("0"));
    QCOMPARE(s.columns[2].categories.last(), QStringLiteral("oops"));
    QCOMPARE(s.columns[2].textAt(rows - 3), QStringLiteral("oops"));
    QCOMPARE(s.columns[2].textAt(rows - 1), QString::number((rows - 1) % 13));
    QCOMPARE(s.columns[3].type, ColumnType::Categorical);
    QCOMPARE(s.columns[3].categories.size(), 10);
    QCOMPARE(s.columns[3].categories.mid(0, 5), QStringList({"red", "blue", "magenta", "green", "cyan"}));
    QCOMPARE(s.columns[4].type, ColumnType::Boolean);
    QCOMPARE(s.columns[4].values[0], 1.0);
    QCOMPARE(s.columns[4].values[1], 0.0);
    QCOMPARE(s.columns[5].textAt(50), QStringLiteral("multi\nline, \"quoted\""));
    QCOMPARE(s.columns[5].textAt(rows - 1), QStringLiteral("n%1").arg((rows - 1) % 7));
}

void TestCsvParallel::errorInLaterChunkHasFileLine()
{
    const int rows = 80000;
    const QByteArray csv = syntheticCsv(rows);
    CsvOptions options;
    options.threads = 4;
    options.columnTypes.insert(QStringLiteral("late_text"), ColumnType::Integer);
    Result<Table> r = readCsvBytes(csv, QStringLiteral("synthetic.csv"), options);
    QVERIFY(!r.ok());
    // Expected line: count the physical lines up to the bad value.
    const qsizetype at = csv.indexOf(",oops,");
    QVERIFY(at > 0);
    const qint64 line = csv.left(at).count('\n') + 1;
    QCOMPARE(r.error().line, line);
    QCOMPARE(r.error().column, qint64(3));
    QCOMPARE(r.error().field, QStringLiteral("late_text"));
    Result<Table> fromFile = readViaFile(csv, options);
    QVERIFY(!fromFile.ok());
    QCOMPARE(fromFile.error().line, line);
    QCOMPARE(fromFile.error().column, qint64(3));
    QVERIFY2(r.error().message.startsWith(QStringLiteral("synthetic.csv:%1:3: column 'late_text' is declared integer but has text 'oops'").arg(line)),
             qPrintable(r.error().message));
}

void TestCsvParallel::randomQuotingRoundTrip()
{
    // Cells with delimiters, quotes, LF and CRLF inside quotes, in ~3 MB, so that chunk
    // boundaries fall next to them: each cell must come back as written.
    QRandomGenerator rng(1234);
    const int rows = 70000;
    const int columns = 4;
    std::vector<QStringList> expected(columns);
    QByteArray csv("c0,c1,c2,c3\n");
    static const char *words[] = {"alpha", "beta", "gamma", "delta", "12", "3.5", "x y"};
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < columns; ++c) {
            QByteArray cell = words[rng.bounded(7)];
            const int kind = r == 0 ? 0 : static_cast<int>(rng.bounded(6));
            switch (kind) {
            case 1: cell += ", more"; break;
            case 2: cell += "\nnext line"; break;
            case 3: cell += "\r\nwindows"; break;
            case 4: cell = "say \"" + cell + "\""; break;
            default: break;
            }
            const QByteArray written = kind == 0 ? cell : '"' + QByteArray(cell).replace("\"", "\"\"") + '"';
            expected[static_cast<std::size_t>(c)] << QString::fromUtf8(cell);
            csv += written;
            csv += c + 1 < columns ? "," : (rng.bounded(2) ? "\r\n" : "\n");
        }
    }
    CsvOptions options;
    options.threads = 3;
    CsvReport report;
    Result<Table> r = readCsvBytes(csv, QStringLiteral("random.csv"), options, &report);
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QVERIFY(csv.size() > 2 * 1024 * 1024);
    Result<Table> fromFile = readViaFile(csv, options);
    QVERIFY2(fromFile.ok(), qPrintable(fromFile.error().toString()));
    QVERIFY(sameTables(*fromFile, *r));
    QCOMPARE(r->rowCount(), std::size_t(rows));
    for (int c = 0; c < columns; ++c) {
        const Column &column = r->columns[static_cast<std::size_t>(c)];
        QCOMPARE(column.type, ColumnType::Categorical);
        for (int row = 0; row < rows; ++row)
            if (column.textAt(static_cast<std::size_t>(row)) != expected[static_cast<std::size_t>(c)][row])
                QFAIL(qPrintable(QStringLiteral("row %1 column %2: '%3' != '%4'")
                                     .arg(row)
                                     .arg(c)
                                     .arg(column.textAt(static_cast<std::size_t>(row)),
                                          expected[static_cast<std::size_t>(c)][row])));
    }
}

void TestCsvParallel::quoteFreeParallelScan()
{
    // Without quotes the record ends are found by threads scanning segments on their
    // own: CRLF, blank lines, a record longer than a segment, no final newline.
    QByteArray csv("k,text,v\r\n");
    const int rows = 150000;
    for (int i = 0; i < rows; ++i) {
        csv += QByteArray::number(i) + ',';
        csv += i == 70000 ? QByteArray(3 * 1024 * 1024, 'z') : "t" + QByteArray::number(i % 5);
        csv += ',' + QByteArray::number(i * 0.25, 'f', 2);
        if (i + 1 < rows)
            csv += (i < 10 && i % 3 == 0) ? "\n\r\n" : "\r\n";
    }
    CsvOptions serial;
    serial.threads = 1;
    CsvOptions parallel;
    parallel.threads = 3;
    Result<Table> a = readCsvBytes(csv, QStringLiteral("plain.csv"), serial);
    Result<Table> b = readCsvBytes(csv, QStringLiteral("plain.csv"), parallel);
    QVERIFY2(a.ok(), qPrintable(a.error().toString()));
    QVERIFY2(b.ok(), qPrintable(b.error().toString()));
    QCOMPARE(a->rowCount(), std::size_t(rows));
    QCOMPARE(b->rowCount(), std::size_t(rows));
    for (std::size_t c = 0; c < 3; ++c) {
        QCOMPARE(b->columns[c].type, a->columns[c].type);
        QCOMPARE(b->columns[c].categories, a->columns[c].categories);
        QVERIFY(sameValues(b->columns[c].values, a->columns[c].values));
    }
    QCOMPARE(b->columns[0].values[rows - 1], double(rows - 1));
    QCOMPARE(b->columns[2].values[rows - 1], (rows - 1) * 0.25);
    QCOMPARE(b->columns[1].textAt(70000).size(), 3 * 1024 * 1024);
    QCOMPARE(b->columns[1].textAt(70001), QStringLiteral("t1"));
    Result<Table> fromFile = readViaFile(csv, parallel);
    QVERIFY2(fromFile.ok(), qPrintable(fromFile.error().toString()));
    QVERIFY(sameTables(*fromFile, *a));

    // The same file with one ragged line far in: the error names its physical line.
    QByteArray ragged = csv;
    const qsizetype at = ragged.indexOf("\r\n120000,");
    QVERIFY(at > 0);
    ragged.insert(at, ",extra");
    Result<Table> bad = readCsvBytes(ragged, QStringLiteral("plain.csv"), parallel);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().line, ragged.left(at).count('\n') + 1);
    Result<Table> badFile = readViaFile(ragged, parallel);
    QVERIFY(!badFile.ok());
    QCOMPARE(badFile.error().line, bad.error().line);
    QCOMPARE(badFile.error().column, bad.error().column);
    QVERIFY2(bad.error().message.contains(QStringLiteral("has 4 fields, the header has 3")), qPrintable(bad.error().message));
}

QTEST_GUILESS_MAIN(TestCsvParallel)
#include "tst_csv_parallel.moc"
