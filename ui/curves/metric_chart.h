#pragma once

#include "ui/curves/chart_data.h"
#include "ui/curves/chart_renderer.h"
#include "ui/curves/series_math.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QCPItemTracer;
class QCPItemText;
class QCPTextElement;
class QMouseEvent;
class QKeyEvent;

namespace mb {

class WorkspaceSession;

/// One metric key of N runs, as W&B or TensorBoard draw it: per run a light min..max band
/// and a line through the last value of each pixel-wide bucket (Store::seriesBuckets), so
/// every point stays in the store and a spike shows at every zoom. Reads run on a worker
/// thread (one in flight at a time; results of an outdated view are dropped); zoom and pan
/// re-read the visible range at pixel detail; live points arrive through the session's
/// metricsArrived() and are drawn in one coalesced read every kLiveIntervalMs; replots go
/// through the ReplotScheduler, time-sliced across charts. The session must outlive the chart.
///
/// Mouse: wheel zooms x, drag pans x, Shift+drag zooms to a rectangle, double-click (or
/// Home) shows everything again; hovering shows the nearest point; a click on a curve selects its run
/// (Ctrl+click adds or removes it) in the session's RunSelection, whose runs are drawn
/// thicker on top of the others. GUI thread only.
class MetricChart : public QWidget {
    Q_OBJECT

public:
    static constexpr int kLiveIntervalMs = 150;  ///< live updates: at most one read per interval
    static constexpr int kViewDebounceMs = 60;   ///< zoom/pan: read once the view rests this long

    MetricChart(WorkspaceSession &session, const QString &key, QWidget *parent = nullptr);
    /// Waits for a read in flight (it holds a reference to the session's store).
    ~MetricChart() override;

    QString key() const { return m_key; }
    /// The runs drawn, in this order (unknown ids are named in note()). Shows everything.
    void setRuns(const QStringList &runIds);
    QStringList runs() const { return m_runs; }
    /// Debiased EMA weight in [0, 0.99] (clamped); 0 turns smoothing off. No re-read.
    void setSmoothing(double weight);
    double smoothing() const { return m_options.smoothing; }
    /// Logarithmic y axis; values <= 0 are left out and counted in note().
    void setLogY(bool on);
    bool logY() const { return m_options.logY; }
    void setXAxis(XAxisMode mode);
    XAxisMode xAxis() const { return m_mode; }
    /// Draws runs with the same value of param `paramKey` as one mean ± band series (empty:
    /// one curve per run).
    void setGroupBy(const QString &paramKey);
    QString groupBy() const { return m_options.groupBy; }
    /// The band of a group: min..max of its runs, or mean ± 1 standard deviation.
    void setBandMode(BandMode mode);
    BandMode bandMode() const { return m_options.band; }
    void setLegendVisible(bool on);

    /// Shows [from, to] (x units: step, epoch seconds or seconds since start) and reads it
    /// at pixel detail after kViewDebounceMs.
    void setXRange(double from, double to);
    /// Shows all points again, y axis fitted (what a double-click does).
    void resetView();
    /// Whether the view follows the data (the whole range, growing with live points).
    bool isFollowing() const { return m_following; }

    /// Writes the chart as it is shown: .png, .svg, .pdf (the plot) or .csv (the points on
    /// screen: run,name,step,min,max,last,count,x per bucket; in group mode
    /// group,x,mean,lo,hi,runs). The format comes from the suffix; false with `error` set
    /// (naming the path) when the suffix is unknown or the file cannot be written.
    bool exportTo(const QString &path, QString *error) const;
    QCustomPlot *plot() const { return m_plot; }

    /// Processes events until no read is scheduled or in flight (or `ms` passed); true if idle.
    bool waitForIdle(int ms = 5000);
    bool isIdle() const;
    /// Vertices drawn now (bands and lines) and the raw points the shown buckets stand for.
    qint64 pointsDrawn() const { return m_renderer.pointsDrawn(); }
    qint64 pointsShown() const { return m_pointsShown; }
    /// Reads completed and applied since construction (coalescing shows in this count).
    int readCount() const { return m_readCount; }
    const ChartData &data() const { return m_data; }
    const std::vector<DrawnCurve> &curves() const { return m_renderer.curves(); }
    /// The line of notes under the title: skipped values, interpolated times, problems.
    QString note() const { return m_note; }
    /// The text of the hover tooltip now shown (empty when none).
    QString hoverText() const { return m_hoverText; }
    /// The run whose curve passes within `maxDistancePx` of `pos` (plot coordinates), or
    /// empty; for a group curve, its first run.
    QString runAt(const QPoint &pos, double maxDistancePx = 8.0) const;

Q_SIGNALS:
    /// A read was applied; the replot is scheduled (see ReplotScheduler).
    void dataLoaded();

protected:
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void onMetricsArrived(const QSet<QString> &runIds);
    void onSelectionChanged();
    void onXRangeChanged();
    void onMousePress(QMouseEvent *event);
    void onMouseMove(QMouseEvent *event);
    void onMouseRelease(QMouseEvent *event);
    void onDoubleClick(QMouseEvent *event);
    void onContextMenu(const QPoint &pos);

    void invalidate();              ///< parameters changed: older reads are stale
    void scheduleRead(int delayMs);
    void startRead();
    void onReadFinished();
    void applyData(ChartData data);
    void redraw();                  ///< render m_data with the current options, fit y, replot
    void fitY();
    void requestReplot();           ///< through the ReplotScheduler (coalesced, time-sliced)
    void updateAxes();
    void updateNote();
    void setXRangeSilently(double from, double to);
    int bucketCount() const;
    void clearHover();

    WorkspaceSession &m_session;
    QString m_key;
    QStringList m_runs;
    XAxisMode m_mode = XAxisMode::Step;
    RenderOptions m_options;

    QCustomPlot *m_plot;
    QCPTextElement *m_title;
    QCPItemText *m_noteItem;
    QCPItemTracer *m_tracer;
    ChartRenderer m_renderer;

    ChartData m_data;
    QHash<QString, ChartRunInfo> m_runInfo;
    QHash<QString, TimeIndex> m_timeIndex;
    qint64 m_pointsShown = 0;
    QString m_note;
    QString m_hoverText;
    QString m_exportProblem;

    QFutureWatcher<ChartData> *m_watcher;
    QTimer m_readTimer;      ///< single-shot: coalesces live updates and view changes
    quint64 m_generation = 1;
    bool m_inFlight = false;
    bool m_readPending = false; ///< a read was asked for while one was in flight
    bool m_liveDirty = false;   ///< live points arrived since the last read started
    bool m_lastReadLive = false; ///< the read in flight (or last) was for live points
    bool m_deferred = false;    ///< asked for while hidden: read on show
    bool m_following = true;
    bool m_yManual = false;
    bool m_settingRange = false;
    int m_readCount = 0;
    int m_readWidth = 0;        ///< the chart's width when the last read started
    QPoint m_pressPos;
    bool m_pressed = false;
};

} // namespace mb
