#include "core/base/trainer.h"

namespace mb {

QString taskTypeName(TaskType task)
{
    switch (task) {
    case TaskType::BinaryClassification: return QStringLiteral("binary");
    case TaskType::MulticlassClassification: return QStringLiteral("multiclass");
    case TaskType::Regression: return QStringLiteral("regression");
    }
    return QString();
}

bool parseTaskType(const QString &name, TaskType *out)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("binary")) { *out = TaskType::BinaryClassification; return true; }
    if (n == QLatin1String("multiclass")) { *out = TaskType::MulticlassClassification; return true; }
    if (n == QLatin1String("regression")) { *out = TaskType::Regression; return true; }
    return false;
}

} // namespace mb
