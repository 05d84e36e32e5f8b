#include "ui/data/column_profile.h"

#include "ui/common/qcustomplot_include.h"
#include "ui/common/run_colors.h"
#include "ui/common/worker_pool.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mb {

namespace {

enum SummaryColumn { kName, kType, kMissingShare, kDistinct, kMin, kMax, kMean, kStd, kSummaryColumns };

QTableWidgetItem *numberItem(const QString &text, double sortValue)
{
    auto *item = new QTableWidgetItem(text);
    item->setData(Qt::UserRole, sortValue);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QSharedPointer<QCPAxisTicker> wholeNumberTicker()
{
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    return ticker;
}

QString percent(double fraction)
{
    if (fraction > 0 && fraction < 0.001)
        return QStringLiteral("<0.1%");
    return QString::number(100.0 * fraction, 'f', 1) + QLatin1Char('%');
}

} // namespace

ColumnProfile::ColumnProfile(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setStyleSheet(QStringLiteral("QLabel { color:#777; }"));
    layout->addWidget(m_status, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    m_content = split;
    m_summary = new QTableWidget(0, kSummaryColumns, split);
    m_summary->setObjectName(QStringLiteral("profileSummary"));
    m_summary->setHorizontalHeaderLabels({tr("Column"), tr("Type"), tr("Missing"), tr("Distinct"), tr("Min"), tr("Max"),
                                          tr("Mean"), tr("Std")});
    m_summary->horizontalHeaderItem(kStd)->setToolTip(tr("Sample standard deviation (n − 1)"));
    m_summary->verticalHeader()->hide();
    m_summary->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_summary->verticalHeader()->setDefaultSectionSize(m_summary->fontMetrics().height() + 6);
    m_summary->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_summary->setSelectionMode(QAbstractItemView::SingleSelection);
    m_summary->setAlternatingRowColors(true);
    m_summary->horizontalHeader()->setStretchLastSection(true);
    m_summary->setToolTip(tr("One row per column; choose a row to see its distribution"));
    connect(m_summary, &QTableWidget::currentCellChanged, this, [this](int row, int, int, int) {
        const int column = row >= 0 && m_summary->item(row, kName) ? m_summary->item(row, kName)->data(Qt::UserRole).toInt() : -1;
        if (column >= 0 && column != m_current) {
            showColumn(column);
            Q_EMIT columnChosen(column);
        }
    });

    auto *detail = new QWidget(split);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(4, 4, 4, 0);
    m_title = new QLabel(detail);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_title->setFont(bold);
    detailLayout->addWidget(m_title);
    m_details = new QLabel(detail);
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setWordWrap(true);
    detailLayout->addWidget(m_details);
    m_plot = new QCustomPlot(detail);
    m_plot->setObjectName(QStringLiteral("profilePlot"));
    m_plot->setMinimumHeight(160);
    m_plot->setNoAntialiasingOnDrag(true);
    detailLayout->addWidget(m_plot, 1);
    split->addWidget(m_summary);
    split->addWidget(detail);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);
    clear();
}

ColumnProfile::~ColumnProfile()
{
    if (m_cancel)
        m_cancel->store(true);
}

void ColumnProfile::clear()
{
    ++m_generation;
    if (m_cancel)
        m_cancel->store(true);
    m_cancel.reset();
    m_busy = false;
    m_profiles.clear();
    m_current = -1;
    m_summary->setRowCount(0);
    m_status->setText(tr("Column profiles appear here once data is loaded."));
    m_status->show();
    m_content->hide(); // no stale axes or empty tables: the message stands alone
    m_title->clear();
    m_details->clear();
    m_plot->clearPlottables();
    m_plot->replot();
}

void ColumnProfile::setBusy(const QString &message)
{
    clear();
    m_status->setText(message);
}

void ColumnProfile::setTable(std::shared_ptr<const Table> table)
{
    clear();
    if (!table)
        return;
    const quint64 generation = m_generation;
    m_busy = true;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_status->setText(tr("Profiling %n column(s)…", nullptr, static_cast<int>(table->columnCount())));
    auto cancel = m_cancel;
    auto *watcher = new QFutureWatcher<std::vector<ColumnStats>>(this);
    connect(watcher, &QFutureWatcher<std::vector<ColumnStats>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation) // a newer table: these profiles are stale
            return;
        onProfiled(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(workerPool(), [table, cancel] {
        yieldToGuiThread();
        return profileTable(*table, cancel.get()); }));
}

void ColumnProfile::onProfiled(std::vector<ColumnStats> profiles)
{
    m_busy = false;
    m_profiles = std::move(profiles);
    m_status->hide();
    m_content->show();
    fillSummary();
    if (!m_profiles.empty())
        showColumn(0);
    Q_EMIT profiled();
}

void ColumnProfile::fillSummary()
{
    const QSignalBlocker block(m_summary);
    m_summary->setSortingEnabled(false);
    m_summary->setRowCount(static_cast<int>(m_profiles.size()));
    for (int i = 0; i < static_cast<int>(m_profiles.size()); ++i) {
        const ColumnStats &s = m_profiles[static_cast<std::size_t>(i)];
        auto *name = new QTableWidgetItem(s.name);
        name->setData(Qt::UserRole, i);
        name->setToolTip(s.name);
        m_summary->setItem(i, kName, name);
        m_summary->setItem(i, kType, new QTableWidgetItem(columnTypeName(s.type)));
        auto *missing = numberItem(percent(s.missingFraction), s.missingFraction);
        if (s.missing > 0)
            missing->setToolTip(tr("%1 of %2 rows missing").arg(s.missing).arg(s.rows));
        m_summary->setItem(i, kMissingShare, missing);
        m_summary->setItem(i, kDistinct, numberItem(QString::number(s.distinct), static_cast<double>(s.distinct)));
        m_summary->setItem(i, kMin, numberItem(formatStat(s.min), s.min));
        m_summary->setItem(i, kMax, numberItem(formatStat(s.max), s.max));
        m_summary->setItem(i, kMean, numberItem(formatStat(s.mean), s.mean));
        m_summary->setItem(i, kStd, numberItem(formatStat(s.std), s.std));
    }
    m_summary->resizeColumnsToContents();
    m_summary->setColumnWidth(kName, std::min(m_summary->columnWidth(kName), 220));
}

void ColumnProfile::showColumn(int column)
{
    if (column < 0 || column >= static_cast<int>(m_profiles.size()))
        return;
    m_current = column;
    {
        const QSignalBlocker block(m_summary);
        for (int row = 0; row < m_summary->rowCount(); ++row)
            if (m_summary->item(row, kName) && m_summary->item(row, kName)->data(Qt::UserRole).toInt() == column) {
                m_summary->selectRow(row);
                m_summary->scrollToItem(m_summary->item(row, kName));
            }
    }
    const ColumnStats &s = m_profiles[static_cast<std::size_t>(column)];
    m_title->setText(tr("%1 — %2").arg(s.name, columnTypeName(s.type)));
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='2'><tr>");
    auto cell = [&html](const QString &label, const QString &value) {
        html += QStringLiteral("<td style='color:#666'>%1</td><td align='right' style='padding-right:14px'><b>%2</b></td>")
                    .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
    };
    cell(tr("rows"), QString::number(s.rows));
    cell(tr("missing"), tr("%1 (%2)").arg(s.missing).arg(percent(s.missingFraction)));
    cell(tr("distinct"), QString::number(s.distinct));
    if (s.type != ColumnType::Categorical) {
        html += QStringLiteral("</tr><tr>");
        cell(tr("min"), formatStat(s.min));
        cell(tr("max"), formatStat(s.max));
        cell(tr("mean"), formatStat(s.mean));
        cell(tr("std"), formatStat(s.std));
    }
    html += QStringLiteral("</tr></table>");
    m_details->setText(html);
    m_plot->clearPlottables();
    m_plot->clearItems();
    if (s.hasHistogram())
        drawHistogram(s);
    else
        drawTopValues(s);
    m_plot->replot();
}

void ColumnProfile::drawHistogram(const ColumnStats &s)
{
    auto *bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    QVector<double> keys, values;
    double top = 0;
    for (std::size_t i = 0; i < s.binCounts.size(); ++i) {
        keys << (s.binEdges[i] + s.binEdges[i + 1]) / 2;
        values << static_cast<double>(s.binCounts[i]);
        top = std::max(top, values.back());
    }
    bars->setData(keys, values, true);
    // One bar per value reads as a bar chart (gaps between bars); bins of a range touch.
    bars->setWidth(s.binPerValue ? 0.8 : s.binEdges[1] - s.binEdges[0]);
    bars->setPen(QPen(paletteColor(0).darker(130)));
    bars->setBrush(paletteColor(0));
    // Counts, and the values of a one-bar-per-value histogram, have no halves.
    m_plot->xAxis->setTicker(s.binPerValue ? wholeNumberTicker() : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->yAxis->setTicker(wholeNumberTicker());
    m_plot->xAxis->setLabel(s.name);
    m_plot->yAxis->setLabel(tr("rows"));
    m_plot->xAxis->setRange(s.binEdges.front(), s.binEdges.back());
    m_plot->yAxis->setRange(0, top * 1.08 + 1);
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->grid()->setVisible(true);
}

void ColumnProfile::drawTopValues(const ColumnStats &s)
{
    // Horizontal bars, most frequent on top: category names read without rotation.
    auto *bars = new QCPBars(m_plot->yAxis, m_plot->xAxis);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QVector<double> keys, values;
    double top = 0;
    auto add = [&](const QString &label, qint64 count) {
        const double key = -static_cast<double>(keys.size());
        keys << key;
        values << static_cast<double>(count);
        top = std::max(top, values.back());
        ticker->addTick(key, label.size() > 28 ? label.left(27) + QChar(0x2026) : label);
    };
    for (const auto &[label, count] : s.topValues)
        add(label, count);
    if (s.otherCount > 0)
        add(tr("(other)"), s.otherCount);
    bars->setData(keys, values, true);
    bars->setWidth(0.7);
    bars->setPen(Qt::NoPen);
    bars->setBrush(paletteColor(1));
    m_plot->yAxis->setTicker(ticker);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->yAxis->setLabel(QString());
    m_plot->xAxis->setLabel(tr("rows"));
    m_plot->yAxis->setRange(-static_cast<double>(keys.size()) + 0.4, 0.6);
    m_plot->xAxis->setRange(0, top * 1.08 + 1);
    m_plot->xAxis->grid()->setVisible(true);
    m_plot->yAxis->grid()->setVisible(false);
    if (keys.isEmpty()) {
        auto *text = new QCPItemText(m_plot);
        text->position->setType(QCPItemPosition::ptAxisRectRatio);
        text->position->setCoords(0.5, 0.5);
        text->setText(tr("no values"));
    }
}

} // namespace mb
