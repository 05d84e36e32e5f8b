#include "app/cli/cli_output.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

#include <cstdio>

namespace mb::cli {

void printData(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

void printJson(const QJsonObject &json)
{
    printData(QJsonDocument(json).toJson(QJsonDocument::Indented));
}

void printDiag(const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stderr);
    std::fflush(stderr);
}

int fail(const Error &error, int code)
{
    printDiag(QStringLiteral("error: ") + error.toString());
    return code;
}

int usageError(const QString &message, const QString &command)
{
    printDiag(QStringLiteral("error: %1\nRun 'modelbench-cli %2 --help' for usage.").arg(message, command));
    return 2;
}

bool parse(QCommandLineParser &parser, const QStringList &args, const QString &command, int *exitCode)
{
    parser.addHelpOption();
    if (!parser.parse(args)) {
        *exitCode = usageError(parser.errorText(), command);
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printData(parser.helpText().toUtf8());
        *exitCode = 0;
        return false;
    }
    return true;
}

QCommandLineOption workspaceOption()
{
    return QCommandLineOption({QStringLiteral("w"), QStringLiteral("workspace")},
                              QStringLiteral("Workspace folder (default: $MODELBENCH_WORKSPACE, else the folder holding pipelines/, else the current folder)."),
                              QStringLiteral("DIR"));
}

QString workspaceFor(const QCommandLineParser &parser, const QString &pipelinePath)
{
    if (parser.isSet(QStringLiteral("workspace")))
        return parser.value(QStringLiteral("workspace"));
    const QString env = qEnvironmentVariable("MODELBENCH_WORKSPACE");
    if (!env.isEmpty())
        return env;
    if (!pipelinePath.isEmpty()) {
        const QDir dir = QFileInfo(pipelinePath).absoluteDir();
        if (dir.dirName() == QLatin1String("pipelines"))
            return QFileInfo(dir.absolutePath()).absolutePath();
    }
    return QDir::currentPath();
}

void ProgressPrinter::post(const Event &e)
{
    QMutexLocker lock(&m_mutex);
    switch (e.type) {
    case Event::Type::Started:
        printDiag(QStringLiteral("run %1 started").arg(e.runId));
        break;
    case Event::Type::Log:
        if (!m_quiet || e.key != QLatin1String("info"))
            printDiag((e.key == QLatin1String("info") ? QString() : e.key + QStringLiteral(": ")) + e.text);
        break;
    case Event::Type::Finished:
        printDiag(QStringLiteral("run %1 finished").arg(e.runId));
        break;
    case Event::Type::Failed:
        printDiag(QStringLiteral("run %1 failed").arg(e.runId));
        break;
    case Event::Type::Cancelled:
        printDiag(QStringLiteral("run %1 cancelled").arg(e.runId));
        break;
    default:
        break; // metrics and progress go to the store; printing them would drown the log
    }
}

} // namespace mb::cli
