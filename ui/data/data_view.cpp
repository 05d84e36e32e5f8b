#include "ui/data/data_view.h"

#include "core/io/csv_reader.h"
#include "core/pipeline/target_encoding.h"
#include "ui/common/workspace_session.h"
#include "ui/data/column_profile.h"
#include "ui/common/worker_pool.h"
#include "ui/data/run_dataset.h"
#include "ui/data/table_model.h"
#include "ui/data/validation_panel.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QProgressBar>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>

namespace mb {

/// What the worker thread hands back after reading a file.
struct DataView::Loaded {
    std::shared_ptr<const Table> table;
    std::optional<Error> error;
    CsvReport report;
    qint64 ms = 0;
    std::optional<ValidationReport> runReport; ///< the report a run recorded, when showing a run's data
    QString runId;
    QString target;
};

namespace {

QString sizeText(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MB").arg(static_cast<double>(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
    return QStringLiteral("%1 KB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
}

ValidationReport validate(const Table &table, const QString &target, const QString &task, const QString &path)
{
    ValidationOptions options;
    options.target = target;
    if (!target.isEmpty()) {
        // As the CLI's validate command: the task decides which target checks apply; a target
        // that cannot be encoded (missing, one class) is reported by validateTable itself.
        const Result<EncodedTarget> encoded = encodeTarget(table, target, task.isEmpty() ? QStringLiteral("auto") : task, path);
        options.classification = encoded.ok() ? isClassification(encoded->task) : task != QLatin1String("regression");
    }
    return validateTable(table, options);
}

} // namespace

DataView::DataView(WorkspaceSession &session, QWidget *parent) : QWidget(parent), m_session(session)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto *bar = new QHBoxLayout;
    m_open = new QToolButton(this);
    m_open->setText(tr("Open CSV…"));
    m_open->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_open->setToolTip(tr("Open a CSV file (Ctrl+O)"));
    connect(m_open, &QToolButton::clicked, this, &DataView::chooseFile);
    auto *openShortcut = new QShortcut(QKeySequence::Open, this);
    openShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(openShortcut, &QShortcut::activated, this, &DataView::chooseFile);
    bar->addWidget(m_open);
    m_file = new QLabel(this);
    m_file->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_file->setMinimumWidth(120);
    bar->addWidget(m_file, 1);
    bar->addWidget(new QLabel(tr("Target:"), this));
    m_targetBox = new QComboBox(this);
    m_targetBox->setObjectName(QStringLiteral("targetColumn"));
    m_targetBox->setMinimumContentsLength(16);
    m_targetBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_targetBox->setToolTip(tr("The target column enables the class balance and leakage checks"));
    connect(m_targetBox, &QComboBox::activated, this, [this] { startValidation(); });
    bar->addWidget(m_targetBox);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // a CSV read has no fraction to report: a busy indicator
    m_progress->setMaximumWidth(160);
    m_progress->setTextVisible(false);
    m_progress->hide();
    bar->addWidget(m_progress);
    m_status = new QLabel(this);
    bar->addWidget(m_status);
    layout->addLayout(bar);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("dataError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { background:#fdecea; color:#8a1c1c; border:1px solid #e5a9a5;"
                                          " border-radius:3px; padding:6px; }"));
    m_error->hide();
    layout->addWidget(m_error);

    auto *split = new QSplitter(Qt::Horizontal, this);
    m_model = new TableModel(this);
    m_table = new QTableView(split);
    m_table->setObjectName(QStringLiteral("dataTable"));
    m_table->setModel(m_model);
    m_table->setWordWrap(false);
    m_table->setCornerButtonEnabled(false);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    // Uniform row heights: the view never measures a row, so a million rows cost nothing.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setHighlightSections(true);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentColumnChanged, this,
            [this](const QModelIndex &current) { if (current.isValid()) m_profile->showColumn(current.column()); });
    connect(m_model, &TableModel::complete, this, &DataView::onRowsComplete);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int column) { m_profile->showColumn(column); });

    auto *side = new QSplitter(Qt::Vertical, split);
    m_profile = new ColumnProfile(side);
    m_validation = new ValidationPanel(side);
    side->addWidget(m_profile);
    side->addWidget(m_validation);
    side->setStretchFactor(0, 3);
    side->setStretchFactor(1, 1);
    side->setSizes({750, 250}); // not from size hints: the profile is mostly a message before the first load
    connect(m_profile, &ColumnProfile::columnChosen, this, &DataView::focusColumn);
    connect(m_validation, &ValidationPanel::columnActivated, this, [this](const QString &name) {
        if (m_data)
            focusColumn(m_data->indexOf(name));
    });
    split->addWidget(m_table);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({860, 740});
    layout->addWidget(split, 1);

    m_elapsedTimer = new QTimer(this);
    m_elapsedTimer->setInterval(250);
    connect(m_elapsedTimer, &QTimer::timeout, this, [this] {
        m_status->setText(tr("%1 %2 s").arg(m_loadingStatus).arg(static_cast<double>(m_elapsed.elapsed()) / 1000.0, 0, 'f', 1));
    });
    m_file->setText(tr("No file open — Ctrl+O opens a CSV"));
}

DataView::~DataView() = default;

QString DataView::errorText() const
{
    return m_errorMessage;
}

QString DataView::target() const
{
    return m_targetBox->currentData().toString();
}

void DataView::chooseFile()
{
    const QString dir = m_path.isEmpty() ? m_session.workspaceDir() : QFileInfo(m_path).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open CSV"), dir, tr("CSV files (*.csv *.tsv *.txt);;All files (*)"));
    if (!path.isEmpty())
        openCsv(path);
}

void DataView::openCsv(const QString &path, const QString &target)
{
    startLoad(path, target, QString(), QString(), QString());
}

void DataView::showRunDataset(const QString &runId)
{
    const Result<RunRecord> run = m_session.store().run(runId);
    if (!run.ok()) {
        showFailure(run.error());
        return;
    }
    const Result<RunDataset> data = runDataset(run.value(), m_session.workspaceDir());
    if (!data.ok()) {
        showFailure(data.error());
        return;
    }
    startLoad(data->path, data->target, data->task, data->validationReportPath, run->id);
}

void DataView::setLoadingState(bool loading, const QString &status)
{
    m_loading = loading;
    m_progress->setVisible(loading);
    m_loadingStatus = status;
    m_status->setText(status);
    if (loading) {
        m_elapsed.start();
        m_elapsedTimer->start();
    } else {
        m_elapsedTimer->stop();
    }
}

void DataView::startLoad(const QString &path, const QString &target, const QString &task, const QString &reportPath,
                         const QString &runId)
{
    const quint64 generation = ++m_loadGeneration;
    ++m_validationGeneration;
    m_awaitingRows = false;
    m_path = path;
    m_task = task;
    m_taskTarget = target;
    m_errorMessage.clear();
    m_error->hide();
    m_error->clear();
    m_file->setText(QDir::toNativeSeparators(path));
    m_file->setToolTip(m_file->text());
    const qint64 bytes = QFileInfo(path).size();
    setLoadingState(true, tr("Reading %1 (%2)…").arg(QFileInfo(path).fileName(), sizeText(bytes)));
    m_profile->setBusy(tr("Reading the file…"));
    m_validation->setBusy(tr("Validation: waiting for the data…"));

    // One core stays free for the GUI thread: the parser would otherwise take them all.
    CsvOptions options;
    options.threads = std::max(1, QThread::idealThreadCount() - 1);
    auto *watcher = new QFutureWatcher<std::shared_ptr<Loaded>>(this);
    connect(watcher, &QFutureWatcher<std::shared_ptr<Loaded>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        onLoaded(generation, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(workerPool(), [path, target, reportPath, runId, options] {
        yieldToGuiThread();
        auto out = std::make_shared<Loaded>();
        out->runId = runId;
        out->target = target;
        QElapsedTimer clock;
        clock.start();
        Result<Table> table = readCsv(path, options, &out->report);
        out->ms = clock.elapsed();
        if (!table.ok()) {
            out->error = table.error();
            return out;
        }
        out->table = std::make_shared<const Table>(std::move(table).value());
        if (!reportPath.isEmpty()) {
            QFile f(reportPath);
            if (f.open(QIODevice::ReadOnly)) {
                Result<ValidationReport> report = validationReportFromJson(QJsonDocument::fromJson(f.readAll()).object(), reportPath);
                if (report.ok())
                    out->runReport = std::move(report).value();
            }
        }
        return out;
    }));
}

void DataView::onLoaded(quint64 generation, const std::shared_ptr<Loaded> &result)
{
    if (generation != m_loadGeneration) // a newer file was asked for meanwhile
        return;
    if (result->error) {
        showFailure(*result->error);
        return;
    }
    m_data = result->table;
    const qint64 rows = static_cast<qint64>(m_data->rowCount());
    m_loadedStatus = tr("%L1 rows × %2 columns, read in %3").arg(rows).arg(m_data->columnCount())
                         .arg(result->ms < 1000 ? tr("%1 ms").arg(result->ms) : tr("%1 s").arg(static_cast<double>(result->ms) / 1000.0, 0, 'f', 2));
    m_loadingStatus = tr("Showing %L1 rows…").arg(rows);
    {
        const QSignalBlocker block(m_targetBox);
        m_targetBox->clear();
        m_targetBox->addItem(tr("(none)"), QString());
        for (const Column &c : m_data->columns)
            m_targetBox->addItem(c.name, c.name);
        const int index = m_targetBox->findData(result->target);
        m_targetBox->setCurrentIndex(std::max(0, index));
    }
    m_runReport = result->runReport;
    m_runReportSource = tr("the report recorded by run %1 (target column '%2')").arg(result->runId.left(8), result->target);
    m_runReportTarget = result->target;
    m_profile->setBusy(tr("Profiling starts when the rows are shown…"));
    m_validation->setBusy(tr("Validation starts when the rows are shown…"));
    // Everything onRowsComplete() needs is set: a small table completes inside setTable().
    m_awaitingRows = true;
    m_model->setTable(m_data);
    fitColumnWidths();
}

void DataView::onRowsComplete()
{
    if (!m_awaitingRows || !m_data)
        return;
    m_awaitingRows = false;
    setLoadingState(false, m_loadedStatus);
    Q_EMIT loaded(static_cast<qint64>(m_data->rowCount()));
    // Profiling and validation start only now: while the rows are being exposed the GUI
    // thread grows the header's arrays, and worker threads touching hundreds of megabytes
    // at the same time stall it on the process's memory-map lock (measured: 50-70 ms).
    m_profile->setTable(m_data);
    if (m_runReport && m_targetBox->currentData().toString() == m_runReportTarget) {
        ++m_validationGeneration;
        m_validation->setReport(*m_runReport, m_runReportSource);
        Q_EMIT validated();
    } else {
        startValidation();
    }
    m_runReport.reset();
}

void DataView::showFailure(const Error &error)
{
    m_awaitingRows = false;
    m_runReport.reset();
    ++m_loadGeneration;
    ++m_validationGeneration;
    m_data.reset();
    m_model->setTable(nullptr);
    m_profile->clear();
    m_validation->clear();
    m_targetBox->clear();
    QString where;
    if (error.line > 0)
        where = error.column > 0 ? tr("line %1, column %2").arg(error.line).arg(error.column) : tr("line %1").arg(error.line);
    const QString file = error.file.isEmpty() ? QFileInfo(m_path).fileName() : QFileInfo(error.file).fileName();
    QString headline = file.isEmpty() ? tr("Could not load the data") : tr("Could not load %1").arg(file);
    if (!where.isEmpty())
        headline += QStringLiteral(" (%1)").arg(where);
    m_errorMessage = headline + QLatin1Char('\n') + error.toString();
    m_error->setText(QStringLiteral("<b>%1</b><br>%2").arg(headline.toHtmlEscaped(), error.toString().toHtmlEscaped()));
    m_error->show();
    setLoadingState(false, tr("Failed"));
    Q_EMIT failed(error.toString());
}

void DataView::startValidation()
{
    if (!m_data)
        return;
    const quint64 generation = ++m_validationGeneration;
    const QString target = m_targetBox->currentData().toString();
    m_validation->setBusy(tr("Validation: checking %L1 rows…").arg(m_data->rowCount()));
    auto *watcher = new QFutureWatcher<ValidationReport>(this);
    connect(watcher, &QFutureWatcher<ValidationReport>::finished, this, [this, watcher, generation, target] {
        watcher->deleteLater();
        if (generation != m_validationGeneration)
            return;
        m_validation->setReport(watcher->result(), target.isEmpty() ? tr("no target column") : tr("target column '%1'").arg(target));
        Q_EMIT validated();
    });
    const std::shared_ptr<const Table> data = m_data;
    const QString task = target == m_taskTarget ? m_task : QString(); // the run's task goes with the run's target
    const QString path = m_path;
    watcher->setFuture(QtConcurrent::run(workerPool(), [data, target, task, path] {
        yieldToGuiThread();
        return validate(*data, target, task, path);
    }));
}

void DataView::focusColumn(int column)
{
    if (column < 0 || column >= m_model->columnCount())
        return;
    const int row = std::max(0, m_table->currentIndex().row());
    const QModelIndex index = m_model->index(std::min(row, std::max(0, m_model->rowCount() - 1)), column);
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    m_profile->showColumn(column);
}

void DataView::fitColumnWidths()
{
    // From the header and the first rows only: measuring every cell of a million rows would
    // take seconds (what ResizeToContents does).
    const QFontMetrics fm = m_table->fontMetrics();
    const QFontMetrics headerFm = m_table->horizontalHeader()->fontMetrics();
    const std::size_t sample = std::min<std::size_t>(m_data->rowCount(), 64);
    for (int c = 0; c < static_cast<int>(m_data->columnCount()); ++c) {
        const Column &column = m_data->columns[static_cast<std::size_t>(c)];
        int width = headerFm.horizontalAdvance(column.name) + 24;
        for (std::size_t r = 0; r < sample; ++r)
            width = std::max(width, fm.horizontalAdvance(TableModel::cellText(column, r)) + 16);
        m_table->setColumnWidth(c, std::clamp(width, 48, 260));
    }
}

} // namespace mb
