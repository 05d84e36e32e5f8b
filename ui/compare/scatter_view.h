#pragma once

#include "ui/compare/compare_data.h"

#include <QPointF>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QCustomPlot;
class QCPGraph;

namespace mb {

class RunSelection;

/// One point per run: any param or metric (final or best) on x against any metric on y,
/// each point in its run's colour. Params whose values are not all numbers are laid out as
/// categories on x. Clicking a point selects its run (Ctrl+click toggles it), dragging a
/// rectangle selects the runs inside (Ctrl adds), clicking empty space clears; the wheel
/// zooms, a double-click fits the view again. Runs in the shared selection are drawn large
/// with an outline, the others faded. Hovering a point shows its run and values.
/// GUI thread only.
class ScatterView : public QWidget {
    Q_OBJECT

public:
    explicit ScatterView(RunSelection &selection, QWidget *parent = nullptr);

    void setRuns(const std::vector<CompareRun> &runs);
    /// Chooses the axes by CompareField id ("param:<key>", "metric:<key>", "best:<key>");
    /// false (and nothing changes) if this data has no such field.
    bool setAxes(const QString &xField, const QString &yField);
    QString xField() const;
    QString yField() const;
    QComboBox *xBox() const { return m_xBox; }
    QComboBox *yBox() const { return m_yBox; }
    /// Logarithmic axes (learning rates, losses). Only applied where every plotted value is
    /// positive and x is not categorical; the boxes are disabled otherwise.
    void setLogScale(bool x, bool y);
    bool isLogX() const;
    bool isLogY() const;
    QCustomPlot *plot() const { return m_plot; }

    /// Whether x is laid out as categories (a param with text values), and their order.
    bool isCategoricalX() const { return !m_categories.isEmpty(); }
    QStringList categories() const { return m_categories; }
    /// Runs drawn (having both values), and runs drawn highlighted.
    QStringList plottedRuns() const;
    QStringList highlightedRuns() const;
    /// Where a run's point is, in the plot widget's pixels; null if it is not drawn.
    QPointF pointPosition(const QString &runId) const;
    /// The run whose point is nearest `pixel` within 8 pixels, or "".
    QString runAt(const QPointF &pixel) const;
    /// The hover text of a run's point: its name and both values.
    QString toolTipFor(const QString &runId) const;

private:
    struct Point {
        QString runId;
        double x = 0, y = 0;
        QString xText; ///< the value as the table shows it (the category for text params)
    };

    void fillBoxes();
    void rebuildPoints();
    void redraw();
    void onMouseRelease(QMouseEvent *event);
    void onMouseMove(QMouseEvent *event);
    void onRectSelected(const QRect &rect, QMouseEvent *event);
    bool valueOf(const CompareRun &run, const CompareField &field, double *number, QString *text) const;

    RunSelection &m_selection;
    QComboBox *m_xBox = nullptr;
    QComboBox *m_yBox = nullptr;
    QCheckBox *m_logX = nullptr;
    QCheckBox *m_logY = nullptr;
    QLabel *m_note = nullptr;
    QCustomPlot *m_plot = nullptr;
    std::vector<CompareRun> m_runs;
    std::vector<Point> m_points;
    QStringList m_categories;
    QPoint m_pressPos;
    bool m_filling = false;
};

} // namespace mb
