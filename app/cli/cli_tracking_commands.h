#pragma once

#include <QStringList>

namespace mb::cli {

/// Tracking commands, with the conventions of cli_commands.h: args[0] is the command name;
/// the return value is the exit code (0 success, 1 the operation failed, 2 bad usage).
int auditCommand(const QStringList &args);  ///< audit [--since T] [--operation OP] [--json]
int exportCommand(const QStringList &args); ///< export runs | export metrics RUN
int importCommand(const QStringList &args); ///< import mlflow PATH

} // namespace mb::cli
