#pragma once

#include "ui/curves/chart_data.h"
#include "ui/curves/series_math.h"

#include <QFutureWatcher>
#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class QGridLayout;
class QLabel;
class QScrollArea;
class QToolButton;

namespace mb {

class CurvesToolbar;
class MetricChart;
class WorkspaceSession;

/// What a ChartGrid reads off the GUI thread when its runs change: the runs to show (the
/// most recent ones when following an empty selection), their metric keys, names and params.
struct GridInfo {
    quint64 generation = 0;
    QStringList runs;
    QStringList names;     ///< per run
    QStringList keys;      ///< union of the runs' metric keys, sorted
    QStringList paramKeys; ///< union of the runs' param keys, sorted
    QStringList problems;
};

/// The "Curves" panel: one MetricChart per metric key of the shown runs, in a scrolling grid
/// (sys/* keys last, in a section that starts collapsed), under a toolbar whose filter, x
/// axis, smoothing, log and group-by controls apply to every chart. By default it follows
/// the session's RunSelection: it shows the selected runs, or the most recent runs when
/// nothing is selected; a click on a curve selects that run (which highlights it in every
/// chart and selects its row in the run table) without changing which runs are shown.
/// New keys of running runs appear as their first points arrive. GUI thread only.
class ChartGrid : public QWidget {
    Q_OBJECT

public:
    static constexpr int kDefaultRecentRuns = 10;
    static constexpr int kKeyRefreshMs = 500; ///< live runs: look for new keys at most this often
    static constexpr int kChartsPerTurn = 2;  ///< new charts made per event-loop turn

    explicit ChartGrid(WorkspaceSession &session, QWidget *parent = nullptr);
    ~ChartGrid() override;

    /// Shows exactly these runs (and stops following the selection).
    void setRuns(const QStringList &runIds);
    /// true: show the selected runs, or the most recent ones when none is selected, and
    /// follow selection changes made elsewhere (the run table). Default on.
    void followSelection(bool on);
    bool isFollowingSelection() const { return m_follow; }
    /// How many recent runs to show when following an empty selection.
    void setRecentRunCount(int count);
    QStringList runs() const { return m_info.runs; }

    /// Every metric key of the shown runs, and those shown now (filter applied), in order.
    QStringList allKeys() const { return m_info.keys; }
    QStringList shownKeys() const;
    MetricChart *chart(const QString &key) const { return m_charts.value(key); }
    QList<MetricChart *> charts() const { return m_charts.values(); }
    CurvesToolbar *toolbar() const { return m_toolbar; }
    /// The sys/* section (collapsed at first).
    void setSystemSectionExpanded(bool on);
    bool isSystemSectionExpanded() const;

    /// Processes events until the grid and every chart have no read scheduled or in
    /// flight (or `ms` passed); true if idle.
    bool waitForIdle(int ms = 5000);

Q_SIGNALS:
    /// The shown runs or their keys changed and the charts were laid out.
    void layoutChanged();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void refresh();          ///< re-read runs and keys (off the GUI thread)
    void startRefresh();
    void onRefreshed();
    void applyInfo(const GridInfo &info);
    void createPendingCharts();
    void relayout();
    void onSelectionChanged(QObject *source);
    void updateLegend();
    void updateStatus();
    bool matchesFilter(const QString &key) const;
    int columnCount() const;
    void configure(MetricChart *chart) const;

    WorkspaceSession &m_session;
    bool m_follow = true;
    int m_recent = kDefaultRecentRuns;
    QStringList m_explicitRuns;
    GridInfo m_info;
    QString m_filter;

    CurvesToolbar *m_toolbar;
    QLabel *m_legend;
    QLabel *m_empty;
    QScrollArea *m_scroll;
    QWidget *m_mainArea;
    QGridLayout *m_mainGrid;
    QToolButton *m_sysToggle;
    QWidget *m_sysArea;
    QGridLayout *m_sysGrid;
    QMap<QString, MetricChart *> m_charts;
    QStringList m_pendingKeys; ///< keys whose chart is yet to be made
    QTimer m_createTimer;
    int m_columns = 2;

    QFutureWatcher<GridInfo> *m_watcher;
    QTimer m_refreshTimer;
    quint64 m_generation = 1;
    bool m_inFlight = false;
    bool m_refreshPending = false;
};

} // namespace mb
