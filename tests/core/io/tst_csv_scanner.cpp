// Pass 1 of the CSV reader on its own: the same record boundaries whatever the block
// sizes the input arrives in, and the parallel quote-free cut agreeing with the exact one.

#include "core/io/csv_scanner.h"

#include <QRandomGenerator>
#include <QTest>

using namespace mb::csvdetail;

namespace {

ScanResult scanInBlocks(const QByteArray &data, qint64 begin, qint64 block, qint64 target)
{
    RecordScanner scanner(',', begin, target);
    for (qint64 at = begin; at < data.size(); at += block) {
        const qint64 n = std::min<qint64>(block, data.size() - at);
        // A copy, so that nothing past the block can be read by mistake.
        const QByteArray piece = data.mid(at, n);
        scanner.feed(piece.constData(), at, n);
    }
    return scanner.finish(data.size());
}

qint64 totalRecords(const ScanResult &r)
{
    qint64 n = 0;
    for (const RecordSpan &s : r.spans)
        n += s.records;
    return n;
}

/// Every span must end just after a newline and spans must tile [begin, tail).
bool spansTile(const QByteArray &data, const ScanResult &r, qint64 begin)
{
    qint64 at = begin;
    for (const RecordSpan &s : r.spans) {
        if (s.begin != at || s.end <= s.begin || data.at(s.end - 1) != '\n')
            return false;
        at = s.end;
    }
    return r.hasTail ? r.tailBegin == at : at == data.size();
}

QByteArray quotedCsv(int rows, bool finalNewline)
{
    QRandomGenerator rng(5);
    QByteArray out("a,b,c\n");
    for (int r = 0; r < rows; ++r) {
        switch (rng.bounded(5)) {
        case 0: out += "\"x,\ny\",1,2"; break;           // newline and delimiter inside quotes
        case 1: out += "\"say \"\"hi\"\"\",3,\"\"\r"; break; // doubled quotes, CR before LF
        case 2: out += "p\"q,4,5"; break;                 // a quote inside an unquoted field
        case 3: out += ""; break;                         // a blank line
        default: out += "plain,6,7"; break;
        }
        if (r + 1 < rows || finalNewline)
            out += '\n';
    }
    return out;
}

} // namespace

class TestCsvScanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void blockSizesDoNotMatter_data();
    void blockSizesDoNotMatter();
    void unterminatedQuoteIsFound();
    void segmentsMatchExactScan_data();
    void segmentsMatchExactScan();
    void segmentsStopAtAQuote();
};

void TestCsvScanner::blockSizesDoNotMatter_data()
{
    QTest::addColumn<bool>("finalNewline");
    QTest::newRow("final newline") << true;
    QTest::newRow("no final newline") << false;
}

void TestCsvScanner::blockSizesDoNotMatter()
{
    QFETCH(bool, finalNewline);
    const QByteArray data = quotedCsv(3000, finalNewline);
    const qint64 begin = 6; // after the header
    const ScanResult whole = scanInBlocks(data, begin, data.size(), 4096);
    QVERIFY(!whole.unterminatedQuote);
    QVERIFY(spansTile(data, whole, begin));
    QVERIFY(whole.spans.size() > 3);
    QCOMPARE(whole.hasTail, !finalNewline);
    // The records of a line-based count with the quoted newlines taken out.
    QCOMPARE(totalRecords(whole) + (whole.hasTail ? 1 : 0),
             qint64(data.count('\n') - 1 - data.count("\"x,\ny\"") + (finalNewline ? 0 : 1)));
    for (qint64 block : {1, 3, 63, 64, 65, 1000, 4096}) {
        const ScanResult r = scanInBlocks(data, begin, block, 4096);
        QCOMPARE(r.unterminatedQuote, false);
        QCOMPARE(r.hasTail, whole.hasTail);
        QCOMPARE(r.tailBegin, whole.tailBegin);
        QCOMPARE(totalRecords(r), totalRecords(whole));
        QVERIFY2(spansTile(data, r, begin), qPrintable(QString::number(block)));
    }
}

void TestCsvScanner::unterminatedQuoteIsFound()
{
    const QByteArray data("a,b\n1,2\n3,\"open\n4,5\n");
    for (qint64 block : {1, 5, 64, 1000}) {
        const ScanResult r = scanInBlocks(data, 4, block, 1 << 20);
        QVERIFY(r.unterminatedQuote);
        QCOMPARE(r.quoteOffset, qint64(data.indexOf("\"open")));
        QCOMPARE(r.quoteRecordStart, qint64(data.indexOf("3,")));
    }
}

void TestCsvScanner::segmentsMatchExactScan_data()
{
    QTest::addColumn<bool>("finalNewline");
    QTest::newRow("final newline") << true;
    QTest::newRow("no final newline") << false;
}

void TestCsvScanner::segmentsMatchExactScan()
{
    QFETCH(bool, finalNewline);
    QByteArray data("k,v\n");
    QRandomGenerator rng(8);
    for (int r = 0; r < 20000; ++r) {
        data += QByteArray::number(r) + ',' + QByteArray(static_cast<int>(rng.bounded(0, 40)), 'v');
        if (r == 9000)
            data += QByteArray(50000, 'w'); // a record longer than several segments
        if (r + 1 < 20000 || finalNewline)
            data += r % 97 == 0 ? "\r\n\n" : "\n";
    }
    const qint64 begin = 4;
    const ScanResult exact = scanInBlocks(data, begin, data.size(), 1 << 30);
    for (qint64 segment : {100, 4096, 20000}) {
        for (qint64 window : {64, 1000, 1 << 20}) {
            std::vector<SegmentFacts> facts;
            for (qint64 from = begin; from < data.size(); from += segment) {
                SegmentFacts f;
                const qint64 to = std::min<qint64>(data.size(), from + segment);
                for (qint64 at = from; at < to; at += window) {
                    const qint64 n = std::min(window, to - at);
                    const QByteArray piece = data.mid(at, n);
                    mergeFacts(f, scanSegment(piece.constData(), at, n));
                }
                QVERIFY(!f.hasQuote);
                facts.push_back(f);
            }
            const ScanResult cut = spansFromSegments(facts, begin, data.size());
            QVERIFY(spansTile(data, cut, begin));
            QCOMPARE(totalRecords(cut), totalRecords(exact));
            QCOMPARE(cut.hasTail, exact.hasTail);
            QCOMPARE(cut.tailBegin, exact.tailBegin);
            // Each span's count must be its own newlines, not just the total.
            for (const RecordSpan &s : cut.spans)
                QCOMPARE(s.records, qint64(data.mid(s.begin, s.end - s.begin).count('\n')));
        }
    }
}

void TestCsvScanner::segmentsStopAtAQuote()
{
    const QByteArray data("a,b\n1,2\n\"x\",3\n");
    const SegmentFacts f = scanSegment(data.constData(), 0, data.size());
    QVERIFY(f.hasQuote);
}

QTEST_GUILESS_MAIN(TestCsvScanner)
#include "tst_csv_scanner.moc"
