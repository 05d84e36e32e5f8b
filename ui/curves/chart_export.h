#pragma once

#include "ui/curves/chart_data.h"
#include "ui/curves/chart_renderer.h"

#include <QString>

#include <vector>

class QCustomPlot;

namespace mb {

/// Writes `plot` to `path` as .png, .svg or .pdf (at the plot's size), or the points of
/// `curves` inside the plot's visible x range as .csv (see curvesCsv()). False with `error`
/// naming the path when the suffix is unknown or the file cannot be written. GUI thread.
bool exportChart(QCustomPlot *plot, const std::vector<DrawnCurve> &curves, const QString &groupBy, const QString &path,
                 QString *error);

/// CSV of the points with xFrom <= x <= xTo. Run curves: one row per bucket,
/// `run,name,step,min,max,last,count,x`; group curves (groupBy set):
/// `group,x,mean,lo,hi,runs`. x is what the axis shows (step, epoch seconds or seconds
/// since the run started). Values print with 17 significant digits; NaN as empty.
QString curvesCsv(const std::vector<DrawnCurve> &curves, bool groups, double xFrom, double xTo);

} // namespace mb
