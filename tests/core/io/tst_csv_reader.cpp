#include "core/io/csv_reader.h"

#include "csv_test_support.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace mb;
using namespace mb::csvtest;

Q_DECLARE_METATYPE(mb::ColumnType)

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(MB_TEST_DATA_DIR "/csv/") + name;
}

Table mustRead(const QString &name, const CsvOptions &options = {}, CsvReport *report = nullptr)
{
    Result<Table> r = readCsv(fixture(name), options, report);
    if (!r.ok())
        qWarning("%s", qPrintable(r.error().toString()));
    Q_ASSERT(r.ok());
    return std::move(r).value();
}

const double NaN = std::nan("");

} // namespace

class TestCsvReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultMissingTokensList();
    void delimiterDetection_data();
    void delimiterDetection();
    void wideHeaderDetectsDelimiter();
    void typeInference();
    void quotedFields();
    void crlfLineEnds();
    void byteOrderMark();
    void missingTokens();
    void customMissingTokens();
    void numericMissingToken();
    void numberSpellings_data();
    void numberSpellings();
    void manyNumbersParseExactly();
    void notNumbers_data();
    void notNumbers();
    void forcedTypes();
    void noHeader();
    void lastLineWithoutNewline();
    void whitespaceAroundNumbers();
    void blankLinesAreSkipped();
    void utf8Text();
    void reportFacts();
    void bytesMatchFile();
    void errors_data();
    void errors();
    void missingFile();
    void folderIsNotAFile();
};

void TestCsvReader::defaultMissingTokensList()
{
    const QStringList tokens = defaultMissingTokens();
    QCOMPARE(tokens.size(), 9);
    for (const char *t : {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"})
        QVERIFY2(tokens.contains(QString::fromLatin1(t)), t);
}

void TestCsvReader::delimiterDetection_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QChar>("delimiter");
    QTest::addColumn<QString>("lastCell"); // row 0 of column c, showing the split was right
    QTest::newRow("comma") << "types.csv" << QChar(u',') << "1.5";
    QTest::newRow("semicolon") << "semicolon.csv" << QChar(u';') << "x";
    QTest::newRow("tab") << "tab.tsv" << QChar(u'\t') << "x y";
    QTest::newRow("pipe") << "pipe.csv" << QChar(u'|') << "x,y";
}

void TestCsvReader::delimiterDetection()
{
    QFETCH(QString, file);
    QFETCH(QChar, delimiter);
    QFETCH(QString, lastCell);
    CsvReport report;
    const Table t = mustRead(file, {}, &report);
    QCOMPARE(report.delimiter, delimiter);
    QVERIFY(t.columnCount() >= 3);
    QCOMPARE(t.columns.back().textAt(0), lastCell);
    if (file != QLatin1String("types.csv")) {
        QCOMPARE(t.columnNames(), QStringList({"a", "b", "c"}));
        QCOMPARE(t.rowCount(), std::size_t(2));
    }
}

void TestCsvReader::wideHeaderDetectsDelimiter()
{
    // A header longer than the 64 KiB sniffing sample still decides the delimiter.
    const int columns = 12000;
    QByteArrayList names;
    QByteArrayList values;
    for (int c = 0; c < columns; ++c) {
        names << "feature_" + QByteArray::number(c);
        values << QByteArray::number(c % 10);
    }
    const QByteArray csv = names.join(';') + '\n' + values.join(';') + '\n';
    QVERIFY(csv.indexOf('\n') > 64 * 1024);
    CsvReport report;
    Result<Table> r = readCsvBytes(csv, QStringLiteral("wide.csv"), {}, &report);
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(report.delimiter, QChar(u';'));
    QCOMPARE(r->columnCount(), std::size_t(columns));
    QCOMPARE(r->columns[columns - 1].values.at(0), double((columns - 1) % 10));

    // Over 1 MiB of header, read from a file: the first read of it is grown until the
    // header is whole.
    QByteArrayList many;
    QByteArrayList ones;
    for (int c = 0; c < 110000; ++c) {
        many << "col_" + QByteArray::number(c);
        ones << "1";
    }
    const QByteArray huge = many.join('|') + "\n" + ones.join('|') + "\n";
    QVERIFY(huge.indexOf('\n') > 1024 * 1024);
    Result<Table> h = readViaFile(huge, {}, &report);
    QVERIFY2(h.ok(), qPrintable(h.error().toString()));
    QCOMPARE(report.delimiter, QChar(u'|'));
    QCOMPARE(h->columnCount(), std::size_t(110000));
    QCOMPARE(h->columns.back().name, QStringLiteral("col_109999"));
}

void TestCsvReader::typeInference()
{
    const Table t = mustRead(QStringLiteral("types.csv"));
    QCOMPARE(t.columnNames(), QStringList({"id", "score", "passed", "city", "ratio_or_text"}));
    QCOMPARE(t.rowCount(), std::size_t(4));

    QCOMPARE(t.columns[0].type, ColumnType::Integer);
    QVERIFY(sameValues(t.columns[0].values, {1, 2, 3, 4}));

    QCOMPARE(t.columns[1].type, ColumnType::Float);
    QVERIFY(sameValues(t.columns[1].values, {0.5, 1.25, NaN, -300}));

    QCOMPARE(t.columns[2].type, ColumnType::Boolean);
    QVERIFY(sameValues(t.columns[2].values, {1, 0, 1, 0}));

    QCOMPARE(t.columns[3].type, ColumnType::Categorical);
    QCOMPARE(t.columns[3].categories, QStringList({"Paris", "Lyon"}));
    QVERIFY(sameValues(t.columns[3].values, {0, 1, 0, NaN}));

    // Numbers first, then text: the numbers become categories with their original spelling.
    QCOMPARE(t.columns[4].type, ColumnType::Categorical);
    QCOMPARE(t.columns[4].categories, QStringList({"1.5", "2", "n/a", "x"}));
    QVERIFY(sameValues(t.columns[4].values, {0, 1, 2, 3}));
}

void TestCsvReader::quotedFields()
{
    const Table t = mustRead(QStringLiteral("quoted.csv"));
    QCOMPARE(t.rowCount(), std::size_t(3));
    QCOMPARE(t.columns[0].textAt(0), QStringLiteral("Smith, John"));
    QCOMPARE(t.columns[0].textAt(2), QStringLiteral("multi\r\nline"));
    QCOMPARE(t.columns[1].textAt(0), QStringLiteral("He said \"hi\"\nand left"));
    QVERIFY(std::isnan(t.columns[1].values[1])); // "" is the empty missing token
    QCOMPARE(t.columns[2].type, ColumnType::Integer);
    QVERIFY(sameValues(t.columns[2].values, {1, 2, 3}));
}

void TestCsvReader::crlfLineEnds()
{
    const Table t = mustRead(QStringLiteral("crlf.csv"));
    QCOMPARE(t.columnNames(), QStringList({"a", "b"}));
    QCOMPARE(t.columns[0].type, ColumnType::Integer);
    QCOMPARE(t.columns[1].categories, QStringList({"x", "y"})); // no '\r' left on the last field
}

void TestCsvReader::byteOrderMark()
{
    CsvReport report;
    const Table t = mustRead(QStringLiteral("bom.csv"), {}, &report);
    QVERIFY(report.hadBom);
    QCOMPARE(t.columnNames(), QStringList({"name", "value"}));
    QCOMPARE(t.columns[0].categories, QStringList({"alpha", "beta"}));

    CsvReport plain;
    mustRead(QStringLiteral("crlf.csv"), {}, &plain);
    QVERIFY(!plain.hadBom);
}

void TestCsvReader::missingTokens()
{
    const Table t = mustRead(QStringLiteral("missing.csv"));
    QCOMPARE(t.columns[0].type, ColumnType::Integer);
    QVERIFY(sameValues(t.columns[0].values, {1, NaN, NaN, NaN, 5}));
    QCOMPARE(t.columns[1].type, ColumnType::Categorical); // '-' is not a missing token
    QCOMPARE(t.columns[1].categories, QStringList({"3", "-"}));
    QVERIFY(sameValues(t.columns[1].values, {NaN, NaN, 0, NaN, 1}));
    QCOMPARE(t.columns[2].categories, QStringList({"a", "b", "c"})); // a lone blank is empty, so missing
    QVERIFY(sameValues(t.columns[2].values, {0, 1, NaN, NaN, 2}));
}

void TestCsvReader::customMissingTokens()
{
    CsvOptions options;
    options.missingTokens = {QString(), QStringLiteral("-"), QStringLiteral("NA"), QStringLiteral("N/A"),
                             QStringLiteral("None"), QStringLiteral("NULL")};
    const Table t = mustRead(QStringLiteral("missing.csv"), options);
    QCOMPARE(t.columns[1].type, ColumnType::Integer);
    QVERIFY(sameValues(t.columns[1].values, {NaN, NaN, 3, NaN, NaN}));
    // '?' is no longer missing here.
    QCOMPARE(t.columns[2].categories, QStringList({"a", "b", "?", "c"}));
}

void TestCsvReader::numericMissingToken()
{
    CsvOptions options;
    options.missingTokens = {QString(), QStringLiteral("-999")};
    Result<Table> r = readCsvBytes(QByteArray("a,b\n1,-999\n-999,2.5\n3,-999.5\n"), QStringLiteral("m.csv"), options);
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->columns[0].type, ColumnType::Integer);
    QVERIFY(sameValues(r->columns[0].values, {1, NaN, 3}));
    QCOMPARE(r->columns[1].type, ColumnType::Float); // -999.5 is not the token
    QVERIFY(sameValues(r->columns[1].values, {NaN, 2.5, -999.5}));

    Result<Table> plain = readCsvBytes(QByteArray("a,b\n1,-999\n-999,2.5\n3,-999.5\n"), QStringLiteral("m.csv"));
    QVERIFY(plain.ok());
    QVERIFY(sameValues(plain->columns[0].values, {1, -999, 3}));
}

void TestCsvReader::numberSpellings_data()
{
    QTest::addColumn<QByteArray>("cell");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("integer");
    QTest::newRow("int") << QByteArray("42") << 42.0 << true;
    QTest::newRow("negative") << QByteArray("-7") << -7.0 << true;
    QTest::newRow("plus") << QByteArray("+7") << 7.0 << true;
    QTest::newRow("leading zeros") << QByteArray("007") << 7.0 << true;
    QTest::newRow("fraction") << QByteArray("0.1") << 0.1 << false;
    QTest::newRow("no integer part") << QByteArray(".5") << 0.5 << false;
    QTest::newRow("trailing point") << QByteArray("3.") << 3.0 << false;
    QTest::newRow("exponent") << QByteArray("1.5e3") << 1500.0 << false;
    QTest::newRow("negative exponent") << QByteArray("-2E-2") << -0.02 << false;
    QTest::newRow("long mantissa") << QByteArray("3.14159265358979323846") << 3.14159265358979323846 << false;
    QTest::newRow("big integer") << QByteArray("12345678901234567890") << 12345678901234567890.0 << true;
    QTest::newRow("seventeen digits") << QByteArray("0.30000000000000004") << 0.30000000000000004 << false;
    QTest::newRow("padded") << QByteArray(" 8 ") << 8.0 << true;
    QTest::newRow("quoted") << QByteArray("\"9.5\"") << 9.5 << false;
    QTest::newRow("infinity") << QByteArray("inf") << qInf() << false;
}

void TestCsvReader::numberSpellings()
{
    QFETCH(QByteArray, cell);
    QFETCH(double, value);
    QFETCH(bool, integer);
    // Twice per line, so that the cell is read both before a delimiter and at the end of
    // a line, with LF and with CRLF line ends.
    for (const QByteArray &eol : {QByteArray("\n"), QByteArray("\r\n")}) {
        Result<Table> r = readCsvBytes("x,y" + eol + cell + "," + cell + eol, QStringLiteral("n.csv"));
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        for (const Column &c : r->columns) {
            QCOMPARE(c.type, integer ? ColumnType::Integer : ColumnType::Float);
            QCOMPARE(c.values.at(0), value); // exact: the fast paths must round like from_chars
        }
    }
}

void TestCsvReader::manyNumbersParseExactly()
{
    // Numbers of every length, so that the eight-digits-at-a-time path meets digit runs
    // of 1..20 and its byte-loop tail; each must equal strtod's correctly rounded value.
    QRandomGenerator rng(99);
    QByteArray csv("a,b\n");
    std::vector<double> expectA;
    std::vector<double> expectB;
    for (int i = 0; i < 20000; ++i) {
        QByteArray a = rng.bounded(2) ? QByteArray("-") : QByteArray();
        const int intDigits = static_cast<int>(rng.bounded(0, 10));
        const int fracDigits = static_cast<int>(rng.bounded(0, 12));
        for (int d = 0; d < intDigits; ++d)
            a += char('0' + rng.bounded(10));
        if (intDigits == 0 || fracDigits > 0) {
            a += '.';
            for (int d = 0; d < std::max(1, fracDigits); ++d)
                a += char('0' + rng.bounded(10));
        }
        QByteArray b = QByteArray::number(rng.bounded(0, 2000000000)) + QByteArray::number(rng.bounded(0, 1000000000));
        csv += a + ',' + b + '\n';
        expectA.push_back(std::strtod(a.constData(), nullptr));
        expectB.push_back(std::strtod(b.constData(), nullptr));
    }
    Result<Table> r = readCsvBytes(csv, QStringLiteral("numbers.csv"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->columns[0].type, ColumnType::Float);
    QCOMPARE(r->columns[1].type, ColumnType::Integer);
    for (std::size_t i = 0; i < expectA.size(); ++i) {
        if (r->columns[0].values[i] != expectA[i] || r->columns[1].values[i] != expectB[i])
            QFAIL(qPrintable(QStringLiteral("row %1: %2 %3").arg(i).arg(expectA[i], 0, 'g', 17).arg(expectB[i], 0, 'g', 17)));
    }
}

void TestCsvReader::notNumbers_data()
{
    QTest::addColumn<QByteArray>("cell");
    for (const char *cell : {"-", ".", "1.2.3", "1e", "--5", "+-5", "0x10", "1,5", "12abc", "1 2", "e5"})
        QTest::newRow(cell) << QByteArray(cell);
}

void TestCsvReader::notNumbers()
{
    QFETCH(QByteArray, cell);
    CsvOptions options;
    options.delimiter = QLatin1Char(';');
    Result<Table> r = readCsvBytes("x;n\n" + cell + ";1\n", QStringLiteral("n.csv"), options);
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->columns[0].type, ColumnType::Categorical);
    QCOMPARE(r->columns[0].categories, QStringList{QString::fromLatin1(cell)});
}

void TestCsvReader::forcedTypes()
{
    CsvOptions options;
    options.columnTypes.insert(QStringLiteral("zip"), ColumnType::Categorical);
    options.columnTypes.insert(QStringLiteral("flag"), ColumnType::Boolean);
    options.columnTypes.insert(QStringLiteral("not_in_file"), ColumnType::Float);
    const Table t = mustRead(QStringLiteral("forced_types.csv"), options);
    QCOMPARE(t.columns[0].type, ColumnType::Categorical);
    QCOMPARE(t.columns[0].categories, QStringList({"01234", "75001", "00042"}));
    QCOMPARE(t.columns[1].type, ColumnType::Float);
    QVERIFY(sameValues(t.columns[1].values, {10, 20.5, 30}));
    QCOMPARE(t.columns[2].type, ColumnType::Boolean);
    QVERIFY(sameValues(t.columns[2].values, {1, 0, 1}));

    // Unforced, the zip codes are integers and the flags categorical.
    const Table inferred = mustRead(QStringLiteral("forced_types.csv"));
    QCOMPARE(inferred.columns[0].type, ColumnType::Integer);
    QVERIFY(sameValues(inferred.columns[0].values, {1234, 75001, 42}));
    QCOMPARE(inferred.columns[2].type, ColumnType::Categorical);

    CsvOptions asInteger;
    asInteger.columnTypes.insert(QStringLiteral("id"), ColumnType::Float);
    const Table floats = mustRead(QStringLiteral("types.csv"), asInteger);
    QCOMPARE(floats.columns[0].type, ColumnType::Float);
}

void TestCsvReader::noHeader()
{
    CsvOptions options;
    options.hasHeader = false;
    const Table t = mustRead(QStringLiteral("no_header.csv"), options);
    QCOMPARE(t.columnNames(), QStringList({"column_1", "column_2", "column_3"}));
    QCOMPARE(t.rowCount(), std::size_t(2));
    QVERIFY(sameValues(t.columns[0].values, {1, 3}));
    QVERIFY(sameValues(t.columns[1].values, {2.5, 4.5}));
}

void TestCsvReader::lastLineWithoutNewline()
{
    CsvReport report;
    const Table t = mustRead(QStringLiteral("no_trailing_newline.csv"), {}, &report);
    QCOMPARE(report.dataLines, qint64(2));
    QVERIFY(sameValues(t.columns[0].values, {1, 3}));
    QVERIFY(sameValues(t.columns[1].values, {2, 4}));
}

void TestCsvReader::whitespaceAroundNumbers()
{
    const Table t = mustRead(QStringLiteral("whitespace.csv"));
    QCOMPARE(t.columns[0].type, ColumnType::Integer);
    QVERIFY(sameValues(t.columns[0].values, {1, 3}));
    QCOMPARE(t.columns[1].type, ColumnType::Float);
    QVERIFY(sameValues(t.columns[1].values, {2.5, 4}));
}

void TestCsvReader::blankLinesAreSkipped()
{
    const Table t = mustRead(QStringLiteral("blank_lines.csv"));
    QCOMPARE(t.rowCount(), std::size_t(3));
    QVERIFY(sameValues(t.columns[0].values, {1, 3, 5}));
    QVERIFY(sameValues(t.columns[1].values, {2, 4, 6}));
}

void TestCsvReader::utf8Text()
{
    const Table t = mustRead(QStringLiteral("utf8.csv"));
    QCOMPARE(t.columns[0].categories, QStringList({QStringLiteral("Zürich"), QStringLiteral("東京")}));
}

void TestCsvReader::reportFacts()
{
    QFile f(fixture(QStringLiteral("types.csv")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    CsvReport report;
    mustRead(QStringLiteral("types.csv"), {}, &report);
    QCOMPARE(report.bytes, qint64(bytes.size()));
    QCOMPARE(report.dataLines, qint64(4));
    QCOMPARE(report.sha256, QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
}

void TestCsvReader::bytesMatchFile()
{
    QFile f(fixture(QStringLiteral("quoted.csv")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    Result<Table> fromBytes = readCsvBytes(f.readAll(), QStringLiteral("mem.csv"));
    QVERIFY(fromBytes.ok());
    const Table fromFile = mustRead(QStringLiteral("quoted.csv"));
    QCOMPARE(fromBytes->columnCount(), fromFile.columnCount());
    for (std::size_t c = 0; c < fromFile.columnCount(); ++c) {
        QVERIFY(sameValues(fromBytes->columns[c].values, fromFile.columns[c].values));
        QCOMPARE(fromBytes->columns[c].categories, fromFile.columns[c].categories);
    }
    Result<Table> broken = readCsvBytes(QByteArray("a,b\n1\n"), QStringLiteral("mem.csv"));
    QVERIFY(!broken.ok());
    QVERIFY2(broken.error().message.startsWith(QStringLiteral("mem.csv:2:")), qPrintable(broken.error().message));
    Result<Table> wide = readCsvBytes(QByteArray("a,b\n1,2\n3,4\n5,6,\"7\",8\n"), QStringLiteral("mem.csv"));
    QVERIFY(!wide.ok());
    QVERIFY2(wide.error().message.startsWith(QStringLiteral("mem.csv:4:3: line 4 has 4 fields, the header has 2")),
             qPrintable(wide.error().message));
}

void TestCsvReader::errors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("forcedColumn"); // declared with forcedType, if not empty
    QTest::addColumn<mb::ColumnType>("forcedType");
    QTest::addColumn<QStringList>("fragments"); // all must appear in the message
    QTest::addColumn<qint64>("line");
    QTest::addColumn<qint64>("column");
    QTest::addColumn<QString>("field");

    const auto none = ColumnType::Float;
    QTest::newRow("empty") << "err_empty.csv" << QString() << none << QStringList{"err_empty.csv is empty"} << qint64(0)
                           << qint64(0) << QString();
    QTest::newRow("header only") << "err_header_only.csv" << QString() << none
                                 << QStringList{"err_header_only.csv has a header but no data rows"} << qint64(0)
                                 << qint64(0) << QString();
    QTest::newRow("ragged") << "err_ragged.csv" << QString() << none
                            << QStringList{"err_ragged.csv:4:3:", "line 4 has 2 fields, the header has 3"} << qint64(4)
                            << qint64(3) << "c";
    QTest::newRow("too many fields") << "err_too_many_fields.csv" << QString() << none
                                     << QStringList{"err_too_many_fields.csv:3:", "line 3 has 3 fields, the header has 2"}
                                     << qint64(3) << qint64(3) << QString();
    QTest::newRow("unterminated quote")
        << "err_unterminated_quote.csv" << QString() << none
        << QStringList{"err_unterminated_quote.csv:3:2:", "unterminated quote", "('b')", "line 3, byte 3"} << qint64(3)
        << qint64(2) << "b";
    QTest::newRow("invalid utf8") << "err_invalid_utf8.csv" << QString() << none
                                  << QStringList{"err_invalid_utf8.csv:3:4:", "invalid UTF-8", "0xff", "column 1 'name'"}
                                  << qint64(3) << qint64(4) << "name";
    QTest::newRow("header invalid utf8") << "err_header_invalid_utf8.csv" << QString() << none
                                         << QStringList{"err_header_invalid_utf8.csv:1:4:", "invalid UTF-8", "0xc3"}
                                         << qint64(1) << qint64(4) << QString();
    QTest::newRow("declared float has text")
        << "err_declared_numeric_text.csv" << "age" << ColumnType::Float
        << QStringList{"err_declared_numeric_text.csv:57:2: column 'age' is declared float but has text 'abc'"}
        << qint64(57) << qint64(2) << "age";
    QTest::newRow("declared integer has text")
        << "err_declared_numeric_text.csv" << "age" << ColumnType::Integer
        << QStringList{"err_declared_numeric_text.csv:57:2: column 'age' is declared integer but has text 'abc'"}
        << qint64(57) << qint64(2) << "age";
    QTest::newRow("declared integer has fraction")
        << "err_declared_integer_fraction.csv" << "count" << ColumnType::Integer
        << QStringList{"err_declared_integer_fraction.csv:3:2:", "'count' is declared integer", "'4.5'"} << qint64(3)
        << qint64(2) << "count";
    QTest::newRow("declared boolean has text")
        << "err_declared_boolean_text.csv" << "flag" << ColumnType::Boolean
        << QStringList{"err_declared_boolean_text.csv:3:2:", "'flag' is declared boolean", "'maybe'"} << qint64(3)
        << qint64(2) << "flag";
    QTest::newRow("duplicate header") << "err_duplicate_header.csv" << QString() << none
                                      << QStringList{"err_duplicate_header.csv:1:3:", "'a' twice", "columns 1 and 3"}
                                      << qint64(1) << qint64(3) << "a";
    QTest::newRow("empty header name") << "err_empty_header_name.csv" << QString() << none
                                       << QStringList{"err_empty_header_name.csv:1:2:", "column 2 of the header has an empty name"}
                                       << qint64(1) << qint64(2) << QString();
}

void TestCsvReader::errors()
{
    QFETCH(QString, file);
    QFETCH(QString, forcedColumn);
    QFETCH(mb::ColumnType, forcedType);
    QFETCH(QStringList, fragments);
    QFETCH(qint64, line);
    QFETCH(qint64, column);
    QFETCH(QString, field);

    CsvOptions options;
    if (!forcedColumn.isEmpty())
        options.columnTypes.insert(forcedColumn, forcedType);
    const QString path = fixture(file);
    Result<Table> r = readCsv(path, options);
    QVERIFY(!r.ok());
    const Error &e = r.error();
    for (const QString &fragment : fragments)
        QVERIFY2(e.message.contains(fragment), qPrintable(QStringLiteral("'%1' not in: %2").arg(fragment, e.message)));
    QCOMPARE(e.file, path);
    QCOMPARE(e.line, line);
    QCOMPARE(e.column, column);
    QCOMPARE(e.field, field);
    QVERIFY(e.message.startsWith(path)); // toString() adds nothing: the message already says where
    QCOMPARE(e.toString(), e.message);
}

void TestCsvReader::missingFile()
{
    const QString path = fixture(QStringLiteral("does_not_exist.csv"));
    Result<Table> r = readCsv(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.contains(QStringLiteral("does_not_exist.csv does not exist")), qPrintable(r.error().message));
    QCOMPARE(r.error().file, path);
}

void TestCsvReader::folderIsNotAFile()
{
    Result<Table> r = readCsv(QStringLiteral(MB_TEST_DATA_DIR "/csv"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.contains(QStringLiteral("is a folder")), qPrintable(r.error().message));
}

QTEST_GUILESS_MAIN(TestCsvReader)
#include "tst_csv_reader.moc"
