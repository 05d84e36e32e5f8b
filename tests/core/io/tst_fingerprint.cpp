#include "core/io/csv_reader.h"
#include "core/io/fingerprint.h"
#include "core/io/sha256.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace mb;

namespace {

Table twoColumns(ColumnType second)
{
    Table t;
    Column a;
    a.name = QStringLiteral("a");
    a.type = ColumnType::Integer;
    a.values = {1, 2};
    Column b;
    b.name = QStringLiteral("b");
    b.type = second;
    b.values = {0, 1};
    t.columns = {a, b};
    return t;
}

QString qtSha(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestFingerprint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void schemaSignatureLists();
    void fingerprintEqualForEqualInputs();
    void fingerprintFollowsContent();
    void fingerprintFollowsColumnType();
    void fingerprintFollowsColumnName();
    void sha256MatchesQt_data();
    void sha256MatchesQt();
    void sha256Incremental();
    void fileSha256MatchesQt();
    void fileSha256MissingFile();
    void csvReportFeedsFingerprint();
};

void TestFingerprint::schemaSignatureLists()
{
    QCOMPARE(schemaSignature(twoColumns(ColumnType::Boolean)), QStringLiteral("a:integer\nb:boolean\n"));
    QCOMPARE(schemaSignature(Table()), QString());
}

void TestFingerprint::fingerprintEqualForEqualInputs()
{
    const QString content = qtSha("x,y\n1,2\n");
    const QString f1 = datasetFingerprint(content, twoColumns(ColumnType::Float));
    const QString f2 = datasetFingerprint(content, twoColumns(ColumnType::Float));
    QCOMPARE(f1, f2);
    QCOMPARE(f1.size(), 64);
    const QByteArray expected = content.toUtf8() + '\n' + "a:integer\nb:float\n";
    QCOMPARE(f1, qtSha(expected));
}

void TestFingerprint::fingerprintFollowsContent()
{
    const Table t = twoColumns(ColumnType::Float);
    QVERIFY(datasetFingerprint(qtSha("x,y\n1,2\n"), t) != datasetFingerprint(qtSha("x,y\n1,3\n"), t));
}

void TestFingerprint::fingerprintFollowsColumnType()
{
    const QString content = qtSha("x,y\n1,2\n");
    QVERIFY(datasetFingerprint(content, twoColumns(ColumnType::Float))
            != datasetFingerprint(content, twoColumns(ColumnType::Categorical)));
}

void TestFingerprint::fingerprintFollowsColumnName()
{
    const QString content = qtSha("x,y\n1,2\n");
    Table renamed = twoColumns(ColumnType::Float);
    renamed.columns[1].name = QStringLiteral("c");
    QVERIFY(datasetFingerprint(content, twoColumns(ColumnType::Float)) != datasetFingerprint(content, renamed));
}

void TestFingerprint::sha256MatchesQt_data()
{
    QTest::addColumn<int>("size");
    // Around the padding edges (55, 56, 63, 64 bytes) and across many blocks.
    for (int size : {0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 100000})
        QTest::newRow(qPrintable(QString::number(size))) << size;
}

void TestFingerprint::sha256MatchesQt()
{
    QFETCH(int, size);
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator rng(size);
    for (char &c : data)
        c = static_cast<char>(rng.bounded(256));
    QCOMPARE(Sha256::hexOf(data.constData(), static_cast<std::size_t>(data.size())), qtSha(data));
    QCOMPARE(Sha256::hexOf("abc", 3), QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

void TestFingerprint::sha256Incremental()
{
    QByteArray data(5000, 'q');
    for (int i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(i * 31);
    Sha256 h;
    int at = 0;
    for (int piece : {1, 7, 64, 0, 100, 63, 2000, 5}) {
        h.addData(data.constData() + at, static_cast<std::size_t>(piece));
        at += piece;
    }
    h.addData(data.constData() + at, static_cast<std::size_t>(data.size() - at));
    QCOMPARE(h.hexResult(), qtSha(data));
}

void TestFingerprint::fileSha256MatchesQt()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Over 2 MiB, so the 1 MiB reads end mid-file and the last is partial.
    QByteArray data(2 * 1024 * 1024 + 12345, Qt::Uninitialized);
    QRandomGenerator rng(7);
    for (char &c : data)
        c = static_cast<char>(rng.bounded(256));
    const QString path = dir.filePath(QStringLiteral("blob.bin"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
    f.close();
    Result<QString> h = fileSha256(path);
    QVERIFY(h.ok());
    QCOMPARE(*h, qtSha(data));
}

void TestFingerprint::fileSha256MissingFile()
{
    Result<QString> h = fileSha256(QStringLiteral("/nonexistent/dir/file.csv"));
    QVERIFY(!h.ok());
    QVERIFY(h.error().message.contains(QStringLiteral("/nonexistent/dir/file.csv")));
    QCOMPARE(h.error().file, QStringLiteral("/nonexistent/dir/file.csv"));
}

void TestFingerprint::csvReportFeedsFingerprint()
{
    const QString path = QStringLiteral(MB_TEST_DATA_DIR "/csv/types.csv");
    CsvReport report;
    Result<Table> t = readCsv(path, {}, &report);
    QVERIFY(t.ok());
    Result<QString> fileHash = fileSha256(path);
    QVERIFY(fileHash.ok());
    QCOMPARE(report.sha256, *fileHash);
    QCOMPARE(datasetFingerprint(report.sha256, *t), datasetFingerprint(*fileHash, *t));

    // Forcing a column's type changes the schema and so the fingerprint.
    CsvOptions options;
    options.columnTypes.insert(QStringLiteral("id"), ColumnType::Float);
    Result<Table> forced = readCsv(path, options);
    QVERIFY(forced.ok());
    QVERIFY(datasetFingerprint(*fileHash, *t) != datasetFingerprint(*fileHash, *forced));
}

QTEST_GUILESS_MAIN(TestFingerprint)
#include "tst_fingerprint.moc"
