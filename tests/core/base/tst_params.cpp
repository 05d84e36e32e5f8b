#include "core/base/params.h"

#include <QJsonDocument>
#include <QTest>

using namespace mb;

class TestParams : public QObject {
    Q_OBJECT

private:
    static ParamSchema schema()
    {
        ParamSpec eta{QStringLiteral("eta"), ParamSpec::Kind::Float, 0.3, 0.0, 1.0, true, {}, QString()};
        ParamSpec depth{QStringLiteral("max_depth"), ParamSpec::Kind::Int, 6, 0.0, 64.0, false, {}, QString()};
        ParamSpec obj{QStringLiteral("objective"), ParamSpec::Kind::Choice, QJsonValue(QStringLiteral("auto")),
                      std::nullopt, std::nullopt, false,
                      {QStringLiteral("auto"), QStringLiteral("binary:logistic")}, QString()};
        ParamSpec path{QStringLiteral("path"), ParamSpec::Kind::Path, QJsonValue(QJsonValue::Undefined), std::nullopt, std::nullopt,
                       false, {}, QStringLiteral("CSV file")};
        return {eta, depth, obj, path};
    }

private Q_SLOTS:
    void validation_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("errorPart"); // empty: valid
        QTest::newRow("ok") << R"({"path":"a.csv","eta":0.1})" << QString();
        QTest::newRow("negative eta") << R"({"path":"a.csv","eta":-0.1})" << QStringLiteral("'eta' = -0.1 is out of range (0, 1]");
        QTest::newRow("zero eta excluded") << R"({"path":"a.csv","eta":0})" << QStringLiteral("out of range (0, 1]");
        QTest::newRow("fractional int") << R"({"path":"a.csv","max_depth":2.5})" << QStringLiteral("whole number");
        QTest::newRow("string for number") << R"({"path":"a.csv","eta":"x"})" << QStringLiteral("must be a number");
        QTest::newRow("bad choice") << R"({"path":"a.csv","objective":"foo"})" << QStringLiteral("is not one of: auto, binary:logistic");
        QTest::newRow("missing required") << R"({"eta":0.5})" << QStringLiteral("'path' is required (CSV file)");
        QTest::newRow("unknown") << R"({"path":"a.csv","etaa":0.5})" << QStringLiteral("'etaa' is unknown");
    }

    void validation()
    {
        QFETCH(QString, json);
        QFETCH(QString, errorPart);
        const QJsonObject params = QJsonDocument::fromJson(json.toUtf8()).object();
        const Status s = validateParams(schema(), params, QStringLiteral("node 'model'"));
        if (errorPart.isEmpty()) {
            QVERIFY2(s.ok(), qPrintable(s.error().message));
        } else {
            QVERIFY(!s.ok());
            QVERIFY2(s.error().message.contains(errorPart), qPrintable(s.error().message));
            QVERIFY(s.error().message.startsWith(QStringLiteral("node 'model': parameter")));
            QVERIFY(!s.error().field.isEmpty());
        }
    }

    void defaultsFilled()
    {
        const QJsonObject out = withDefaults(schema(), QJsonObject{{QStringLiteral("eta"), 0.2}});
        QCOMPARE(out.value(QStringLiteral("eta")).toDouble(), 0.2);
        QCOMPARE(out.value(QStringLiteral("max_depth")).toInt(), 6);
        QCOMPARE(out.value(QStringLiteral("objective")).toString(), QStringLiteral("auto"));
        QVERIFY(!out.contains(QStringLiteral("path")));
    }
};

QTEST_GUILESS_MAIN(TestParams)
#include "tst_params.moc"
