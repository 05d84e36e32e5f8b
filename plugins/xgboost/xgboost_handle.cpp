#include "plugins/xgboost/xgboost_handle.h"

namespace mb::xgb {

QString cleanLastError(const char *raw)
{
    QString text = raw ? QString::fromUtf8(raw) : QString();
    const qsizetype trace = text.indexOf(QLatin1String("Stack trace:"));
    if (trace >= 0)
        text.truncate(trace);
    text = text.trimmed();
    // "[09:42:29] ./src/c_api/c_api.cc:1073: Check failed: ..." -> drop the clock time.
    if (text.startsWith(QLatin1Char('[')) && text.size() > 10 && text.at(9) == QLatin1Char(']'))
        text = text.mid(10).trimmed();
    return text;
}

Status check(int rc, const char *call)
{
    if (rc == 0)
        return Status::success();
    QString detail = cleanLastError(XGBGetLastError());
    if (detail.isEmpty())
        detail = QStringLiteral("no error message (return code %1)").arg(rc);
    return Error(QStringLiteral("XGBoost %1 failed: %2").arg(QLatin1String(call), detail));
}

QString libraryVersionText()
{
    int major = 0;
    int minor = 0;
    int patch = 0;
    XGBoostVersion(&major, &minor, &patch); // returns void: nothing to check
    return QStringLiteral("xgboost %1.%2.%3").arg(major).arg(minor).arg(patch);
}

} // namespace mb::xgb
