#include "core/base/event.h"

#include <QJsonDocument>
#include <QTest>

using namespace mb;

class TestEvent : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripEveryType()
    {
        Error err(QStringLiteral("bad value"));
        err.at(QStringLiteral("a.csv"), 3, 2).inField(QStringLiteral("x"));
        const QList<Event> events{Event::started(QStringLiteral("r1")),
                                  Event::metric(QStringLiteral("r1"), QStringLiteral("valid-auc"), 7, 0.875),
                                  Event::log(QStringLiteral("r1"), QStringLiteral("hello"), QStringLiteral("warning")),
                                  Event::artifact(QStringLiteral("r1"), QStringLiteral("model.ubj"), 12, QStringLiteral("ab")),
                                  Event::progress(QStringLiteral("r1"), QStringLiteral("train"), 0.5),
                                  Event::finished(QStringLiteral("r1"), QJsonObject{{QStringLiteral("success"), true}}),
                                  Event::failed(QStringLiteral("r1"), err),
                                  Event::cancelled(QStringLiteral("r1"))};
        for (const Event &e : events) {
            const QByteArray line = QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact);
            const Result<Event> back = Event::fromJsonLine(line);
            QVERIFY2(back.ok(), qPrintable(back.error().message));
            QCOMPARE(back->type, e.type);
            QCOMPARE(back->runId, e.runId);
            QCOMPARE(back->timeMs, e.timeMs);
            QCOMPARE(back->key, e.key);
            QCOMPARE(back->step, e.step);
            QCOMPARE(back->value, e.value);
            QCOMPARE(back->text, e.text);
            QCOMPARE(back->data, e.data);
        }
        QCOMPARE(events[6].text, QStringLiteral("a.csv:3:2: bad value"));
    }

    void malformedLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("not json") << QByteArray("{\"event\":") << QStringLiteral("event line:");
        QTest::newRow("array") << QByteArray("[1]") << QStringLiteral("expected a JSON object");
        QTest::newRow("unknown type") << QByteArray(R"({"event":"boom","run":"r"})") << QStringLiteral("unknown event type 'boom'");
        QTest::newRow("metric without value") << QByteArray(R"({"event":"metric","run":"r","key":"k"})") << QStringLiteral("numeric 'value'");
    }

    void malformedLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, errorPart);
        const Result<Event> r = Event::fromJsonLine(line);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(errorPart), qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(TestEvent)
#include "tst_event.moc"
