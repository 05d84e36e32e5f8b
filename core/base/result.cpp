#include "core/base/result.h"

namespace mb {

QString Error::toString() const
{
    QString where;
    if (!file.isEmpty()) {
        where = file;
        if (line > 0) {
            where += QLatin1Char(':') + QString::number(line);
            if (column > 0)
                where += QLatin1Char(':') + QString::number(column);
        }
    }
    if (where.isEmpty() || message.startsWith(where))
        return message;
    return where + QLatin1String(": ") + message;
}

} // namespace mb
