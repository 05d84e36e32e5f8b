#include "ui/data/run_dataset.h"

#include <QDir>
#include <QFileInfo>

namespace mb {

Result<RunDataset> runDataset(const RunRecord &run, const QString &workspaceDir)
{
    RunDataset out;
    const QJsonObject dataset = run.result.value(QStringLiteral("dataset")).toObject();
    out.path = dataset.value(QStringLiteral("path")).toString();
    out.target = dataset.value(QStringLiteral("target")).toString();
    out.task = dataset.value(QStringLiteral("task")).toString();
    if (out.path.isEmpty()) {
        // A run that failed or is still running has no result yet: its data node's
        // parameters still say which file it reads.
        for (auto it = run.params.begin(); it != run.params.end(); ++it) {
            if (!it.key().endsWith(QLatin1String(".path")) || !it.value().toString().endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
                continue;
            const QString node = it.key().chopped(5);
            QString path = it.value().toString();
            if (QFileInfo(path).isRelative())
                path = QDir(QDir(workspaceDir).filePath(QStringLiteral("pipelines"))).absoluteFilePath(path);
            out.path = QDir::cleanPath(path);
            out.target = run.params.value(node + QStringLiteral(".target")).toString();
            out.task = run.params.value(node + QStringLiteral(".task")).toString();
            break;
        }
    }
    if (out.path.isEmpty())
        return Error(QStringLiteral("run %1 records no CSV data file (neither result.dataset.path nor a data node's path parameter)")
                         .arg(run.id.left(8)))
            .inField(QStringLiteral("dataset.path"));
    if (!QFileInfo(out.path).isFile())
        return Error(QStringLiteral("the data file of run %1 is gone: %2 does not exist").arg(run.id.left(8), out.path))
            .at(out.path)
            .inField(QStringLiteral("dataset.path"));
    const QString report = QDir(workspaceDir).filePath(QStringLiteral("artifacts/%1/validation_report.json").arg(run.id));
    if (QFileInfo(report).isFile())
        out.validationReportPath = report;
    return out;
}

} // namespace mb
