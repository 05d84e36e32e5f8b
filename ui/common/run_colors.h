#pragma once

#include <QColor>
#include <QString>

namespace mb {

/// The colour of a run in every view (curves, scatter, table swatch): fixed for a run id for
/// the life of the process, assigned in the order runs are first shown from a 10-colour
/// palette that stays distinguishable for colour-blind readers. Any thread.
QColor runColor(const QString &runId);
/// The palette itself, for series that are not runs (groups, classes).
QColor paletteColor(int index);

} // namespace mb
