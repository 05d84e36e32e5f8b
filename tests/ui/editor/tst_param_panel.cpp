#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"
#include "ui/editor/param_field.h"
#include "ui/editor/param_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>

using namespace mb;

namespace {

ParamSpec spec(const QString &name, ParamSpec::Kind kind, QJsonValue def, std::optional<double> lo = {},
               std::optional<double> hi = {}, bool minExclusive = false)
{
    ParamSpec p;
    p.name = name;
    p.kind = kind;
    p.defaultValue = def;
    p.min = lo;
    p.max = hi;
    p.minExclusive = minExclusive;
    p.help = QStringLiteral("help of ") + name;
    return p;
}

/// A node type with one parameter of every kind.
NodeRegistry registryWithAllKinds()
{
    NodeRegistry r = NodeRegistry::withBuiltins();
    NodeType t = makeNodeType(QStringLiteral("test.params"), QStringLiteral("All kinds"), QStringLiteral("Prepare"), QStringLiteral("test"));
    t.params = {spec(QStringLiteral("count"), ParamSpec::Kind::Int, 5, 2.0, 100.0),
                spec(QStringLiteral("rate"), ParamSpec::Kind::Float, 0.3, 0.0, 1.0, true),
                spec(QStringLiteral("weight"), ParamSpec::Kind::Float, QJsonValue(QJsonValue::Null), 0.0, std::nullopt),
                spec(QStringLiteral("flag"), ParamSpec::Kind::Bool, false),
                spec(QStringLiteral("mode"), ParamSpec::Kind::Choice, QStringLiteral("fast")),
                spec(QStringLiteral("label"), ParamSpec::Kind::String, QStringLiteral("x")),
                spec(QStringLiteral("file"), ParamSpec::Kind::Path, QJsonValue(QJsonValue::Undefined)),
                spec(QStringLiteral("columns"), ParamSpec::Kind::StringList, QJsonValue(QJsonValue::Null)),
                spec(QStringLiteral("types"), ParamSpec::Kind::Object, QJsonValue(QJsonValue::Null))};
    t.params[4].choices = {QStringLiteral("fast"), QStringLiteral("exact"), QStringLiteral("approx")};
    r.add(t);
    return r;
}

void typeInto(QLineEdit *edit, const QString &text)
{
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return);
}

} // namespace

class TestParamPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_registry = registryWithAllKinds();
        m_graph = std::make_unique<PipelineGraph>();
        m_stack = std::make_unique<QUndoStack>();
        QVERIFY(m_graph->addNode(PipelineNode{QStringLiteral("n"), QStringLiteral("test.params"), 1,
                                              QJsonObject{{QStringLiteral("file"), QStringLiteral("a.csv")}}, {}})
                    .ok());
        m_panel = std::make_unique<ParamPanel>(*m_graph, m_registry, m_stack.get());
        m_panel->resize(420, 700);
        m_panel->show();
        m_panel->setNode(QStringLiteral("n"));
    }

    void cleanup()
    {
        m_panel.reset();
        m_stack.reset();
        m_graph.reset();
    }

    void generatedEditors()
    {
        QVERIFY(qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("count"))));
        QVERIFY(qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("rate"))));
        QVERIFY(qobject_cast<QCheckBox *>(m_panel->editorFor(QStringLiteral("flag"))));
        QVERIFY(qobject_cast<QComboBox *>(m_panel->editorFor(QStringLiteral("mode"))));
        QVERIFY(qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("file"))));
        QVERIFY(qobject_cast<QPlainTextEdit *>(m_panel->editorFor(QStringLiteral("types"))));
        auto *count = qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("count")));
        QCOMPARE(count->placeholderText(), QStringLiteral("5"));
        QVERIFY(count->text().isEmpty());
        QVERIFY(count->toolTip().contains(QStringLiteral("help of count")));
        QVERIFY(count->toolTip().contains(QStringLiteral("[2, 100]")));
        QCOMPARE(qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("file")))->text(), QStringLiteral("a.csv"));
        QCOMPARE(qobject_cast<QComboBox *>(m_panel->editorFor(QStringLiteral("mode")))->currentText(), QStringLiteral("fast"));
        QCOMPARE(ParamField::rangeText(m_panel->field(QStringLiteral("rate"))->spec()), QStringLiteral("(0, 1]"));
        QCOMPARE(ParamField::rangeText(m_panel->field(QStringLiteral("weight"))->spec()), QStringLiteral("\u2265 0"));
        // The reset button is live only for values that are set.
        QVERIFY(!m_panel->field(QStringLiteral("count"))->resetButton()->isEnabled());
        QVERIFY(m_panel->field(QStringLiteral("file"))->resetButton()->isEnabled());
    }

    void typedValues_data()
    {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("expected"); // JSON of the stored value, empty when refused
        QTest::addColumn<QString>("error");       // part of the refusal

        QTest::newRow("int") << "count" << "7" << QByteArray("[7]") << "";
        QTest::newRow("int at max") << "count" << "100" << QByteArray("[100]") << "";
        QTest::newRow("int above max") << "count" << "101" << QByteArray() << "parameter 'count' = 101 is out of range [2, 100]";
        QTest::newRow("int below min") << "count" << "1" << QByteArray() << "out of range [2, 100]";
        QTest::newRow("int not whole") << "count" << "2.5" << QByteArray() << "parameter 'count' must be a whole number, got 2.5 (allowed: [2, 100])";
        QTest::newRow("int not a number") << "count" << "many" << QByteArray() << "parameter 'count' must be a number";
        QTest::newRow("float") << "rate" << "0.05" << QByteArray("[0.05]") << "";
        QTest::newRow("float exclusive min") << "rate" << "0" << QByteArray() << "parameter 'rate' = 0 is out of range (0, 1]";
        QTest::newRow("float above max") << "rate" << "1.5" << QByteArray() << "out of range (0, 1]";
        QTest::newRow("float text") << "rate" << "fast" << QByteArray() << "(allowed: (0, 1])";
        QTest::newRow("float open max") << "weight" << "1e6" << QByteArray("[1000000]") << "";
        QTest::newRow("float negative") << "weight" << "-1" << QByteArray() << "out of range [0, inf)";
        QTest::newRow("string") << "label" << "hello world" << QByteArray("[\"hello world\"]") << "";
        QTest::newRow("path") << "file" << "data/b.csv" << QByteArray("[\"data/b.csv\"]") << "";
        QTest::newRow("string list") << "columns" << "a, b ,c,," << QByteArray("[[\"a\",\"b\",\"c\"]]") << "";
    }

    void typedValues()
    {
        QFETCH(QString, param);
        QFETCH(QString, text);
        QFETCH(QByteArray, expected);
        QFETCH(QString, error);
        QSignalSpy messages(m_panel.get(), &ParamPanel::message);
        const QByteArray before = m_graph->toBytes();
        auto *edit = qobject_cast<QLineEdit *>(m_panel->editorFor(param));
        QVERIFY(edit);
        typeInto(edit, text);
        if (expected.isEmpty()) {
            QCOMPARE(m_graph->toBytes(), before); // not applied
            QCOMPARE(m_stack->count(), 0);
            QVERIFY2(m_panel->errorFor(param).contains(error), qPrintable(m_panel->errorFor(param)));
            QVERIFY(m_panel->errorFor(param).contains(QStringLiteral("node 'n'")));
            QVERIFY(m_panel->field(param)->errorLabel()->isVisible());
            QCOMPARE(messages.count(), 1);
            QCOMPARE(edit->text(), text); // kept, so the user can fix it
            return;
        }
        QCOMPARE(m_stack->count(), 1);
        const QJsonValue stored = m_graph->node(QStringLiteral("n"))->params.value(param);
        QCOMPARE(QJsonDocument(QJsonArray{stored}).toJson(QJsonDocument::Compact), expected);
        QVERIFY(m_panel->errorFor(param).isEmpty());
        QCOMPARE(messages.count(), 0);
        m_stack->undo();
        QCOMPARE(m_graph->toBytes(), before);
    }

    void fixingAValueClearsItsMessage()
    {
        auto *edit = qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("rate")));
        typeInto(edit, QStringLiteral("3"));
        QVERIFY(!m_panel->errorFor(QStringLiteral("rate")).isEmpty());
        typeInto(edit, QStringLiteral("0.7"));
        QVERIFY(m_panel->errorFor(QStringLiteral("rate")).isEmpty());
        QCOMPARE(m_graph->node(QStringLiteral("n"))->params.value(QStringLiteral("rate")).toDouble(), 0.7);
    }

    void emptyTextAndResetUnset()
    {
        auto *edit = qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("count")));
        typeInto(edit, QStringLiteral("9"));
        QVERIFY(m_graph->node(QStringLiteral("n"))->params.contains(QStringLiteral("count")));
        QVERIFY(m_panel->field(QStringLiteral("count"))->resetButton()->isEnabled());
        typeInto(edit, QString());
        QVERIFY(!m_graph->node(QStringLiteral("n"))->params.contains(QStringLiteral("count")));
        QCOMPARE(m_stack->count(), 2);

        QTest::mouseClick(m_panel->field(QStringLiteral("file"))->resetButton(), Qt::LeftButton);
        QVERIFY(!m_graph->node(QStringLiteral("n"))->params.contains(QStringLiteral("file")));
        QVERIFY(edit->text().isEmpty());
        m_stack->undo();
        QCOMPARE(m_graph->node(QStringLiteral("n"))->params.value(QStringLiteral("file")).toString(), QStringLiteral("a.csv"));
        QCOMPARE(qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("file")))->text(), QStringLiteral("a.csv"));
    }

    void checkBoxAndCombo()
    {
        auto *flag = qobject_cast<QCheckBox *>(m_panel->editorFor(QStringLiteral("flag")));
        QVERIFY(!flag->isChecked()); // the default
        QTest::mouseClick(flag, Qt::LeftButton);
        QCOMPARE(m_graph->node(QStringLiteral("n"))->params.value(QStringLiteral("flag")), QJsonValue(true));

        auto *mode = qobject_cast<QComboBox *>(m_panel->editorFor(QStringLiteral("mode")));
        mode->setFocus();
        QTest::keyClick(mode, Qt::Key_Down); // "exact"
        QCOMPARE(m_graph->node(QStringLiteral("n"))->params.value(QStringLiteral("mode")).toString(), QStringLiteral("exact"));
        QCOMPARE(m_stack->count(), 2);
        m_stack->undo();
        QCOMPARE(mode->currentText(), QStringLiteral("fast"));
    }

    void objectJson()
    {
        auto *text = qobject_cast<QPlainTextEdit *>(m_panel->editorFor(QStringLiteral("types")));
        text->setPlainText(QStringLiteral("{\"zip\": \"categorical\""));
        QTest::keyClick(text, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY2(m_panel->errorFor(QStringLiteral("types")).contains(QStringLiteral("types: invalid JSON")), qPrintable(m_panel->errorFor(QStringLiteral("types"))));
        QCOMPARE(m_stack->count(), 0);
        text->setPlainText(QStringLiteral("[1, 2]"));
        QTest::keyClick(text, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY2(m_panel->errorFor(QStringLiteral("types")).contains(QStringLiteral("must be an object")), qPrintable(m_panel->errorFor(QStringLiteral("types"))));
        text->setPlainText(QStringLiteral("{\"zip\": \"categorical\"}"));
        QTest::keyClick(text, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(m_graph->node(QStringLiteral("n"))->params.value(QStringLiteral("types")).toObject().value(QStringLiteral("zip")).toString(),
                 QStringLiteral("categorical"));
        QVERIFY(m_panel->errorFor(QStringLiteral("types")).isEmpty());
    }

    void followsTheGraph()
    {
        QJsonObject p = m_graph->node(QStringLiteral("n"))->params;
        p.insert(QStringLiteral("count"), 42);
        QVERIFY(m_graph->setParams(QStringLiteral("n"), p).ok());
        QCOMPARE(qobject_cast<QLineEdit *>(m_panel->editorFor(QStringLiteral("count")))->text(), QStringLiteral("42"));
        QVERIFY(m_graph->removeNode(QStringLiteral("n")).ok());
        QVERIFY(m_panel->nodeId().isEmpty());
        QVERIFY(!m_panel->editorFor(QStringLiteral("count")));
    }

    void builtinNodeWithoutParams()
    {
        QVERIFY(m_graph->addNode(PipelineNode{QStringLiteral("e"), QStringLiteral("evaluate"), 1, {}, {}}).ok());
        m_panel->setNode(QStringLiteral("e"));
        QCOMPARE(m_panel->nodeId(), QStringLiteral("e"));
        QVERIFY(!m_panel->editorFor(QStringLiteral("count")));
    }

private:
    NodeRegistry m_registry;
    std::unique_ptr<PipelineGraph> m_graph;
    std::unique_ptr<QUndoStack> m_stack;
    std::unique_ptr<ParamPanel> m_panel;
};

QTEST_MAIN(TestParamPanel)
#include "tst_param_panel.moc"
