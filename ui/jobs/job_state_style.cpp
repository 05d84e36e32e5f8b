#include "ui/jobs/job_state_style.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace mb {

namespace {

QPixmap paintStateIcon(JobState state, int size)
{
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal s = size;
    const QColor c = jobStateColor(state);
    const QRectF box(s * 0.1, s * 0.1, s * 0.8, s * 0.8);
    QPen pen(Qt::white, s * 0.12, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    switch (state) {
    case JobState::Queued: // hollow ring: waiting
        p.setPen(QPen(c, s * 0.12));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(box.adjusted(s * 0.06, s * 0.06, -s * 0.06, -s * 0.06));
        p.setPen(QPen(c, s * 0.1, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.5, s * 0.3));
        p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.65, s * 0.58));
        break;
    case JobState::Running: { // filled disc with a "play" triangle
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawEllipse(box);
        QPainterPath tri;
        tri.moveTo(s * 0.42, s * 0.32);
        tri.lineTo(s * 0.70, s * 0.5);
        tri.lineTo(s * 0.42, s * 0.68);
        tri.closeSubpath();
        p.setBrush(Qt::white);
        p.drawPath(tri);
        break;
    }
    case JobState::Succeeded: // disc with a check mark
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawEllipse(box);
        p.setPen(pen);
        p.drawPolyline(QPolygonF({QPointF(s * 0.3, s * 0.52), QPointF(s * 0.45, s * 0.66), QPointF(s * 0.7, s * 0.36)}));
        break;
    case JobState::Failed: // disc with a cross
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawEllipse(box);
        p.setPen(pen);
        p.drawLine(QPointF(s * 0.35, s * 0.35), QPointF(s * 0.65, s * 0.65));
        p.drawLine(QPointF(s * 0.65, s * 0.35), QPointF(s * 0.35, s * 0.65));
        break;
    case JobState::Cancelled: // disc with a "stop" square
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawEllipse(box);
        p.setBrush(Qt::white);
        p.drawRect(QRectF(s * 0.36, s * 0.36, s * 0.28, s * 0.28));
        break;
    case JobState::Interrupted: { // triangle with an exclamation mark
        QPainterPath tri;
        tri.moveTo(s * 0.5, s * 0.08);
        tri.lineTo(s * 0.94, s * 0.88);
        tri.lineTo(s * 0.06, s * 0.88);
        tri.closeSubpath();
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawPath(tri);
        p.setPen(QPen(Qt::white, s * 0.11, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(s * 0.5, s * 0.36), QPointF(s * 0.5, s * 0.6));
        p.drawPoint(QPointF(s * 0.5, s * 0.75));
        break;
    }
    }
    return pm;
}

} // namespace

QColor jobStateColor(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QColor(0x6b, 0x72, 0x80); // slate grey
    case JobState::Running:
        return QColor(0x1f, 0x77, 0xb4); // blue
    case JobState::Succeeded:
        return QColor(0x2c, 0xa0, 0x2c); // green
    case JobState::Failed:
        return QColor(0xd6, 0x27, 0x28); // red
    case JobState::Cancelled:
        return QColor(0xe0, 0x8a, 0x00); // amber
    case JobState::Interrupted:
        return QColor(0x94, 0x67, 0xbd); // purple
    }
    return QColor(Qt::gray);
}

QIcon jobStateIcon(JobState state)
{
    static QHash<int, QIcon> cache;
    const int key = static_cast<int>(state);
    auto it = cache.constFind(key);
    if (it != cache.constEnd())
        return *it;
    QIcon icon;
    icon.addPixmap(paintStateIcon(state, 16));
    icon.addPixmap(paintStateIcon(state, 32));
    cache.insert(key, icon);
    return icon;
}

QString jobStateLabel(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QStringLiteral("Queued");
    case JobState::Running:
        return QStringLiteral("Running");
    case JobState::Succeeded:
        return QStringLiteral("Succeeded");
    case JobState::Failed:
        return QStringLiteral("Failed");
    case JobState::Cancelled:
        return QStringLiteral("Cancelled");
    case JobState::Interrupted:
        return QStringLiteral("Interrupted");
    }
    return QString();
}

QString formatJobDuration(qint64 ms)
{
    if (ms < 0)
        return QString();
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace mb
