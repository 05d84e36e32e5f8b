#pragma once

#include "core/pipeline/node_registry.h"

#include <QStringList>

namespace mb {

/// Folders searched for trainer plugins, in order: $MODELBENCH_PLUGIN_PATH (':'-separated),
/// then <app dir>/../lib/modelbench/plugins (the build tree and an install share it).
QStringList trainerPluginDirs();

/// Loads every trainer plugin found in `dirs` into `registry`. A library that is not a
/// ModelBench trainer (wrong interface id in its metadata) is skipped without being
/// initialised; a broken one adds a message to `problems`. Returns the number loaded.
int loadTrainerPlugins(NodeRegistry &registry, const QStringList &dirs = trainerPluginDirs(), QStringList *problems = nullptr);

} // namespace mb
