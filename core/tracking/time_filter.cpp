#include "core/tracking/time_filter.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace mb {

Result<qint64> parseTimeFilter(const QString &text, qint64 nowMs)
{
    const QString t = text.trimmed();
    static const QRegularExpression kAge(QStringLiteral("^(\\d{1,9})\\s*(s|m|min|h|d|w)$"), QRegularExpression::CaseInsensitiveOption);
    if (const QRegularExpressionMatch m = kAge.match(t); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QString unit = m.captured(2).toLower();
        qint64 unitMs = 1000;
        if (unit == QLatin1String("m") || unit == QLatin1String("min"))
            unitMs = 60 * 1000;
        else if (unit == QLatin1String("h"))
            unitMs = 3600 * 1000;
        else if (unit == QLatin1String("d"))
            unitMs = 24 * 3600 * 1000;
        else if (unit == QLatin1String("w"))
            unitMs = 7 * 24 * 3600 * 1000;
        return nowMs - n * unitMs;
    }
    static const QRegularExpression kDate(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (kDate.match(t).hasMatch()) {
        const QDate date = QDate::fromString(t, Qt::ISODate);
        if (date.isValid())
            return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    }
    static const QRegularExpression kDateTime(
        QStringLiteral("^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:?\\d{2})?$"));
    if (kDateTime.match(t).hasMatch()) {
        QString iso = t;
        iso[10] = QLatin1Char('T');
        QDateTime dt = QDateTime::fromString(iso, Qt::ISODateWithMs);
        if (dt.isValid()) {
            if (dt.timeSpec() == Qt::LocalTime)
                dt.setTimeZone(QTimeZone::utc()); // no offset given: the same fields, read as UTC
            return dt.toMSecsSinceEpoch();
        }
    }
    return Error(QStringLiteral("'%1' is not a time: give an ISO-8601 date or time (2024-05-01, 2024-05-01T12:00:00Z; "
                                "UTC unless an offset is given) or an age such as 90s, 30m, 1h, 2d, 1w")
                     .arg(text))
        .inField(QStringLiteral("since"));
}

} // namespace mb
