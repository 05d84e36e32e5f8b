#include "ui/editor/node_palette.h"

#include "ui/editor/editor_style.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <functional>
#include <map>

namespace mb {

namespace {

constexpr int kTypeRole = Qt::UserRole + 1;
constexpr int kSearchRole = Qt::UserRole + 2;

/// A tree whose leaves drag out as node types.
class PaletteTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;
    std::function<void(QTreeWidgetItem *)> onEnter;

protected:
    void keyPressEvent(QKeyEvent *event) override
    {
        if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && currentItem() && onEnter) {
            onEnter(currentItem());
            event->accept();
            return;
        }
        QTreeWidget::keyPressEvent(event);
    }

    QStringList mimeTypes() const override { return {NodePalette::mimeType()}; }
    QMimeData *mimeData(const QList<QTreeWidgetItem *> &items) const override
    {
        if (items.isEmpty() || items.first()->data(0, kTypeRole).toString().isEmpty())
            return nullptr;
        auto *data = new QMimeData;
        data->setData(NodePalette::mimeType(), items.first()->data(0, kTypeRole).toString().toUtf8());
        return data;
    }
};

QIcon swatch(const QColor &color)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawRoundedRect(QRectF(1, 1, 10, 10), 3, 3);
    return QIcon(pm);
}

QString portsText(const std::vector<PortSpec> &ports)
{
    QStringList parts;
    for (const PortSpec &p : ports)
        parts << QStringLiteral("%1 (%2%3)").arg(p.name, portTypeName(p.type), p.optional ? QStringLiteral(", optional") : QString());
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

int categoryRank(const QString &category)
{
    static const QStringList order{QStringLiteral("Data"), QStringLiteral("Prepare"), QStringLiteral("Model"), QStringLiteral("Evaluate")};
    const int i = static_cast<int>(order.indexOf(category));
    return i < 0 ? static_cast<int>(order.size()) : i;
}

} // namespace

QString NodePalette::mimeType()
{
    return QStringLiteral("application/x-modelbench-nodetype");
}

NodePalette::NodePalette(const NodeRegistry &registry, QWidget *parent) : QWidget(parent), m_registry(registry)
{
    setObjectName(QStringLiteral("NodePalette"));
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter node types…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Shows the node types whose name, id or help contains this text"));
    m_tree = new PaletteTree(this);
    m_tree->setHeaderHidden(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setDragEnabled(true);
    m_tree->setDragDropMode(QAbstractItemView::DragOnly);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setExpandsOnDoubleClick(true);
    m_tree->setUniformRowHeights(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree);
    populate();

    connect(m_filter, &QLineEdit::textChanged, this, &NodePalette::setFilter);
    const auto activate = [this](QTreeWidgetItem *item) {
        const QString id = item ? item->data(0, kTypeRole).toString() : QString();
        if (!id.isEmpty())
            Q_EMIT nodeTypeActivated(id);
    };
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [activate](QTreeWidgetItem *item, int) { activate(item); });
    // Not itemActivated: on single-click-activation styles a click would add nodes.
    static_cast<PaletteTree *>(m_tree)->onEnter = activate;
    // Enter in the filter adds the single remaining type: type "xgb", Enter, done.
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        const QStringList visible = visibleTypes();
        if (visible.size() == 1)
            Q_EMIT nodeTypeActivated(visible.first());
    });
}

void NodePalette::populate()
{
    m_tree->clear();
    std::map<std::pair<int, QString>, std::vector<const NodeType *>> groups;
    for (const NodeType *t : m_registry.all())
        groups[{categoryRank(t->category), t->category}].push_back(t);
    for (auto &[key, types] : groups) {
        auto *group = new QTreeWidgetItem(m_tree, QStringList{key.second});
        group->setFlags(Qt::ItemIsEnabled);
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        group->setIcon(0, swatch(categoryColor(key.second)));
        std::sort(types.begin(), types.end(), [](const NodeType *a, const NodeType *b) { return a->displayName < b->displayName; });
        for (const NodeType *t : types) {
            auto *item = new QTreeWidgetItem(group, QStringList{t->displayName});
            item->setData(0, kTypeRole, t->id);
            item->setData(0, kSearchRole, QStringList{t->displayName, t->id, t->category, t->help}.join(QLatin1Char('\n')));
            item->setToolTip(0, QStringLiteral("<b>%1</b> <i>(%2, v%3)</i><p>%4</p><p><b>Inputs:</b> %5<br><b>Outputs:</b> %6</p>"
                                               "<p>Double-click or drag onto the pipeline to add.</p>")
                                    .arg(t->displayName.toHtmlEscaped(), t->id.toHtmlEscaped())
                                    .arg(t->version)
                                    .arg(t->help.toHtmlEscaped(), portsText(t->inputs).toHtmlEscaped(), portsText(t->outputs).toHtmlEscaped()));
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
        }
    }
    m_tree->expandAll();
}

void NodePalette::setFilter(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text); // comes back here through textChanged
    const QString needle = text.trimmed();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            const bool match = needle.isEmpty() || item->data(0, kSearchRole).toString().contains(needle, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match ? 1 : 0;
        }
        group->setHidden(shown == 0);
    }
}

QTreeWidgetItem *NodePalette::itemForType(const QString &typeId) const
{
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            if (group->child(i)->data(0, kTypeRole).toString() == typeId)
                return group->child(i);
    }
    return nullptr;
}

QStringList NodePalette::visibleTypes() const
{
    QStringList ids;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        if (group->isHidden())
            continue;
        for (int i = 0; i < group->childCount(); ++i)
            if (!group->child(i)->isHidden())
                ids << group->child(i)->data(0, kTypeRole).toString();
    }
    return ids;
}

} // namespace mb
