#pragma once

#include "ui/curves/chart_data.h"
#include "ui/curves/series_math.h"

#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSlider;

namespace mb {

/// The controls the charts of a ChartGrid share: metric filter, x axis, smoothing, log y,
/// group-by param and band. It only reports what the user set; the grid applies it.
/// GUI thread only.
class CurvesToolbar : public QWidget {
    Q_OBJECT

public:
    explicit CurvesToolbar(QWidget *parent = nullptr);

    /// The params the shown runs have, offered for grouping (the current choice is kept if
    /// still there, else grouping is turned off and groupByChanged("") emitted).
    void setParamKeys(const QStringList &keys);
    /// Text at the right end: which runs are shown, how many metrics.
    void setStatus(const QString &text);

    QString filter() const;
    XAxisMode xAxis() const;
    double smoothing() const;
    bool logY() const;
    QString groupBy() const;
    BandMode bandMode() const;

    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *xAxisBox() const { return m_xAxis; }
    QSlider *smoothingSlider() const { return m_smoothing; }
    QCheckBox *logYBox() const { return m_logY; }
    QComboBox *groupByBox() const { return m_groupBy; }

Q_SIGNALS:
    void filterChanged(const QString &text); ///< after typing pauses (150 ms)
    void xAxisChanged(mb::XAxisMode mode);
    void smoothingChanged(double weight);
    void logYChanged(bool on);
    void groupByChanged(const QString &paramKey);
    void bandModeChanged(mb::BandMode mode);

private:
    QLineEdit *m_filter;
    QComboBox *m_xAxis;
    QSlider *m_smoothing;
    QLabel *m_smoothingValue;
    QCheckBox *m_logY;
    QComboBox *m_groupBy;
    QComboBox *m_band;
    QLabel *m_status;
    QTimer m_filterTimer;
};

} // namespace mb
