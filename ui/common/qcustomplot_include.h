#pragma once

// The one way to include QCustomPlot. The project builds with QT_NO_KEYWORDS (libtorch
// breaks on Qt's `signals`/`slots` macros), but Debian's qcustomplot.h uses the keywords:
// map them to the Q_ macros around the include and take them away again after it.

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
