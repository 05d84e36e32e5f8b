#include "ui/editor/param_panel.h"

#include "core/base/params.h"
#include "ui/editor/editor_commands.h"
#include "ui/editor/param_field.h"

#include <QCheckBox>
#include <QPlainTextEdit>
#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace mb {

ParamPanel::ParamPanel(PipelineGraph &graph, const NodeRegistry &registry, QUndoStack *undoStack, QWidget *parent)
    : QWidget(parent), m_graph(graph), m_registry(registry), m_undo(undoStack)
{
    setObjectName(QStringLiteral("ParamPanel"));
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_help = new QLabel(this);
    m_help->setWordWrap(true);
    m_help->setStyleSheet(QStringLiteral("color: #5f666d;"));
    m_unknown = new QLabel(this);
    m_unknown->setWordWrap(true);
    m_unknown->setStyleSheet(QStringLiteral("color: #d93025;"));
    m_unknown->hide();
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // fields shrink instead
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addWidget(m_title);
    layout->addWidget(m_help);
    layout->addWidget(m_unknown);
    layout->addWidget(m_scroll, 1);

    connect(&m_graph, &PipelineGraph::paramsChanged, this, [this](const QString &id) {
        if (id == m_nodeId)
            refreshValues();
    });
    connect(&m_graph, &PipelineGraph::nodeRemoved, this, [this](const QString &id) {
        if (id == m_nodeId)
            setNode(QString());
    });
    connect(&m_graph, &PipelineGraph::reset, this, [this] { setNode(m_graph.node(m_nodeId) ? m_nodeId : QString()); });
    rebuild();
}

void ParamPanel::setNode(const QString &nodeId)
{
    m_nodeId = m_graph.node(nodeId) ? nodeId : QString();
    rebuild();
}

QWidget *ParamPanel::editorFor(const QString &param) const
{
    ParamField *f = m_fields.value(param);
    return f ? f->editor() : nullptr;
}

QString ParamPanel::errorFor(const QString &param) const
{
    ParamField *f = m_fields.value(param);
    return f ? f->error() : QString();
}

void ParamPanel::rebuild()
{
    m_fields.clear();
    delete m_form;
    m_form = new QWidget;
    auto *grid = new QGridLayout(m_form);
    grid->setContentsMargins(0, 4, 4, 4);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(4);
    grid->setColumnStretch(1, 1);
    m_unknown->hide();
    // Shown once complete: children added to a visible widget would appear a turn later.
    struct ShowWhenDone {
        QScrollArea *scroll;
        QWidget *form;
        ~ShowWhenDone()
        {
            scroll->setWidget(form);
            form->show();
        }
    } showWhenDone{m_scroll, m_form};

    const PipelineNode *node = m_graph.node(m_nodeId);
    if (!node) {
        m_title->setText(tr("<b>No node selected</b>"));
        m_help->setText(tr("Select a node in the pipeline to edit its parameters."));
        grid->setRowStretch(0, 1);
        return;
    }
    const NodeType *type = m_registry.find(node->type);
    m_title->setText(QStringLiteral("<b>%1</b> &nbsp;<span style='color:#5f666d'>%2</span>")
                         .arg(node->id.toHtmlEscaped(), (type ? type->displayName : node->type).toHtmlEscaped()));
    if (!type) {
        m_help->setText(tr("Unknown node type '%1': no built-in node or loaded plugin provides it, so its parameters cannot be edited.")
                            .arg(node->type));
        grid->setRowStretch(0, 1);
        return;
    }
    m_help->setText(type->help);
    if (type->params.empty()) {
        auto *none = new QLabel(tr("This node has no parameters."), m_form);
        none->setStyleSheet(QStringLiteral("color: #5f666d;"));
        grid->addWidget(none, 0, 0, 1, 2);
        grid->setRowStretch(1, 1);
        return;
    }
    // One grid for all fields: name | editor | range | reset, the error under the editor.
    int row = 0;
    for (const ParamSpec &spec : type->params) {
        auto *field = new ParamField(spec, m_form);
        field->setBaseDir(m_graph.baseDir());
        const bool tall = qobject_cast<QPlainTextEdit *>(field->editor()) != nullptr;
        grid->addWidget(field->nameLabel(), row, 0, tall ? Qt::AlignLeft | Qt::AlignTop : Qt::AlignLeft | Qt::AlignVCenter);
        if (qobject_cast<QCheckBox *>(field->editor()))
            grid->addWidget(field->editorArea(), row, 1, Qt::AlignLeft | Qt::AlignVCenter);
        else
            grid->addWidget(field->editorArea(), row, 1);
        if (field->rangeLabel())
            grid->addWidget(field->rangeLabel(), row, 2, tall ? Qt::AlignTop : Qt::AlignVCenter);
        grid->addWidget(field->resetButton(), row, 3, tall ? Qt::AlignTop : Qt::AlignVCenter);
        grid->addWidget(field->errorLabel(), row + 1, 1, 1, 3);
        m_fields.insert(spec.name, field);
        connect(field, &ParamField::edited, this, [this](const QString &name, const QJsonValue &value) { (void)applyValue(name, value); });
        row += 2;
    }
    grid->setRowStretch(row, 1);
    refreshValues();
}

void ParamPanel::refreshValues()
{
    const PipelineNode *node = m_graph.node(m_nodeId);
    if (!node)
        return;
    for (auto it = m_fields.begin(); it != m_fields.end(); ++it) {
        it.value()->setValue(node->params.value(it.key()));
        it.value()->setError(QString());
    }
    // Parameters the type does not know stop the run: say so where they would be edited.
    QStringList unknown;
    for (auto it = node->params.begin(); it != node->params.end(); ++it)
        if (!m_fields.contains(it.key()))
            unknown << it.key();
    m_unknown->setText(unknown.isEmpty() ? QString() : tr("Unknown parameters (remove them from the file): %1").arg(unknown.join(QStringLiteral(", "))));
    m_unknown->setVisible(!unknown.isEmpty() && !m_fields.isEmpty());
}

Status ParamPanel::applyValue(const QString &param, const QJsonValue &value)
{
    const PipelineNode *node = m_graph.node(m_nodeId);
    ParamField *field = m_fields.value(param);
    if (!node || !field)
        return Error(tr("no parameter '%1' is shown").arg(param)).inField(param);
    const QJsonObject before = node->params;
    QJsonObject after = before;
    if (value.isUndefined())
        after.remove(param);
    else
        after.insert(param, value);
    if (after == before) {
        field->setError(QString());
        return Status::success();
    }
    // Only this parameter is judged: other required values may still be missing while the
    // user fills the node in, and the run checks the whole node anyway.
    if (!value.isUndefined()) {
        const ParamSpec &spec = field->spec();
        Status s = validateParams(ParamSchema{spec}, QJsonObject{{param, value}}, QStringLiteral("node '%1'").arg(m_nodeId));
        if (!s.ok()) {
            Error e = s.error();
            const QString range = ParamField::rangeText(spec);
            if (!range.isEmpty() && !e.message.contains(QStringLiteral("out of range")))
                e.message += tr(" (allowed: %1)").arg(range);
            field->setError(e.message);
            Q_EMIT message(e.message);
            return e;
        }
    }
    field->setError(QString());
    if (m_undo)
        m_undo->push(new SetParamsCommand(m_graph, m_nodeId, before, after));
    else
        (void)m_graph.setParams(m_nodeId, after);
    return Status::success();
}

} // namespace mb
