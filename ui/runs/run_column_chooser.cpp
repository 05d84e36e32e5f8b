#include "ui/runs/run_column_chooser.h"

#include "ui/runs/run_table_model.h"

#include <QAction>
#include <QMenu>
#include <QMouseEvent>
#include <QSettings>

#include <functional>
#include <QTableView>

namespace mb {

namespace {

const QString kGroup = QStringLiteral("RunTable");
const QString kShownKey = QStringLiteral("shownColumns");
const QString kHiddenKey = QStringLiteral("hiddenColumns");

QSet<QString> toSet(const QStringList &list)
{
    return QSet<QString>(list.cbegin(), list.cend());
}

QStringList toSortedList(const QSet<QString> &set)
{
    QStringList list(set.cbegin(), set.cend());
    list.sort();
    return list;
}

} // namespace

RunColumnChooser::RunColumnChooser(RunTableModel *model, QTableView *table, QObject *parent)
    : QObject(parent), m_model(model), m_table(table), m_menu(new QMenu(QStringLiteral("Columns"), table))
{
    QSettings settings;
    settings.beginGroup(kGroup);
    m_shown = toSet(settings.value(kShownKey).toStringList());
    m_hidden = toSet(settings.value(kHiddenKey).toStringList());
    m_menu->setToolTipsVisible(true);
    rebuildMenu();
}

bool RunColumnChooser::defaultVisible(const QString &columnId) const
{
    const int c = m_model->columnOf(columnId);
    return c < 0 || m_model->columns()[std::size_t(c)].visibleByDefault();
}

bool RunColumnChooser::isVisible(const QString &columnId) const
{
    if (m_shown.contains(columnId))
        return true;
    if (m_hidden.contains(columnId))
        return false;
    return defaultVisible(columnId);
}

void RunColumnChooser::apply()
{
    const auto &columns = m_model->columns();
    for (std::size_t i = 0; i < columns.size(); ++i)
        m_table->setColumnHidden(int(i), !isVisible(columns[i].id()));
    rebuildMenu();
}

void RunColumnChooser::setVisible(const QString &columnId, bool visible)
{
    m_shown.remove(columnId);
    m_hidden.remove(columnId);
    if (visible != defaultVisible(columnId))
        (visible ? m_shown : m_hidden).insert(columnId);
    save();
    const int c = m_model->columnOf(columnId);
    if (c >= 0) {
        const bool wasHidden = m_table->isColumnHidden(c);
        m_table->setColumnHidden(c, !visible);
        if (visible && wasHidden)
            Q_EMIT columnShown(c);
    }
    for (QAction *a : m_menu->findChildren<QAction *>())
        if (a->data().toString() == columnId && a->isChecked() != visible)
            a->setChecked(visible);
}

void RunColumnChooser::showAll()
{
    for (const RunTableColumn &c : m_model->columns())
        if (!isVisible(c.id()))
            setVisible(c.id(), true);
}

void RunColumnChooser::restoreDefaults()
{
    for (const RunTableColumn &c : m_model->columns())
        if (isVisible(c.id()) != c.visibleByDefault())
            setVisible(c.id(), c.visibleByDefault());
    m_shown.clear();
    m_hidden.clear();
    save();
}

void RunColumnChooser::save() const
{
    QSettings settings;
    settings.beginGroup(kGroup);
    settings.setValue(kShownKey, toSortedList(m_shown));
    settings.setValue(kHiddenKey, toSortedList(m_hidden));
}

void RunColumnChooser::rebuildMenu()
{
    m_menu->clear();
    for (QMenu *sub : m_menu->findChildren<QMenu *>(QString(), Qt::FindDirectChildrenOnly))
        sub->deleteLater();
    QAction *all = m_menu->addAction(QStringLiteral("Show all columns"));
    connect(all, &QAction::triggered, this, &RunColumnChooser::showAll);
    QAction *defaults = m_menu->addAction(QStringLiteral("Restore default columns"));
    defaults->setToolTip(QStringLiteral("Run columns, params and latest metric values; per-fold and system metrics hidden"));
    connect(defaults, &QAction::triggered, this, &RunColumnChooser::restoreDefaults);
    m_menu->addSeparator();

    using K = RunTableColumn::Kind;
    const auto &columns = m_model->columns();
    const auto group = [&](const QString &title, const std::function<bool(const RunTableColumn &)> &pick) {
        QMenu *sub = nullptr;
        int count = 0;
        for (const RunTableColumn &c : columns) {
            if (!pick(c))
                continue;
            if (!sub) {
                sub = new QMenu(title, m_menu);
                sub->setToolTipsVisible(true);
                sub->installEventFilter(this);
            }
            QAction *a = sub->addAction(c.kind == K::MetricBest ? c.key : c.title());
            a->setCheckable(true);
            a->setChecked(isVisible(c.id()));
            a->setData(c.id());
            a->setToolTip(c.title());
            const QString id = c.id();
            connect(a, &QAction::toggled, this, [this, id](bool on) {
                if (on != isVisible(id))
                    setVisible(id, on);
            });
            ++count;
        }
        if (sub) {
            sub->setTitle(QStringLiteral("%1 (%2)").arg(title).arg(count));
            m_menu->addMenu(sub);
        }
    };
    group(QStringLiteral("Run"), [](const RunTableColumn &c) { return c.kind != K::Param && !c.isMetric(); });
    group(QStringLiteral("Parameters"), [](const RunTableColumn &c) { return c.kind == K::Param; });
    group(QStringLiteral("Metrics: latest"), [](const RunTableColumn &c) { return c.kind == K::MetricLatest; });
    group(QStringLiteral("Metrics: best"), [](const RunTableColumn &c) { return c.kind == K::MetricBest; });
}

bool RunColumnChooser::eventFilter(QObject *watched, QEvent *event)
{
    // Toggling a column keeps its menu open, so several can be chosen in one go.
    if (event->type() == QEvent::MouseButtonRelease) {
        if (auto *menu = qobject_cast<QMenu *>(watched)) {
            auto *mouse = static_cast<QMouseEvent *>(event);
            QAction *a = menu->actionAt(mouse->position().toPoint());
            if (a && a->isCheckable() && a->isEnabled()) {
                a->toggle();
                return true;
            }
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace mb
