#include "ui/eval/evaluation_view.h"

#include "ui/common/worker_pool.h"

#include "core/store/store.h"
#include "ui/common/qcustomplot_include.h"
#include "ui/common/workspace_session.h"
#include "ui/eval/confusion_matrix_widget.h"
#include "ui/eval/evaluation_plots.h"
#include "ui/eval/feature_importance_view.h"

#include <QDir>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <cmath>

namespace mb {

namespace {

QGroupBox *panel(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 6, 6, 6);
    content->setParent(box);
    layout->addWidget(content);
    return box;
}

QTableWidget *makeTable(const QString &objectName, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->horizontalHeader()->setStretchLastSection(false);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    return table;
}

QString formatMetric(double v)
{
    if (std::isnan(v))
        return QStringLiteral("—");
    return QString::number(v, 'f', std::abs(v) >= 100 ? 2 : 4);
}

QTableWidgetItem *numberItem(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString metricHelp(const QString &key, bool multiclass)
{
    static const QHash<QString, QString> help{
        {QStringLiteral("accuracy"), QStringLiteral("share of test rows classified correctly")},
        {QStringLiteral("precision"), QStringLiteral("of the rows predicted positive, the share that is positive")},
        {QStringLiteral("recall"), QStringLiteral("of the positive rows, the share predicted positive")},
        {QStringLiteral("f1"), QStringLiteral("harmonic mean of precision and recall")},
        {QStringLiteral("roc_auc"), QStringLiteral("area under the ROC curve")},
        {QStringLiteral("average_precision"), QStringLiteral("area under the precision-recall curve (step-wise)")},
        {QStringLiteral("log_loss"), QStringLiteral("mean negative log-likelihood of the true class (lower is better)")},
        {QStringLiteral("rmse"), QStringLiteral("root mean squared error (lower is better)")},
        {QStringLiteral("mae"), QStringLiteral("mean absolute error (lower is better)")},
        {QStringLiteral("r2"), QStringLiteral("coefficient of determination (1 is perfect)")},
        {QStringLiteral("mape"), QStringLiteral("mean absolute percentage error, as a fraction (lower is better)")},
    };
    QString text = help.value(key, key);
    if (multiclass && (key == QLatin1String("precision") || key == QLatin1String("recall") || key == QLatin1String("f1")))
        text += QStringLiteral(" — macro average over the classes");
    if (multiclass && key == QLatin1String("roc_auc"))
        text += QStringLiteral(" — one-vs-rest, macro average");
    if (!multiclass && (key == QLatin1String("precision") || key == QLatin1String("recall") || key == QLatin1String("f1")))
        text += QStringLiteral(" — of the positive class");
    return text;
}

} // namespace

EvaluationView::EvaluationView(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_data(std::make_shared<EvaluationData>())
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("evalHeader"));
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);
    m_problems = new QLabel(this);
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("QLabel { background:#fff4e5; color:#7a4b00; border:1px solid #f0c890;"
                                             " border-radius:3px; padding:4px; }"));
    m_problems->hide();
    layout->addWidget(m_problems);

    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack, 1);

    auto *messagePage = new QWidget(m_stack);
    auto *messageLayout = new QVBoxLayout(messagePage);
    messageLayout->addStretch(1);
    m_messageTitle = new QLabel(messagePage);
    QFont big = m_messageTitle->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_messageTitle->setFont(big);
    m_messageTitle->setAlignment(Qt::AlignCenter);
    messageLayout->addWidget(m_messageTitle);
    m_message = new QLabel(messagePage);
    m_message->setObjectName(QStringLiteral("evalMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    messageLayout->addWidget(m_message);
    messageLayout->addStretch(2);
    m_stack->addWidget(messagePage);

    auto *content = new QSplitter(Qt::Vertical, m_stack);
    auto *charts = new QSplitter(Qt::Horizontal, content);
    m_confusion = new ConfusionMatrixWidget;
    m_confusion->setObjectName(QStringLiteral("confusionMatrix"));
    m_confusionBox = panel(tr("Confusion matrix (test set)"), m_confusion, charts);
    m_roc = makeEvaluationPlot(QStringLiteral("rocPlot"), nullptr);
    m_rocBox = panel(tr("ROC curve"), m_roc, charts);
    m_pr = makeEvaluationPlot(QStringLiteral("prPlot"), nullptr);
    m_prBox = panel(tr("Precision–recall curve"), m_pr, charts);
    m_residuals = makeEvaluationPlot(QStringLiteral("residualPlot"), nullptr);
    m_residualBox = panel(tr("Residuals vs predicted"), m_residuals, charts);
    m_predictedActual = makeEvaluationPlot(QStringLiteral("predictedActualPlot"), nullptr);
    m_predictedBox = panel(tr("Predicted vs true"), m_predictedActual, charts);
    m_histogram = makeEvaluationPlot(QStringLiteral("residualHistogram"), nullptr);
    m_histogramBox = panel(tr("Residual distribution"), m_histogram, charts);
    for (QGroupBox *box : {m_confusionBox, m_rocBox, m_prBox, m_residualBox, m_predictedBox, m_histogramBox}) {
        charts->addWidget(box);
        charts->setStretchFactor(charts->indexOf(box), 1);
    }

    // Bottom: the numbers (metrics over per-class scores) beside the importance chart,
    // which needs the height for 20 readable bars.
    auto *bottom = new QSplitter(Qt::Horizontal, content);
    auto *numbers = new QSplitter(Qt::Vertical, bottom);
    m_metrics = makeTable(QStringLiteral("metricsTable"), {tr("Metric"), tr("Test"), tr("Cross-validation")}, nullptr);
    auto *metricsBox = panel(tr("Metrics"), m_metrics, numbers);
    m_perClass = makeTable(QStringLiteral("perClassTable"), {tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Support")}, nullptr);
    m_perClassBox = panel(tr("Per class (test set)"), m_perClass, numbers);
    numbers->addWidget(metricsBox);
    numbers->addWidget(m_perClassBox);
    m_importance = new FeatureImportanceView;
    m_importanceBox = panel(tr("Feature importance"), m_importance, bottom);
    numbers->setStretchFactor(0, 3);
    numbers->setStretchFactor(1, 2);
    bottom->addWidget(numbers);
    bottom->addWidget(m_importanceBox);
    bottom->setStretchFactor(0, 2);
    bottom->setStretchFactor(1, 3);
    content->addWidget(charts);
    content->addWidget(bottom);
    content->setStretchFactor(0, 1);
    content->setStretchFactor(1, 1);
    m_stack->addWidget(content);

    connect(&m_session, &WorkspaceSession::runsChanged, this, &EvaluationView::onRunsChanged);
    showMessage(tr("No run selected"), tr("Select a run to see its confusion matrix, ROC and precision-recall curves, "
                                          "residuals and feature importance."));
}

EvaluationView::~EvaluationView() = default;

bool EvaluationView::isShowingMessage() const
{
    return m_stack->currentIndex() == 0;
}

QString EvaluationView::message() const
{
    return isShowingMessage() ? m_messageTitle->text() + QLatin1Char('\n') + m_message->text() : QString();
}

void EvaluationView::followSelection(bool follow)
{
    disconnect(m_follow);
    if (!follow)
        return;
    m_follow = connect(&m_session.selection(), &RunSelection::selectionChanged, this, [this] {
        const QString current = m_session.selection().current();
        if (current != m_runId)
            setRun(current);
    });
    setRun(m_session.selection().current());
}

void EvaluationView::showMessage(const QString &title, const QString &text)
{
    m_data = std::make_shared<EvaluationData>();
    m_problems->hide();
    m_messageTitle->setText(title);
    m_message->setText(text);
    m_stack->setCurrentIndex(0);
}

void EvaluationView::setRun(const QString &runId)
{
    const quint64 generation = ++m_generation;
    m_runId = runId;
    if (runId.isEmpty()) {
        m_header->clear();
        showMessage(tr("No run selected"), tr("Select a run to see its confusion matrix, ROC and precision-recall curves, "
                                              "residuals and feature importance."));
        Q_EMIT loaded(runId);
        return;
    }
    // One indexed row: cheap enough for the GUI thread; the artifacts are read off it.
    const Result<RunRecord> run = m_session.store().run(runId);
    if (!run.ok()) {
        m_header->clear();
        showMessage(tr("Unknown run"), run.error().message);
        Q_EMIT loaded(runId);
        return;
    }
    m_runId = run->id;
    m_status = run->status;
    const QString name = run->name.isEmpty() ? run->id.left(8) : QStringLiteral("%1 (%2)").arg(run->name, run->id.left(8));
    m_header->setText(tr("<b>%1</b> · %2 · %3").arg(name.toHtmlEscaped(), run->experiment.toHtmlEscaped(), runStatusName(run->status)));
    if (run->status == RunStatus::Running || run->status == RunStatus::Queued) {
        showMessage(tr("Run %1 is %2").arg(run->id.left(8), runStatusName(run->status)),
                    tr("Its confusion matrix, curves, residuals and feature importance appear here when it finishes."));
        Q_EMIT loaded(m_runId);
        return;
    }
    const QString dir = QDir(m_session.store().artifactsDir()).filePath(run->id);
    auto *watcher = new QFutureWatcher<std::shared_ptr<Result<EvaluationData>>>(this);
    const RunRecord record = run.value();
    connect(watcher, &QFutureWatcher<std::shared_ptr<Result<EvaluationData>>>::finished, this, [this, watcher, generation, record] {
        watcher->deleteLater();
        if (generation != m_generation) // another run was asked for meanwhile
            return;
        const std::shared_ptr<Result<EvaluationData>> result = watcher->result();
        if (result->ok()) {
            showData(record, std::make_shared<EvaluationData>(std::move(*result).value()));
        } else if (record.status == RunStatus::Failed) {
            showMessage(tr("Run %1 failed").arg(record.id.left(8)),
                        tr("It wrote no evaluation artifacts.\n\n%1").arg(record.error.isEmpty() ? tr("(no error recorded)") : record.error));
        } else if (record.status == RunStatus::Cancelled || record.status == RunStatus::Interrupted) {
            showMessage(tr("Run %1 was %2").arg(record.id.left(8), runStatusName(record.status)),
                        tr("It stopped before its evaluation was written."));
        } else {
            showMessage(tr("No evaluation for run %1").arg(record.id.left(8)),
                        tr("The run finished without evaluation artifacts: its pipeline has no evaluate node "
                           "(or no test split).\n\n%1").arg(result->error().message));
        }
        Q_EMIT loaded(record.id);
    });
    watcher->setFuture(QtConcurrent::run(workerPool(), [dir] { return std::make_shared<Result<EvaluationData>>(loadEvaluation(dir)); }));
}

void EvaluationView::onRunsChanged()
{
    // A run shown while running has finished (or failed): show its evaluation now.
    if (!m_runId.isEmpty() && (m_status == RunStatus::Running || m_status == RunStatus::Queued))
        setRun(m_runId);
}

void EvaluationView::showData(const RunRecord &run, std::shared_ptr<EvaluationData> data)
{
    m_data = std::move(data);
    const EvaluationData &d = *m_data;
    const bool classification = d.isClassification();
    const QString name = run.name.isEmpty() ? run.id.left(8) : QStringLiteral("%1 (%2)").arg(run.name, run.id.left(8));
    m_header->setText(tr("<b>%1</b> · %2 · %3 · %4 · %L5 test rows")
                          .arg(name.toHtmlEscaped(), run.experiment.toHtmlEscaped(), runStatusName(run.status), evalTaskName(d.task))
                          .arg(d.testRows));
    m_problems->setVisible(!d.problems.isEmpty());
    m_problems->setText(tr("Some artifacts could not be read:\n%1").arg(d.problems.join(QLatin1Char('\n'))));

    m_confusionBox->setVisible(classification && !d.confusion.empty());
    m_rocBox->setVisible(classification && !d.roc.empty());
    m_prBox->setVisible(classification && !d.pr.empty());
    m_perClassBox->setVisible(classification && !d.perClass.empty());
    m_residualBox->setVisible(!classification && !d.residual.empty());
    m_predictedBox->setVisible(!classification && !d.residual.empty());
    m_histogramBox->setVisible(!classification && !d.residual.empty());
    m_importanceBox->setVisible(!d.importance.empty());

    if (classification) {
        m_confusion->setMatrix(d.classLabels, d.confusion);
        const bool oneVsRest = d.task == EvaluationData::Task::Multiclass;
        m_rocBox->setTitle(oneVsRest ? tr("ROC curves (one-vs-rest)") : tr("ROC curve (positive class %1)").arg(d.classLabels.value(1)));
        m_prBox->setTitle(oneVsRest ? tr("Precision–recall curves (one-vs-rest)")
                                    : tr("Precision–recall curve (positive class %1)").arg(d.classLabels.value(1)));
        plotRocCurves(m_roc, d.roc);
        double positiveRate = 0;
        if (!oneVsRest && d.confusion.size() == 2 && d.testRows > 0)
            positiveRate = static_cast<double>(d.confusion[1][0] + d.confusion[1][1]) / static_cast<double>(d.testRows);
        plotPrCurves(m_pr, d.pr, positiveRate);
        fillPerClass();
    } else {
        plotResidualsVsPredicted(m_residuals, d);
        plotPredictedVsActual(m_predictedActual, d);
        plotResidualHistogram(m_histogram, d);
    }
    m_importance->setImportance(d.importance);
    fillMetrics();
    m_stack->setCurrentIndex(1);
}

void EvaluationView::fillMetrics()
{
    const EvaluationData &d = *m_data;
    static const QStringList order{QStringLiteral("accuracy"), QStringLiteral("precision"), QStringLiteral("recall"),
                                   QStringLiteral("f1"), QStringLiteral("roc_auc"), QStringLiteral("average_precision"),
                                   QStringLiteral("log_loss"), QStringLiteral("precision_weighted"),
                                   QStringLiteral("recall_weighted"), QStringLiteral("f1_weighted"), QStringLiteral("rmse"),
                                   QStringLiteral("mae"), QStringLiteral("r2"), QStringLiteral("mape")};
    QStringList keys;
    for (const QString &k : order)
        if (d.metrics.contains(k))
            keys << k;
    for (auto it = d.metrics.begin(); it != d.metrics.end(); ++it)
        if (!keys.contains(it.key()) && (it->isDouble() || it->isNull()))
            keys << it.key();
    m_metrics->setRowCount(static_cast<int>(keys.size()));
    const bool haveCv = !d.crossValidation.isEmpty();
    m_metrics->setColumnHidden(2, !haveCv);
    if (haveCv)
        m_metrics->horizontalHeaderItem(2)->setText(tr("CV mean ± std (%1 folds)").arg(d.crossValidation.value(QStringLiteral("folds")).toInt()));
    for (int i = 0; i < keys.size(); ++i) {
        const QString &key = keys[i];
        auto *name = new QTableWidgetItem(key);
        name->setToolTip(metricHelp(key, d.task == EvaluationData::Task::Multiclass));
        m_metrics->setItem(i, 0, name);
        const QJsonValue v = d.metrics.value(key);
        m_metrics->setItem(i, 1, numberItem(v.isDouble() ? formatMetric(v.toDouble()) : tr("undefined")));
        const QJsonValue mean = d.crossValidation.value(key + QStringLiteral("_mean"));
        const QJsonValue sd = d.crossValidation.value(key + QStringLiteral("_std"));
        m_metrics->setItem(i, 2, numberItem(mean.isDouble() ? QStringLiteral("%1 ± %2").arg(formatMetric(mean.toDouble()), formatMetric(sd.toDouble()))
                                                            : QString()));
    }
    if (d.task == EvaluationData::Task::Regression && !d.residual.empty()) {
        // What the residual plots show, as numbers: the bias and the worst miss.
        double sum = 0, worst = 0;
        for (double r : d.residual) {
            sum += r;
            worst = std::max(worst, std::abs(r));
        }
        const int row = m_metrics->rowCount();
        m_metrics->setRowCount(row + 2);
        auto *bias = new QTableWidgetItem(tr("mean residual"));
        bias->setToolTip(tr("mean of predicted − true over the test rows (residuals.json): the bias"));
        m_metrics->setItem(row, 0, bias);
        m_metrics->setItem(row, 1, numberItem(formatMetric(sum / static_cast<double>(d.residual.size()))));
        auto *maxError = new QTableWidgetItem(tr("max |residual|"));
        maxError->setToolTip(tr("the largest absolute error on a test row (residuals.json)"));
        m_metrics->setItem(row + 1, 0, maxError);
        m_metrics->setItem(row + 1, 1, numberItem(formatMetric(worst)));
    }
    m_metrics->resizeColumnsToContents();
}

void EvaluationView::fillPerClass()
{
    const EvaluationData &d = *m_data;
    m_perClass->setRowCount(static_cast<int>(d.perClass.size()));
    m_perClass->setToolTip(tr("Scores of each class against the rest; %1").arg(d.perClassSource));
    for (int i = 0; i < static_cast<int>(d.perClass.size()); ++i) {
        const ClassScores &c = d.perClass[static_cast<std::size_t>(i)];
        m_perClass->setItem(i, 0, new QTableWidgetItem(c.label));
        m_perClass->setItem(i, 1, numberItem(formatMetric(c.precision)));
        m_perClass->setItem(i, 2, numberItem(formatMetric(c.recall)));
        m_perClass->setItem(i, 3, numberItem(formatMetric(c.f1)));
        m_perClass->setItem(i, 4, numberItem(QString::number(c.support)));
    }
    m_perClass->resizeColumnsToContents();
}

} // namespace mb
