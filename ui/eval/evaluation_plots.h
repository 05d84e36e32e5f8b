#pragma once

#include "ui/eval/evaluation_data.h"

class QCustomPlot;

namespace mb {

/// The charts of the evaluation view, each drawn from scratch into a QCustomPlot (previous
/// content is removed). Curve colours come from paletteColor(class index). GUI thread.

/// A QCustomPlot styled for the evaluation view (no interactions but zoom/drag, readable fonts).
QCustomPlot *makeEvaluationPlot(const QString &objectName, QWidget *parent);

/// ROC curves with the AUC of each in its legend entry ("class 1 (AUC 0.9818)") and the
/// chance diagonal, which stays out of the legend.
void plotRocCurves(QCustomPlot *plot, const std::vector<EvalCurve> &curves);
/// Precision-recall curves with the average precision in the legend ("class 1 (AP 0.9866)");
/// `positiveRate` > 0 draws the no-skill line at that precision (binary tasks).
void plotPrCurves(QCustomPlot *plot, const std::vector<EvalCurve> &curves, double positiveRate);
/// Residual (predicted - true) against predicted value, with the zero line.
void plotResidualsVsPredicted(QCustomPlot *plot, const EvaluationData &data);
/// Predicted against true value, with the identity line.
void plotPredictedVsActual(QCustomPlot *plot, const EvaluationData &data);
/// Histogram of the residuals (about sqrt(n) bins, 10 to 40).
void plotResidualHistogram(QCustomPlot *plot, const EvaluationData &data);
/// Horizontal bars of the `top` largest values, largest on top; long names are elided.
void plotImportance(QCustomPlot *plot, const std::vector<std::pair<QString, double>> &values, const QString &kind, int top = 20);

} // namespace mb
