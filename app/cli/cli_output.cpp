#include "app/cli/cli_output.h"

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
