#pragma once

#include "core/base/result.h"

#include <QString>
#include <QStringList>

namespace mb {

/// The folder holding the shipped demo files (data/ and pipelines/): the source tree's
/// resources/demo in a build, <prefix>/share/modelbench/demo when installed.
QString demoResourceDir();
/// Where the demo workspace lives by default: $MODELBENCH_DEMO_WORKSPACE, else
/// ~/ModelBench/demo.
QString defaultDemoWorkspace();
/// Makes `dir` a demo workspace: copies the demo data (data/) and pipelines
/// (pipelines/, whose data paths are relative to that folder) into it, leaving files the
/// user already has untouched. Returns the pipeline files now in the workspace.
Result<QStringList> prepareDemoWorkspace(const QString &dir);

} // namespace mb
