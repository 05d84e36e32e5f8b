#include "ui/curves/metric_chart.h"

#include "ui/common/worker_pool.h"

#include "ui/common/qcustomplot_include.h"
#include "ui/common/workspace_session.h"
#include "ui/curves/chart_export.h"
#include "ui/curves/chart_plot.h"
#include "ui/curves/replot_scheduler.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QThread>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace mb {

namespace {

constexpr int kTrailingReadMs = 300; // one more read after live points stop: the store commits within 100 ms
const QString kOverlayLayer = QStringLiteral("overlay");

} // namespace

MetricChart::MetricChart(WorkspaceSession &session, const QString &key, QWidget *parent)
    : QWidget(parent), m_session(session), m_key(key), m_plot(new ChartPlot(this)), m_renderer(m_plot),
      m_watcher(new QFutureWatcher<ChartData>(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumSize(240, 180);

    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setPlottingHint(QCP::phFastPolylines, true); // wide lines as segments: no costly joins
    m_plot->setMouseTracking(true);
    m_plot->setFocusPolicy(Qt::ClickFocus); // Home (unhandled by the plot) reaches the chart
    QCPAxisRect *rect = m_plot->axisRect();
    rect->setRangeDrag(Qt::Horizontal);
    rect->setRangeZoom(Qt::Horizontal);
    rect->setRangeZoomAxes(m_plot->xAxis, m_plot->yAxis); // the Shift+drag rectangle zooms both
    m_plot->setSelectionRectMode(QCP::srmNone);
    m_plot->selectionRect()->setPen(QPen(QColor(0x4E79A7), 1, Qt::DashLine));
    m_plot->selectionRect()->setBrush(QColor(78, 121, 167, 30));

    m_title = new QCPTextElement(m_plot, key, QFont(font().family(), font().pointSize() + 1, QFont::DemiBold));
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_plot->yAxis->setNumberFormat(QStringLiteral("gb"));
    m_plot->xAxis->grid()->setPen(QPen(QColor(225, 225, 225)));
    m_plot->yAxis->grid()->setPen(QPen(QColor(225, 225, 225)));

    QFont small = font();
    small.setPointSizeF(std::max(7.0, font().pointSizeF() - 1));
    m_plot->legend->setFont(small);
    m_plot->legend->setBrush(QColor(255, 255, 255, 200));
    m_plot->legend->setBorderPen(QPen(QColor(200, 200, 200)));
    m_plot->legend->setIconSize(14, 8);
    rect->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    m_plot->layer(kOverlayLayer)->setMode(QCPLayer::lmBuffered); // hover repaints only this layer
    m_noteItem = new QCPItemText(m_plot);
    m_noteItem->setLayer(kOverlayLayer);
    m_noteItem->setClipToAxisRect(false);
    m_noteItem->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_noteItem->position->setCoords(0.01, 0.01);
    m_noteItem->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_noteItem->setFont(small);
    m_noteItem->setColor(QColor(110, 110, 110));
    m_noteItem->setBrush(QColor(255, 255, 255, 190));
    m_tracer = new QCPItemTracer(m_plot);
    m_tracer->setLayer(kOverlayLayer);
    m_tracer->setStyle(QCPItemTracer::tsCircle);
    m_tracer->setSize(8);
    m_tracer->setVisible(false);
    updateAxes();

    m_readTimer.setSingleShot(true);
    connect(&m_readTimer, &QTimer::timeout, this, &MetricChart::startRead);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &MetricChart::onReadFinished);
    connect(m_plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, &MetricChart::onXRangeChanged);
    connect(m_plot, &QCustomPlot::mousePress, this, &MetricChart::onMousePress);
    connect(m_plot, &QCustomPlot::mouseMove, this, &MetricChart::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &MetricChart::onMouseRelease);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, &MetricChart::onDoubleClick);
    connect(m_plot->selectionRect(), &QCPSelectionRect::accepted, this, [this] {
        m_yManual = true; // the rectangle set y as well: keep it until the view is reset
        m_following = false;
    });
    m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_plot, &QWidget::customContextMenuRequested, this, &MetricChart::onContextMenu);
    connect(&session, &WorkspaceSession::metricsArrived, this, &MetricChart::onMetricsArrived);
    connect(&session.selection(), &RunSelection::selectionChanged, this, &MetricChart::onSelectionChanged);
    m_options.selected = QSet<QString>(session.selection().runs().cbegin(), session.selection().runs().cend());
    updateNote();
}

MetricChart::~MetricChart()
{
    m_watcher->disconnect(this);
    m_watcher->waitForFinished();
}

void MetricChart::setRuns(const QStringList &runIds)
{
    QStringList unique;
    for (const QString &id : runIds)
        if (!id.isEmpty() && !unique.contains(id))
            unique.append(id);
    m_runs = unique;
    m_following = true;
    m_yManual = false;
    invalidate();
    scheduleRead(0);
}

void MetricChart::setSmoothing(double weight)
{
    const double w = std::clamp(weight, 0.0, 0.99);
    if (w == m_options.smoothing)
        return;
    m_options.smoothing = w;
    redraw();
}

void MetricChart::setLogY(bool on)
{
    if (on == m_options.logY)
        return;
    m_options.logY = on;
    m_yManual = false;
    updateAxes();
    redraw();
}

void MetricChart::setXAxis(XAxisMode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    m_following = true; // a range in steps means nothing in seconds
    updateAxes();
    invalidate();
    scheduleRead(0);
}

void MetricChart::setGroupBy(const QString &paramKey)
{
    if (paramKey == m_options.groupBy)
        return;
    m_options.groupBy = paramKey;
    redraw();
}

void MetricChart::setBandMode(BandMode mode)
{
    if (mode == m_options.band)
        return;
    m_options.band = mode;
    redraw();
}

void MetricChart::setLegendVisible(bool on)
{
    m_options.legend = on;
    redraw();
}

void MetricChart::setXRange(double from, double to)
{
    if (!(to > from))
        return;
    m_following = false;
    setXRangeSilently(from, to);
    invalidate();
    scheduleRead(kViewDebounceMs);
    requestReplot();
}

void MetricChart::resetView()
{
    m_following = true;
    m_yManual = false;
    if (std::isfinite(m_data.extentFrom))
        setXRangeSilently(m_data.extentFrom, m_data.extentTo);
    fitY();
    requestReplot();
    invalidate();
    scheduleRead(0);
}

bool MetricChart::exportTo(const QString &path, QString *error) const
{
    return exportChart(m_plot, m_renderer.curves(), m_options.groupBy, path, error);
}

bool MetricChart::isIdle() const
{
    return !m_inFlight && !m_readPending && !m_readTimer.isActive() && !ReplotScheduler::instance().isPending(m_plot);
}

void MetricChart::requestReplot()
{
    static_cast<ChartPlot *>(m_plot)->requestReplot();
}

bool MetricChart::waitForIdle(int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (!isIdle() && timer.elapsed() < ms) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!isIdle())
            QThread::msleep(1);
    }
    QCoreApplication::processEvents(); // the repaint
    return isIdle();
}

QString MetricChart::runAt(const QPoint &pos, double maxDistancePx) const
{
    const int curve = m_renderer.hitTest(pos, maxDistancePx, nullptr);
    if (curve < 0)
        return QString();
    const QStringList &ids = m_renderer.curves()[std::size_t(curve)].runIds;
    return ids.isEmpty() ? QString() : ids.first();
}

void MetricChart::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_deferred) {
        m_deferred = false;
        scheduleRead(0);
    }
}

void MetricChart::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Noticeably more or fewer pixels: read at the new detail once the resize settles.
    const int change = std::abs(width() - m_readWidth);
    if (!m_runs.isEmpty() && m_readCount > 0 && change > std::max(8, m_readWidth / 20))
        m_readTimer.start(kViewDebounceMs);
}

void MetricChart::onMetricsArrived(const QSet<QString> &runIds)
{
    bool ours = false;
    for (const QString &id : runIds)
        ours = ours || m_runs.contains(id);
    if (!ours)
        return;
    m_liveDirty = true;
    // Coalesce: a burst of batches is one read per interval, never a restarted timer that
    // would starve under a steady stream.
    if (!m_readTimer.isActive() && !m_inFlight)
        scheduleRead(kLiveIntervalMs);
    else if (m_inFlight)
        m_readPending = true;
}

void MetricChart::onSelectionChanged()
{
    const QStringList runs = m_session.selection().runs();
    QSet<QString> selected(runs.cbegin(), runs.cend());
    if (selected == m_options.selected)
        return;
    m_options.selected = selected;
    redraw();
}

void MetricChart::onXRangeChanged()
{
    if (m_settingRange)
        return;
    m_following = false; // the user moved the view: stop following the data
    clearHover();
    invalidate();
    scheduleRead(kViewDebounceMs);
}

void MetricChart::invalidate()
{
    ++m_generation;
}

void MetricChart::scheduleRead(int delayMs)
{
    if (!isVisible() && window()->isVisible()) {
        m_deferred = true; // in a collapsed section or a hidden tab: read when shown
        return;
    }
    m_readTimer.start(delayMs);
}

int MetricChart::bucketCount() const
{
    // The axis rect's width is only known after a layout pass: run one now if the plot
    // was resized since (cheap, no drawing), so the first read already has pixel detail.
    QCPLayout *layout = m_plot->plotLayout();
    if (layout->outerRect() != m_plot->rect() || m_plot->axisRect()->width() <= 20) {
        layout->setOuterRect(m_plot->rect());
        layout->update(QCPLayoutElement::upPreparation);
        layout->update(QCPLayoutElement::upMargins);
        layout->update(QCPLayoutElement::upLayout);
    }
    return std::max(50, m_plot->axisRect()->width());
}

void MetricChart::startRead()
{
    if (m_inFlight) {
        m_readPending = true;
        return;
    }
    if (m_runs.isEmpty()) {
        ChartData empty;
        empty.generation = m_generation;
        empty.key = m_key;
        empty.mode = m_mode;
        empty.extentFrom = empty.extentTo = qQNaN();
        applyData(std::move(empty));
        return;
    }
    ChartRequest request;
    request.generation = m_generation;
    request.key = m_key;
    request.runIds = m_runs;
    request.mode = m_mode;
    request.fullRange = m_following;
    request.xFrom = m_plot->xAxis->range().lower;
    request.xTo = m_plot->xAxis->range().upper;
    request.buckets = bucketCount();
    m_readWidth = width();
    request.knownRuns = m_runInfo;
    if (m_mode != XAxisMode::Step)
        request.timeIndex = m_timeIndex;
    m_lastReadLive = m_liveDirty;
    m_liveDirty = false;
    m_inFlight = true;
    const Store *store = &m_session.store();
    m_watcher->setFuture(QtConcurrent::run(workerPool(), [store, request]() { return loadChartData(*store, request); }));
}

void MetricChart::onReadFinished()
{
    m_inFlight = false;
    ChartData data = m_watcher->result();
    for (auto it = data.runInfo.cbegin(); it != data.runInfo.cend(); ++it)
        if (it->found)
            m_runInfo.insert(it.key(), it.value());
    for (auto it = data.timeIndex.cbegin(); it != data.timeIndex.cend(); ++it)
        m_timeIndex.insert(it.key(), it.value());
    if (data.generation == m_generation && data.mode == m_mode)
        applyData(std::move(data));
    if (m_readPending) {
        m_readPending = false;
        if (!m_readTimer.isActive())
            m_readTimer.start(m_liveDirty ? kLiveIntervalMs : 0);
    } else if (m_lastReadLive && !m_readTimer.isActive()) {
        m_readTimer.start(kTrailingReadMs);
    }
}

void MetricChart::applyData(ChartData data)
{
    m_data = std::move(data);
    ++m_readCount;
    m_pointsShown = 0;
    for (const ChartRunSeries &s : m_data.runs)
        m_pointsShown += s.pointsShown;
    if (m_following && std::isfinite(m_data.extentFrom)) {
        double from = m_data.extentFrom, to = m_data.extentTo;
        if (!(to > from)) {
            from -= 1;
            to += 1;
        }
        setXRangeSilently(from, to);
    }
    redraw();
    Q_EMIT dataLoaded();
}

void MetricChart::redraw()
{
    clearHover();
    m_options.columns = bucketCount();
    m_renderer.render(m_data, m_options);
    updateNote();
    fitY();
    requestReplot();
}

void MetricChart::fitY()
{
    if (m_yManual)
        return;
    const QCPRange x = m_plot->xAxis->range();
    double lo = 0, hi = 0;
    if (!m_renderer.valueRange(x.lower, x.upper, &lo, &hi)) {
        m_plot->yAxis->setRange(m_options.logY ? QCPRange(0.1, 10) : QCPRange(0, 1));
        return;
    }
    if (m_options.logY) {
        const double f = hi > lo ? std::pow(hi / lo, 0.05) : 2.0;
        m_plot->yAxis->setRange(lo / f, hi * f);
    } else {
        const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(std::abs(hi) * 0.05, 0.5);
        m_plot->yAxis->setRange(lo - pad, hi + pad);
    }
}

void MetricChart::updateAxes()
{
    QCPAxis *x = m_plot->xAxis;
    switch (m_mode) {
    case XAxisMode::Step:
        x->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        x->setNumberFormat(QStringLiteral("gb"));
        x->setLabel(QStringLiteral("step"));
        break;
    case XAxisMode::WallTime: {
        auto ticker = QSharedPointer<QCPAxisTickerDateTime>(new QCPAxisTickerDateTime);
        ticker->setDateTimeFormat(QStringLiteral("hh:mm:ss\nMMM d"));
        x->setTicker(ticker);
        x->setLabel(QStringLiteral("wall time"));
        break;
    }
    case XAxisMode::RelativeTime: {
        auto ticker = QSharedPointer<QCPAxisTickerTime>(new QCPAxisTickerTime);
        ticker->setTimeFormat(QStringLiteral("%h:%m:%s"));
        x->setTicker(ticker);
        x->setLabel(QStringLiteral("time since run start (h:m:s)"));
        break;
    }
    }
    QCPAxis *y = m_plot->yAxis;
    if (m_options.logY) {
        y->setScaleType(QCPAxis::stLogarithmic);
        y->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    } else {
        y->setScaleType(QCPAxis::stLinear);
        y->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
}

void MetricChart::updateNote()
{
    QStringList parts;
    if (m_runs.isEmpty())
        parts.append(QStringLiteral("no runs to show"));
    else if (m_renderer.curves().empty() && m_readCount > 0)
        parts.append(QStringLiteral("no points of '%1' in %2 yet").arg(m_key, m_runs.size() == 1 ? QStringLiteral("this run") : QStringLiteral("these runs")));
    if (m_renderer.hiddenNonPositive() > 0)
        parts.append(QStringLiteral("%1 value%2 <= 0 not drawn (log scale)")
                         .arg(m_renderer.hiddenNonPositive())
                         .arg(m_renderer.hiddenNonPositive() == 1 ? QString() : QStringLiteral("s")));
    const bool interpolated = std::any_of(m_data.runs.cbegin(), m_data.runs.cend(),
                                          [](const ChartRunSeries &s) { return s.timeInterpolated; });
    if (interpolated)
        parts.append(QStringLiteral("times of long series interpolated between %1 logged times").arg(TimeIndex::kDefaultAnchors));
    if (!m_data.problems.isEmpty())
        parts.append(m_data.problems.first() + (m_data.problems.size() > 1 ? QStringLiteral(" (+%1 more)").arg(m_data.problems.size() - 1) : QString()));
    if (!m_exportProblem.isEmpty())
        parts.append(m_exportProblem);
    m_note = parts.join(QStringLiteral(" · "));
    m_noteItem->setText(m_note);
    m_noteItem->setVisible(!m_note.isEmpty());
    m_noteItem->setPadding(m_note.isEmpty() ? QMargins() : QMargins(3, 1, 3, 1));
}

void MetricChart::setXRangeSilently(double from, double to)
{
    m_settingRange = true;
    m_plot->xAxis->setRange(from, to);
    m_settingRange = false;
}

} // namespace mb
