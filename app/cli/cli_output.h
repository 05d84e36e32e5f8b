#pragma once

#include "core/base/event.h"
#include "core/base/result.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <QStringList>

namespace mb::cli {

/// Data goes to stdout, diagnostics to stderr: scripts can pipe the one and read the other.
void printData(const QByteArray &bytes);
void printJson(const QJsonObject &json);
void printDiag(const QString &line);
/// "error: <message>" on stderr; returns the exit code to use.
int fail(const Error &error, int code = 1);
int usageError(const QString &message, const QString &command);

/// Parses `args` (adding --help); on --help prints it and sets *exitCode to 0, on an error
/// prints it and sets *exitCode to 2. Returns false when the caller should return *exitCode.
bool parse(QCommandLineParser &parser, const QStringList &args, const QString &command, int *exitCode);
/// -w/--workspace DIR, shared by every command that opens a workspace.
QCommandLineOption workspaceOption();
/// The workspace a command works on: --workspace, else $MODELBENCH_WORKSPACE, else the
/// folder holding `pipelinePath`'s pipelines/ folder, else the current folder.
QString workspaceFor(const QCommandLineParser &parser, const QString &pipelinePath = QString());

/// Prints a run's progress on stderr: one line per node and log message, a final status.
class ProgressPrinter final : public EventSink {
public:
    explicit ProgressPrinter(bool quiet) : m_quiet(quiet) {}
    void post(const Event &event) override;

private:
    QMutex m_mutex;
    bool m_quiet;
};

} // namespace mb::cli
