#include "ui/mainwindow/demo_workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace mb {

QString demoResourceDir()
{
    const QString installed = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../share/modelbench/demo"));
    if (QFileInfo::exists(installed + QStringLiteral("/pipelines")))
        return QDir::cleanPath(installed);
    return QStringLiteral(MB_RESOURCE_DIR "/demo");
}

QString defaultDemoWorkspace()
{
    const QString env = qEnvironmentVariable("MODELBENCH_DEMO_WORKSPACE");
    if (!env.isEmpty())
        return env;
    return QDir::home().filePath(QStringLiteral("ModelBench/demo"));
}

namespace {

Status copyFolder(const QString &from, const QString &to, const QStringList &filters, QStringList *copied)
{
    if (!QDir().mkpath(to))
        return Error(QStringLiteral("cannot create folder '%1'").arg(to)).at(to);
    const QFileInfoList files = QDir(from).entryInfoList(filters, QDir::Files, QDir::Name);
    for (const QFileInfo &f : files) {
        const QString target = QDir(to).filePath(f.fileName());
        if (!QFileInfo::exists(target) && !QFile::copy(f.absoluteFilePath(), target))
            return Error(QStringLiteral("cannot copy '%1' to '%2'").arg(f.absoluteFilePath(), target)).at(target);
        QFile::setPermissions(target, QFile::permissions(target) | QFileDevice::WriteOwner);
        if (copied)
            copied->append(target);
    }
    return {};
}

} // namespace

Result<QStringList> prepareDemoWorkspace(const QString &dir)
{
    const QString source = demoResourceDir();
    if (!QFileInfo::exists(source + QStringLiteral("/pipelines")))
        return Error(QStringLiteral("the demo files are missing: '%1' has no pipelines folder").arg(source)).at(source);
    if (Status s = copyFolder(source + QStringLiteral("/data"), dir + QStringLiteral("/data"), {QStringLiteral("*.csv"), QStringLiteral("*.md")}, nullptr); !s.ok())
        return s.error();
    QStringList pipelines;
    if (Status s = copyFolder(source + QStringLiteral("/pipelines"), dir + QStringLiteral("/pipelines"), {QStringLiteral("*.json")}, &pipelines); !s.ok())
        return s.error();
    return pipelines;
}

} // namespace mb
