#include "ui/jobs/job_progress_delegate.h"

#include "ui/jobs/job_list_model.h"
#include "ui/jobs/job_state_style.h"

#include <QApplication>
#include <QPainter>

namespace mb {

JobProgressDelegate::JobProgressDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

QString JobProgressDelegate::barText(int state, double progress, const QString &phase)
{
    const auto s = static_cast<JobState>(state);
    if (progress < 0)
        return s == JobState::Queued ? QStringLiteral("waiting") : QString();
    const QString pct = QStringLiteral("%1%").arg(qRound(progress * 100));
    if (s == JobState::Succeeded)
        return pct;
    const QString where = phase.isEmpty() ? QString() : QStringLiteral(" · ") + phase;
    if (s == JobState::Running || s == JobState::Queued) {
        if (progress <= 0 && phase.isEmpty()) // a job that reports no progress (yet)
            return s == JobState::Running ? QStringLiteral("running") : QStringLiteral("waiting");
        return pct + where;
    }
    if (progress <= 0 && phase.isEmpty())
        return QString(); // it never reported any: the state column says how it ended
    return QStringLiteral("stopped at %1%2").arg(pct, where);
}

void JobProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    // The row background and selection first, without text.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const int state = index.data(JobListModel::StateRole).toInt();
    const double progress = index.data(JobListModel::ProgressRole).toDouble();
    const QString phase = index.data(JobListModel::PhaseRole).toString();
    const QRect bar = option.rect.adjusted(3, 3, -3, -3);
    if (bar.width() < 8 || bar.height() < 6)
        return;

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor colour = jobStateColor(static_cast<JobState>(state));
    const QColor track = option.palette.color(QPalette::Base).darker(108);
    painter->setPen(QPen(option.palette.color(QPalette::Mid), 1));
    painter->setBrush(track);
    painter->drawRoundedRect(QRectF(bar).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
    if (progress > 0) {
        QRectF fill(bar);
        fill.setWidth(std::max(2.0, fill.width() * std::min(1.0, progress)));
        QColor f = colour;
        f.setAlpha(static_cast<JobState>(state) == JobState::Running ? 200 : 130);
        painter->setPen(Qt::NoPen);
        painter->setBrush(f);
        painter->drawRoundedRect(fill.adjusted(1, 1, -1, -1), 2, 2);
    }
    const QString text = barText(state, progress, phase);
    if (!text.isEmpty()) {
        painter->setPen(option.palette.color(QPalette::Text));
        painter->setFont(option.font);
        const QString elided = option.fontMetrics.elidedText(text, Qt::ElideRight, bar.width() - 8);
        painter->drawText(bar.adjusted(4, 0, -4, 0), Qt::AlignCenter, elided);
    }
    painter->restore();
}

QSize JobProgressDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(std::max(s.width(), 140));
    return s;
}

} // namespace mb
