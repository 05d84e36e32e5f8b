#pragma once

#include "ui/compare/compare_data.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class QLabel;
class QSplitter;
class QVBoxLayout;

namespace mb {

class ParamDiffTable;
class ScatterView;
class WorkspaceSession;

/// Comparison of N runs: a scatter of any param or metric against any metric and the
/// params/metrics diff table, plus a slot where the main window puts the overlaid curves.
/// The runs are read off the GUI thread and re-read (at most every 500 ms, one read in
/// flight) while any of them receives metrics or the run list changes. GUI thread only.
class CompareView : public QWidget {
    Q_OBJECT

public:
    explicit CompareView(WorkspaceSession &session, QWidget *parent = nullptr);
    /// Waits for a read in flight (it uses the session's store).
    ~CompareView() override;

    /// Compares these runs (ids or unique prefixes), in this order; loaded() follows.
    void setRuns(const QStringList &runIds);
    QStringList runs() const { return m_runIds; }
    /// Whether a read is in flight or waiting.
    bool isLoading() const { return m_inFlight || m_pending; }
    ParamDiffTable *diffTable() const { return m_diff; }
    ScatterView *scatter() const { return m_scatter; }
    /// Puts `w` (the overlaid curves) beside the scatter; the view takes ownership. Null
    /// removes the slot. Without a widget the slot is not shown.
    void setCurvesWidget(QWidget *w);
    QWidget *curvesWidget() const { return m_curves; }
    /// The runs as last read.
    const std::vector<CompareRun> &compared() const { return m_data; }

Q_SIGNALS:
    /// The runs were read and both views show them.
    void loaded();
    /// Reading failed (e.g. a run was deleted); the message names the run.
    void loadFailed(const QString &message);

private:
    struct Outcome {
        quint64 generation = 0;
        bool ok = false;
        Error error;
        std::vector<CompareRun> runs;
    };
    void reload();
    void start();
    void onFinished();

    WorkspaceSession &m_session;
    QLabel *m_title = nullptr;
    QSplitter *m_top = nullptr;
    QWidget *m_curvesSlot = nullptr;
    QVBoxLayout *m_curvesLayout = nullptr;
    QWidget *m_curves = nullptr;
    ScatterView *m_scatter = nullptr;
    ParamDiffTable *m_diff = nullptr;

    QStringList m_runIds;
    std::vector<CompareRun> m_data;
    QFutureWatcher<Outcome> *m_watcher = nullptr;
    quint64 m_generation = 0;
    bool m_pending = false;
    bool m_inFlight = false; ///< a read runs or its result is not shown yet
    QTimer m_throttle;
    QElapsedTimer m_sinceStart;
};

} // namespace mb
