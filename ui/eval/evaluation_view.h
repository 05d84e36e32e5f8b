#pragma once

#include "core/store/store.h"
#include "ui/eval/evaluation_data.h"

#include <QMetaObject>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QGroupBox;
class QLabel;
class QStackedWidget;
class QTableWidget;

namespace mb {

class ConfusionMatrixWidget;
class FeatureImportanceView;
class WorkspaceSession;

/// The evaluation of one run, from the artifacts its evaluate node wrote under
/// <workspace>/artifacts/<run>/: for classification the confusion-matrix heatmap, ROC and
/// precision-recall curves (one-vs-rest per class for multiclass) and per-class scores; for
/// regression residuals against predictions, predicted against true, and the residual
/// histogram; for both the feature importance and the metrics summary (test set, and the
/// cross-validation mean ± std). A run without artifacts (running, failed, no evaluate node)
/// shows a message saying why instead of empty panels. Artifacts are read on a worker
/// thread; a newer run drops an older load. GUI thread.
class EvaluationView : public QWidget {
    Q_OBJECT

public:
    explicit EvaluationView(WorkspaceSession &session, QWidget *parent = nullptr);
    ~EvaluationView() override;

    /// Shows run `runId` (a full id or unique prefix; empty: none). Emits loaded() when
    /// the panels or the message are in place.
    void setRun(const QString &runId);
    QString runId() const { return m_runId; }
    /// When on, the view shows RunSelection::current() and follows its changes.
    void followSelection(bool follow);

    /// True when the view shows a message instead of panels.
    bool isShowingMessage() const;
    QString message() const;
    /// The data shown (empty when a message is shown).
    const EvaluationData &data() const { return *m_data; }

    ConfusionMatrixWidget *confusionMatrix() const { return m_confusion; }
    QCustomPlot *rocPlot() const { return m_roc; }
    QCustomPlot *prPlot() const { return m_pr; }
    QCustomPlot *residualPlot() const { return m_residuals; }
    QCustomPlot *predictedActualPlot() const { return m_predictedActual; }
    QCustomPlot *residualHistogram() const { return m_histogram; }
    FeatureImportanceView *importance() const { return m_importance; }
    QTableWidget *metricsTable() const { return m_metrics; }
    QTableWidget *perClassTable() const { return m_perClass; }

Q_SIGNALS:
    /// The view finished showing `runId` (panels or a message).
    void loaded(const QString &runId);

private:
    void showMessage(const QString &title, const QString &text);
    void showData(const RunRecord &run, std::shared_ptr<EvaluationData> data);
    void fillMetrics();
    void fillPerClass();
    void onRunsChanged();

    WorkspaceSession &m_session;
    QString m_runId;
    RunStatus m_status = RunStatus::Finished;
    quint64 m_generation = 0;
    std::shared_ptr<EvaluationData> m_data;
    QMetaObject::Connection m_follow;

    QLabel *m_header = nullptr;
    QLabel *m_problems = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_messageTitle = nullptr;
    QLabel *m_message = nullptr;
    QGroupBox *m_confusionBox = nullptr, *m_rocBox = nullptr, *m_prBox = nullptr;
    QGroupBox *m_residualBox = nullptr, *m_predictedBox = nullptr, *m_histogramBox = nullptr;
    QGroupBox *m_perClassBox = nullptr;
    ConfusionMatrixWidget *m_confusion = nullptr;
    QCustomPlot *m_roc = nullptr, *m_pr = nullptr;
    QCustomPlot *m_residuals = nullptr, *m_predictedActual = nullptr, *m_histogram = nullptr;
    FeatureImportanceView *m_importance = nullptr;
    QGroupBox *m_importanceBox = nullptr;
    QTableWidget *m_metrics = nullptr;
    QTableWidget *m_perClass = nullptr;
};

} // namespace mb
