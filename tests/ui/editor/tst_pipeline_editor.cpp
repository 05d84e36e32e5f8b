#include "core/pipeline/node_cache.h"
#include "core/pipeline/pipeline_validator.h"
#include "core/store/store.h"
#include "ui/common/workspace_session.h"
#include "ui/editor/link_item.h"
#include "ui/editor/node_item.h"
#include "ui/editor/node_palette.h"
#include "ui/editor/param_panel.h"
#include "ui/editor/pipeline_editor.h"
#include "ui/editor/pipeline_scene.h"
#include "ui/editor/pipeline_view.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolBar>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

using namespace mb;

namespace {

const QString kCsv = QStringLiteral(MB_SOURCE_DIR "/resources/demo/data/breast_cancer.csv");
const QString kDemo = QStringLiteral(MB_SOURCE_DIR "/resources/demo/pipelines/breast_cancer.json");
const QString kFixtures = QStringLiteral(MB_SOURCE_DIR "/tests/ui/editor/data");

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void typeInto(QLineEdit *edit, const QString &text)
{
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return);
}

} // namespace

class TestPipelineEditor : public QObject {
    Q_OBJECT

private:
    PipelineView *view() const { return m_editor->view(); }
    QPoint at(const QPointF &scenePos) const { return view()->mapFromScene(scenePos); }
    QPoint portPoint(const QString &ref, bool output) const
    {
        QString node, port;
        splitPortRef(ref, &node, &port);
        NodeItem *item = m_editor->nodeItem(node);
        return item ? at(item->portScenePos(port, output)) : QPoint();
    }
    QPoint titlePoint(const QString &node) const { return at(m_editor->nodeItem(node)->mapToScene(QPointF(40, 14))); }

    /// A left-button drag on the view's viewport with intermediate moves, as a hand does.
    void drag(const QPoint &from, const QPoint &to, Qt::MouseButton button = Qt::LeftButton, Qt::KeyboardModifiers mods = {})
    {
        QTest::mousePress(view()->viewport(), button, mods, from);
        for (int i = 1; i <= 6; ++i)
            QTest::mouseMove(view()->viewport(), from + (to - from) * i / 6);
        QTest::mouseRelease(view()->viewport(), button, mods, to);
    }
    void connectPorts(const QString &from, const QString &to) { drag(portPoint(from, true), portPoint(to, false)); }

    QString addFromPalette(const QString &typeId)
    {
        QTreeWidget *tree = m_editor->palette()->tree();
        QTreeWidgetItem *item = m_editor->palette()->itemForType(typeId);
        if (!item)
            return QString();
        tree->scrollToItem(item);
        const QPoint p = tree->visualItemRect(item).center();
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, p);
        QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, p);
        QTest::mouseRelease(tree->viewport(), Qt::LeftButton, {}, p);
        return m_editor->selectedNodeId();
    }

    void clickToolbar(QAction *action) { QTest::mouseClick(m_editor->toolBar()->widgetForAction(action), Qt::LeftButton); }
    void key(int k, Qt::KeyboardModifiers mods = {})
    {
        view()->setFocus();
        QTest::keyClick(view()->viewport(), static_cast<Qt::Key>(k), mods);
    }
    QLineEdit *paramEdit(const QString &name) const { return qobject_cast<QLineEdit *>(m_editor->paramPanel()->editorFor(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        Result<std::unique_ptr<WorkspaceSession>> s = WorkspaceSession::open(m_dir.filePath(QStringLiteral("ws")));
        QVERIFY2(s.ok(), qPrintable(s.error().message));
        m_session = std::move(s.value());
        QVERIFY2(m_session->registry().find(QStringLiteral("train.xgboost")),
                 qPrintable(QStringLiteral("the XGBoost plugin was not loaded (MODELBENCH_PLUGIN_PATH): ") + m_session->pluginProblems().join(QStringLiteral("; "))));
    }

    void init()
    {
        m_editor = std::make_unique<PipelineEditor>(*m_session);
        m_editor->resize(1200, 700);
        m_editor->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_editor.get()));
        m_editor->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_editor.get()));
        m_editor->palette()->resize(260, 500);
        m_editor->palette()->show();
        m_editor->paramPanel()->resize(380, 700);
        m_editor->paramPanel()->show();
        m_editor->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_editor.get()));
    }

    void cleanup()
    {
        m_editor.reset(); // also deletes its palette and parameter panel
    }

    void paletteShowsBuiltinsAndPlugins()
    {
        NodePalette *palette = m_editor->palette();
        for (const char *t : {"data.csv", "data.libsvm", "validate", "preprocess", "split", "train.xgboost", "evaluate"})
            QVERIFY2(palette->itemForType(QLatin1String(t)), t);
        QStringList groups;
        for (int i = 0; i < palette->tree()->topLevelItemCount(); ++i)
            groups << palette->tree()->topLevelItem(i)->text(0);
        QCOMPARE(groups, (QStringList{"Data", "Prepare", "Model", "Evaluate"}));
        QVERIFY(palette->itemForType(QStringLiteral("train.xgboost"))->toolTip(0).contains(QStringLiteral("Inputs:")));
        QTest::keyClicks(palette->filterEdit(), QStringLiteral("xgb"));
        QCOMPARE(palette->visibleTypes(), QStringList{QStringLiteral("train.xgboost")});
        // Enter adds the one remaining type.
        QTest::keyClick(palette->filterEdit(), Qt::Key_Return);
        QCOMPARE(m_editor->graph().nodes().size(), std::size_t(1));
        QCOMPARE(m_editor->graph().nodes().front().type, QStringLiteral("train.xgboost"));
        palette->setFilter(QString());
        QCOMPARE(palette->visibleTypes().size(), 7);
    }

    /// The acceptance: build a 5-node pipeline with the mouse, a wrong link is
    /// refused, parameters are checked, undo/redo to the original, save/reload identical,
    /// run it and see every node done; then an edit makes the right nodes stale.
    void buildEditUndoSaveRun()
    {
        PipelineGraph &g = m_editor->graph();
        const QByteArray original = g.toBytes();
        QSignalSpy messages(m_editor.get(), &PipelineEditor::message);

        const QStringList ids{addFromPalette(QStringLiteral("data.csv")), addFromPalette(QStringLiteral("validate")),
                              addFromPalette(QStringLiteral("split")), addFromPalette(QStringLiteral("train.xgboost")),
                              addFromPalette(QStringLiteral("evaluate"))};
        QCOMPARE(ids, (QStringList{"data", "validate", "split", "train", "evaluate"}));
        QCOMPARE(g.nodes().size(), std::size_t(5));
        clickToolbar(m_editor->zoomFitAction());
        for (const QString &id : ids)
            QVERIFY2(view()->viewport()->rect().contains(at(m_editor->nodeItem(id)->sceneBoundingRect().center())), qPrintable(id));

        connectPorts(QStringLiteral("data.table"), QStringLiteral("validate.table"));
        connectPorts(QStringLiteral("validate.table"), QStringLiteral("split.table"));
        QCOMPARE(g.links().size(), std::size_t(2));
        QVERIFY(m_editor->scene()->linkItem(g.links().back()));

        // A wrong-type link is refused visibly and changes nothing.
        const QByteArray beforeWrong = g.toBytes();
        const int undoBefore = m_editor->undoStack()->count();
        messages.clear();
        connectPorts(QStringLiteral("data.table"), QStringLiteral("evaluate.model"));
        QCOMPARE(g.toBytes(), beforeWrong);
        QCOMPARE(m_editor->undoStack()->count(), undoBefore);
        QCOMPARE(messages.count(), 1);
        QVERIFY2(messages.last().first().toString().contains(QStringLiteral("port types differ (table output, model input)")),
                 qPrintable(messages.last().first().toString()));
        QCOMPARE(m_editor->nodeItem(QStringLiteral("evaluate"))->flashingPort(), QStringLiteral("model"));
        // So is a second link into a fed input, and one dragged backwards into a cycle.
        connectPorts(QStringLiteral("data.table"), QStringLiteral("split.table"));
        QVERIFY(messages.last().first().toString().contains(QStringLiteral("already fed by validate.table")));
        QCOMPARE(g.toBytes(), beforeWrong);

        connectPorts(QStringLiteral("split.split"), QStringLiteral("train.data"));
        // Dragging from an input to an output works too.
        drag(portPoint(QStringLiteral("evaluate.model"), false), portPoint(QStringLiteral("train.model"), true));
        QCOMPARE(g.links().size(), std::size_t(4));
        QCOMPARE(g.links().back(), (PipelineLink{"train", "model", "evaluate", "model"}));
        QVERIFY(validatePipeline(g, m_session->registry()).size() > 0); // data has no path yet

        // Parameters through the panel of the clicked node.
        QTest::mouseClick(view()->viewport(), Qt::LeftButton, {}, titlePoint(QStringLiteral("data")));
        QCOMPARE(m_editor->selectedNodeId(), QStringLiteral("data"));
        QCOMPARE(m_editor->paramPanel()->nodeId(), QStringLiteral("data"));
        typeInto(paramEdit(QStringLiteral("path")), kCsv);
        typeInto(paramEdit(QStringLiteral("target")), QStringLiteral("target"));
        QCOMPARE(g.node(QStringLiteral("data"))->params.value(QStringLiteral("path")).toString(), kCsv);

        QTest::mouseClick(view()->viewport(), Qt::LeftButton, {}, titlePoint(QStringLiteral("train")));
        QCOMPARE(m_editor->paramPanel()->nodeId(), QStringLiteral("train"));
        const QByteArray beforeBad = g.toBytes();
        messages.clear();
        typeInto(paramEdit(QStringLiteral("learning_rate")), QStringLiteral("1.5"));
        QCOMPARE(g.toBytes(), beforeBad);
        const QString shown = m_editor->paramPanel()->errorFor(QStringLiteral("learning_rate"));
        QVERIFY2(shown.contains(QStringLiteral("'learning_rate'")) && shown.contains(QStringLiteral("(0, 1]")), qPrintable(shown));
        QCOMPARE(messages.count(), 1);
        typeInto(paramEdit(QStringLiteral("learning_rate")), QStringLiteral("0.1"));
        QCOMPARE(g.node(QStringLiteral("train"))->params.value(QStringLiteral("learning_rate")).toDouble(), 0.1);
        QVERIFY(m_editor->paramPanel()->errorFor(QStringLiteral("learning_rate")).isEmpty());
        typeInto(paramEdit(QStringLiteral("n_estimators")), QStringLiteral("40"));
        typeInto(paramEdit(QStringLiteral("nthread")), QStringLiteral("2"));
        QVERIFY(validatePipeline(g, m_session->registry()).empty());

        // Move a node with the mouse: one MoveNodes command on release.
        const QPointF evalBefore = g.node(QStringLiteral("evaluate"))->position;
        const int beforeMove = m_editor->undoStack()->count();
        drag(titlePoint(QStringLiteral("evaluate")), titlePoint(QStringLiteral("evaluate")) + QPoint(0, 80));
        QCOMPARE(m_editor->undoStack()->count(), beforeMove + 1);
        QVERIFY(g.node(QStringLiteral("evaluate"))->position.y() > evalBefore.y() + 40);
        QCOMPARE(m_editor->nodeItem(QStringLiteral("evaluate"))->pos(), g.node(QStringLiteral("evaluate"))->position);

        // Undo everything with the keyboard, then redo it.
        const QByteArray built = g.toBytes();
        QVERIFY(m_editor->isModified());
        for (int i = 0; i < 100 && m_editor->undoStack()->canUndo(); ++i)
            key(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(g.toBytes(), original);
        QVERIFY(m_editor->scene()->items().isEmpty()); // the scene followed
        for (int i = 0; i < 100 && m_editor->undoStack()->canRedo(); ++i)
            key(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(g.toBytes(), built);
        QCOMPARE(m_editor->scene()->linkItems().size(), 4);

        // Save and reload: byte-identical.
        const QString file = m_dir.filePath(QStringLiteral("built.json"));
        QVERIFY(m_editor->saveFile(file).ok());
        QVERIFY(!m_editor->isModified());
        QCOMPARE(fileBytes(file), built);
        {
            PipelineEditor other(*m_session);
            QVERIFY(other.openFile(file).ok());
            QCOMPARE(other.graph().toBytes(), built);
            const QString again = m_dir.filePath(QStringLiteral("again.json"));
            QVERIFY(other.saveFile(again).ok());
            QCOMPARE(fileBytes(again), fileBytes(file));
        }

        // Run it from the toolbar and watch every node finish.
        QSignalSpy started(m_editor.get(), &PipelineEditor::runStarted);
        QSignalSpy requested(m_editor.get(), &PipelineEditor::runRequested);
        clickToolbar(m_editor->runAllAction());
        QCOMPARE(started.count(), 1);
        QCOMPARE(requested.count(), 1);
        const qint64 job = started.first().first().toLongLong();
        QVERIFY(job > 0);
        for (const QString &id : ids)
            QVERIFY(m_editor->nodeState(id) == NodeState::Queued || m_editor->nodeState(id) == NodeState::Running
                    || m_editor->nodeState(id) == NodeState::Done);
        const auto allDone = [&] {
            for (const QString &id : ids)
                if (m_editor->nodeState(id) != NodeState::Done)
                    return false;
            return m_session->activeJobs().isEmpty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(allDone(), 60000);
        const QString runId = m_session->runOfJob(job);
        QVERIFY(!runId.isEmpty());
        Result<RunRecord> run = m_session->store().run(runId);
        QVERIFY(run.ok());
        QCOMPARE(run->status, RunStatus::Finished);

        // An edit makes the edited node and those after it stale, not those before.
        QTest::mouseClick(view()->viewport(), Qt::LeftButton, {}, titlePoint(QStringLiteral("train")));
        typeInto(paramEdit(QStringLiteral("learning_rate")), QStringLiteral("0.2"));
        QTRY_COMPARE(m_editor->nodeState(QStringLiteral("train")), NodeState::Stale);
        QCOMPARE(m_editor->nodeState(QStringLiteral("evaluate")), NodeState::Stale);
        QCOMPARE(m_editor->nodeState(QStringLiteral("split")), NodeState::Done);
        QCOMPARE(m_editor->nodeState(QStringLiteral("data")), NodeState::Done);
        // Undoing the edit makes them fresh again: the key is what it was.
        key(Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(m_editor->nodeState(QStringLiteral("train")), NodeState::Done);

        // Run from the trainer: the steps before it come from the cache.
        key(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(m_editor->selectedNodeId(), QStringLiteral("train"));
        clickToolbar(m_editor->runFromAction());
        QCOMPARE(requested.last().first().toString(), QStringLiteral("train"));
        QTRY_VERIFY_WITH_TIMEOUT(m_editor->nodeState(QStringLiteral("evaluate")) == NodeState::Done && m_session->activeJobs().isEmpty(), 60000);
        QCOMPARE(m_editor->nodeState(QStringLiteral("data")), NodeState::Cached);
        QCOMPARE(m_editor->nodeState(QStringLiteral("split")), NodeState::Cached);
        QCOMPARE(m_editor->nodeState(QStringLiteral("train")), NodeState::Done);
    }

    void keyboardCopyPasteDeleteAndRubberBand()
    {
        QVERIFY(m_editor->openFile(kDemo).ok());
        PipelineGraph &g = m_editor->graph();
        const QByteArray original = g.toBytes();
        QVERIFY(!m_editor->isModified());

        QTest::mouseClick(view()->viewport(), Qt::LeftButton, {}, titlePoint(QStringLiteral("model")));
        QCOMPARE(m_editor->selectedNodeId(), QStringLiteral("model"));
        key(Qt::Key_C, Qt::ControlModifier);
        key(Qt::Key_V, Qt::ControlModifier);
        QVERIFY(g.node(QStringLiteral("model2")));
        QCOMPARE(g.node(QStringLiteral("model2"))->position, g.node(QStringLiteral("model"))->position + QPointF(40, 40));
        QCOMPARE(g.node(QStringLiteral("model2"))->params, g.node(QStringLiteral("model"))->params);
        QCOMPARE(m_editor->selectedNodeId(), QStringLiteral("model2"));
        QVERIFY(m_editor->isModified());
        key(Qt::Key_Delete);
        QVERIFY(!g.node(QStringLiteral("model2")));
        QCOMPARE(g.toBytes(), original);

        // Rubber band around data and check (from empty canvas above-left of them).
        const auto box = [this](const QString &id) { return QRectF(m_editor->nodeItem(id)->pos(), m_editor->nodeItem(id)->size()); };
        const QRectF both = box(QStringLiteral("data")).united(box(QStringLiteral("check")));
        m_editor->scene()->clearSelection();
        drag(at(both.topLeft() - QPointF(20, 20)), at(both.bottomRight() + QPointF(2, 2)));
        QCOMPARE(m_editor->scene()->selectedNodeIds(), (QStringList{"data", "check"}));
        key(Qt::Key_Delete);
        QCOMPARE(g.nodes().size(), std::size_t(4));
        QCOMPARE(g.links().size(), std::size_t(3)); // data->check and check->split went with them

        // Select a link by clicking it and delete it.
        const PipelineLink prepLink{"prep", "preprocessor", "model", "preprocessor"};
        LinkItem *linkItem = m_editor->scene()->linkItem(prepLink);
        QVERIFY(linkItem);
        m_editor->scene()->clearSelection();
        QTest::mouseClick(view()->viewport(), Qt::LeftButton, {}, at(linkItem->path().pointAtPercent(0.5)));
        QVERIFY(linkItem->isSelected());
        key(Qt::Key_Delete);
        QCOMPARE(g.links().size(), std::size_t(2));

        for (int i = 0; i < 100 && m_editor->undoStack()->canUndo(); ++i)
            key(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(g.toBytes(), original);
        QVERIFY(!m_editor->isModified());
    }

    void zoomAndPan()
    {
        QVERIFY(m_editor->openFile(kDemo).ok());
        const qreal fitted = view()->zoom();
        QVERIFY(fitted > 0.2 && fitted <= 1.0);
        const QPoint centre = view()->viewport()->rect().center();
        QWheelEvent wheel(centre, view()->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(view()->viewport(), &wheel);
        QVERIFY(view()->zoom() > fitted * 1.3);
        key(Qt::Key_Minus, Qt::ControlModifier);
        QVERIFY(view()->zoom() < fitted * 1.3);
        key(Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(view()->zoom(), fitted);

        const QPointF before = view()->mapToScene(centre);
        drag(centre, centre + QPoint(100, 50), Qt::MiddleButton);
        const QPointF afterMiddle = view()->mapToScene(centre);
        QVERIFY2(qAbs((before - afterMiddle).x() - 100 / fitted) < 3, qPrintable(QString::number((before - afterMiddle).x())));
        QVERIFY(m_editor->scene()->selectedItems().isEmpty()); // panning selects nothing

        // Space + left drag pans too (and does not rubber-band).
        QTest::keyPress(view(), Qt::Key_Space);
        drag(centre, centre + QPoint(-60, 0));
        QTest::keyRelease(view(), Qt::Key_Space);
        QVERIFY(qAbs((view()->mapToScene(centre) - afterMiddle).x() - 60 / fitted) < 3);
        QVERIFY(!m_editor->isModified());
    }

    void dropFromPaletteAddsANodeThere()
    {
        QTreeWidgetItem *item = m_editor->palette()->itemForType(QStringLiteral("split"));
        QScopedPointer<QMimeData> mime(m_editor->palette()->tree()->model()->mimeData(
            {m_editor->palette()->tree()->model()->index(item->parent()->indexOfChild(item), 0,
                                                         m_editor->palette()->tree()->model()->index(
                                                             m_editor->palette()->tree()->indexOfTopLevelItem(item->parent()), 0))}));
        QVERIFY(mime);
        QVERIFY(mime->hasFormat(NodePalette::mimeType()));
        const QPoint where = view()->viewport()->rect().center() + QPoint(100, 50);
        QDragEnterEvent enter(where, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(view()->viewport(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(where), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(view()->viewport(), &drop);
        QCOMPARE(m_editor->graph().nodes().size(), std::size_t(1));
        const PipelineNode &n = m_editor->graph().nodes().front();
        QCOMPARE(n.id, QStringLiteral("split"));
        QCOMPARE(n.type, QStringLiteral("split"));
        // Centred under the cursor horizontally, its title just below it.
        const QPointF scenePos = view()->mapToScene(where);
        QVERIFY(qAbs(n.position.x() + m_editor->nodeItem(QStringLiteral("split"))->size().width() / 2 - scenePos.x()) < 2);
        QVERIFY(m_editor->nodeItem(QStringLiteral("split"))->sceneBoundingRect().contains(scenePos));
        QCOMPARE(m_editor->selectedNodeId(), QStringLiteral("split"));
        // The palette's activation and a drop use fresh ids.
        QVERIFY(!addFromPalette(QStringLiteral("split")).isEmpty());
        QCOMPARE(m_editor->graph().nodes().back().id, QStringLiteral("split2"));
    }

    void pipelineFromCsv()
    {
        QSignalSpy modified(m_editor.get(), &PipelineEditor::modifiedChanged);
        m_editor->newPipelineFromCsv(kCsv);
        const PipelineGraph &g = m_editor->graph();
        QStringList ids;
        for (const PipelineNode &n : g.nodes())
            ids << n.id + QLatin1Char(':') + n.type;
        QCOMPARE(ids, (QStringList{"data:data.csv", "check:validate", "split:split", "prep:preprocess", "model:train.xgboost", "eval:evaluate"}));
        QCOMPARE(g.links().size(), std::size_t(5));
        QCOMPARE(g.node(QStringLiteral("data"))->params.value(QStringLiteral("target")).toString(), QStringLiteral("target"));
        QCOMPARE(g.name(), QStringLiteral("breast_cancer"));
        QVERIFY(validatePipeline(g, m_session->registry()).empty());
        QVERIFY(m_editor->isModified());
        QCOMPARE(modified.count(), 1);
        // Laid out left to right without overlaps.
        for (const PipelineLink &l : g.links())
            QVERIFY(g.node(l.fromNode)->position.x() < g.node(l.toNode)->position.x());
        const auto &nodes = g.nodes();
        for (std::size_t i = 0; i < nodes.size(); ++i)
            for (std::size_t j = i + 1; j < nodes.size(); ++j)
                QVERIFY(!m_editor->nodeItem(nodes[i].id)->sceneBoundingRect().intersects(m_editor->nodeItem(nodes[j].id)->sceneBoundingRect()));
        m_editor->undoStack()->undo();
        QVERIFY(g.nodes().empty());

        QSignalSpy messages(m_editor.get(), &PipelineEditor::message);
        m_editor->newPipelineFromCsv(m_dir.filePath(QStringLiteral("missing.csv")));
        QVERIFY(messages.last().first().toString().contains(QStringLiteral("missing.csv")));
    }

    void autoLayoutIsUndoable()
    {
        QVERIFY(m_editor->openFile(kDemo).ok());
        const QByteArray original = m_editor->graph().toBytes();
        clickToolbar(m_editor->autoLayoutAction());
        QCOMPARE(m_editor->undoStack()->count(), 1);
        QCOMPARE(m_editor->undoStack()->text(0), QStringLiteral("Automatic layout"));
        const PipelineGraph &g = m_editor->graph();
        QCOMPARE(g.node(QStringLiteral("prep"))->position.x(), g.node(QStringLiteral("split"))->position.x());
        QCOMPARE(m_editor->nodeItem(QStringLiteral("prep"))->pos(), g.node(QStringLiteral("prep"))->position);
        key(Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(m_editor->graph().toBytes(), original);
    }

    void openErrorsLeaveThePipelineAlone_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing file") << QStringLiteral("nope.json") << "cannot read pipeline";
        QTest::newRow("not json") << QStringLiteral("not_json.json") << "not_json.json:5:";
        QTest::newRow("link to a missing node") << QStringLiteral("link_to_missing_node.json") << "links[0].to: links to unknown node 'check'";
    }

    void openErrorsLeaveThePipelineAlone()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QVERIFY(m_editor->openFile(kDemo).ok());
        const QByteArray before = m_editor->graph().toBytes();
        QSignalSpy messages(m_editor.get(), &PipelineEditor::message);
        const Status s = m_editor->openFile(QDir(kFixtures).filePath(file));
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(expected), qPrintable(s.error().message));
        QVERIFY(s.error().message.contains(file));
        QCOMPARE(messages.count(), 1);
        QCOMPARE(m_editor->graph().toBytes(), before);
        QCOMPARE(m_editor->filePath(), QFileInfo(kDemo).absoluteFilePath());
    }

    /// Not a check: with MB_SHOTS_DIR set, renders the editor with its palette and parameter
    /// panel on the breast-cancer demo (after a run, one node selected) into PNGs there.
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("MB_SHOTS_DIR");
        if (dir.isEmpty())
            QSKIP("set MB_SHOTS_DIR to render screenshots");
        QDir().mkpath(dir);
        QWidget window;
        auto *layout = new QHBoxLayout(&window);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(1);
        m_editor->palette()->setFixedWidth(190);
        m_editor->paramPanel()->setFixedWidth(330);
        layout->addWidget(m_editor->palette());
        layout->addWidget(m_editor.get(), 1);
        layout->addWidget(m_editor->paramPanel());
        window.resize(1200, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(m_editor->openFile(kDemo).ok());
        m_editor->zoomFit();
        clickToolbar(m_editor->runAllAction());
        QTRY_VERIFY_WITH_TIMEOUT(m_editor->nodeState(QStringLiteral("eval")) == NodeState::Done && m_session->activeJobs().isEmpty(), 60000);
        QTest::mouseClick(view()->viewport(), Qt::LeftButton, {}, titlePoint(QStringLiteral("model")));
        QTest::qWait(50);
        QVERIFY(window.grab().save(dir + QStringLiteral("/editor-after-run.png")));

        typeInto(paramEdit(QStringLiteral("max_depth")), QStringLiteral("4"));
        typeInto(paramEdit(QStringLiteral("learning_rate")), QStringLiteral("1.5"));
        connectPorts(QStringLiteral("check.table"), QStringLiteral("eval.model"));
        QTRY_COMPARE(m_editor->nodeState(QStringLiteral("model")), NodeState::Stale);
        QVERIFY(window.grab().save(dir + QStringLiteral("/editor-stale-and-refused.png")));
        view()->resetTransform();
        view()->centerOn(m_editor->nodeItem(QStringLiteral("model"))->sceneBoundingRect().center());
        QVERIFY(view()->grab().save(dir + QStringLiteral("/editor-nodes-100.png")));
        layout->removeWidget(m_editor.get());
        m_editor->setParent(nullptr);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<WorkspaceSession> m_session;
    std::unique_ptr<PipelineEditor> m_editor;
};

QTEST_MAIN(TestPipelineEditor)
#include "tst_pipeline_editor.moc"
