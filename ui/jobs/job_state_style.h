#pragma once

#include "core/jobs/job_engine.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace mb {

/// How a job state looks in every jobs view: a colour, a small painted icon (shape as well
/// as colour, so the states stay apart for colour-blind readers) and a label. GUI thread.
QColor jobStateColor(JobState state);
/// Cached per state; 16x16 with a 32x32 variant for high-DPI screens.
QIcon jobStateIcon(JobState state);
/// "Queued", "Running", "Succeeded", "Failed", "Cancelled", "Interrupted".
QString jobStateLabel(JobState state);

/// "850 ms", "12.4 s", "3 min 05 s", "2 h 14 min"; empty for a negative duration.
QString formatJobDuration(qint64 ms);

} // namespace mb
