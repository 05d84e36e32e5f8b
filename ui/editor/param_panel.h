#pragma once

#include "core/pipeline/node_registry.h"
#include "core/pipeline/pipeline_graph.h"

#include <QHash>
#include <QJsonValue>
#include <QPointer>
#include <QWidget>

class QGridLayout;
class QLabel;
class QScrollArea;
class QUndoStack;

namespace mb {

class ParamField;

/// The parameters of the selected node, generated from its type's ParamSchema (one
/// ParamField per parameter, with help as tooltip). An entered value is checked with
/// validateParams() first: a refused one (wrong type, out of range, not a choice) shows a
/// red message beside the field naming the parameter and what is allowed, and changes
/// nothing; an accepted one goes through a SetParamsCommand on the undo stack. Follows the
/// graph: undo, redo and removal of the node update it. GUI thread only; the graph,
/// registry and stack must outlive it.
class ParamPanel : public QWidget {
    Q_OBJECT

public:
    ParamPanel(PipelineGraph &graph, const NodeRegistry &registry, QUndoStack *undoStack, QWidget *parent = nullptr);

    /// Shows the parameters of `nodeId` (empty or unknown: a hint to select a node).
    void setNode(const QString &nodeId);
    QString nodeId() const { return m_nodeId; }
    /// The field of a parameter of the shown node (null when there is none).
    ParamField *field(const QString &param) const { return m_fields.value(param); }
    /// Its input widget (QLineEdit, QCheckBox, QComboBox or QPlainTextEdit), or null.
    QWidget *editorFor(const QString &param) const;
    /// The message shown beside a parameter (empty when its last entry was accepted).
    QString errorFor(const QString &param) const;
    /// Applies `value` to a parameter as if the user entered it (Undefined: unset).
    /// Returns the refusal, which is also shown beside the field.
    Status applyValue(const QString &param, const QJsonValue &value);

Q_SIGNALS:
    /// A sentence for the status bar when a value is refused.
    void message(const QString &text);

private:
    void rebuild();
    void refreshValues();

    PipelineGraph &m_graph;
    const NodeRegistry &m_registry;
    QPointer<QUndoStack> m_undo;
    QString m_nodeId;
    QLabel *m_title;
    QLabel *m_help;
    QLabel *m_unknown;
    QScrollArea *m_scroll;
    QWidget *m_form = nullptr;
    QHash<QString, ParamField *> m_fields;
};

} // namespace mb
