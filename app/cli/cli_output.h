#pragma once

#include "core/base/event.h"
#include "core/base/result.h"

#include <QJsonObject>
#include <QMutex>
#include <QString>

namespace mb::cli {

/// Data goes to stdout, diagnostics to stderr: scripts can pipe the one and read the other.
void printData(const QByteArray &bytes);
void printJson(const QJsonObject &json);
void printDiag(const QString &line);
/// "error: <message>" on stderr; returns the exit code to use.
int fail(const Error &error, int code = 1);
int usageError(const QString &message, const QString &command);

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
