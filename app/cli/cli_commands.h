#pragma once

#include <QStringList>

namespace mb::cli {

/// Each command takes its own arguments (args[0] is the command name) and returns the
/// process exit code: 0 success, 1 the operation failed, 2 bad usage.
int runCommand(const QStringList &args);
int predictCommand(const QStringList &args);
int validateCommand(const QStringList &args);
int runsCommand(const QStringList &args);
int metricsCommand(const QStringList &args);
int nodesCommand(const QStringList &args);

} // namespace mb::cli
