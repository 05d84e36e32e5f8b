#include "ui/compare/scatter_view.h"

#include "ui/common/qcustomplot_include.h"
#include "ui/common/run_colors.h"
#include "ui/common/run_selection.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMap>
#include <QSet>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mb {

namespace {

constexpr double kPickRadius = 8.0;
constexpr double kJitter = 0.18; ///< how far runs sharing a category spread from its centre

QString numberText(double v)
{
    return QString::number(v, 'g', 6);
}


bool preferredMetric(const QString &key)
{
    const QString k = key.toLower();
    return (k.contains(QLatin1String("valid")) || k.contains(QLatin1String("val")) || k.contains(QLatin1String("test"))
            || k.startsWith(QLatin1String("cv/")))
           && !k.contains(QLatin1String("fold"));
}

} // namespace

ScatterView::ScatterView(RunSelection &selection, QWidget *parent) : QWidget(parent), m_selection(selection)
{
    m_xBox = new QComboBox(this);
    m_xBox->setObjectName(QStringLiteral("scatterX"));
    m_xBox->setToolTip(QStringLiteral("Quantity on the x axis: a param, or a metric's final or best value"));
    m_xBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_xBox->setMinimumContentsLength(18);
    m_yBox = new QComboBox(this);
    m_yBox->setObjectName(QStringLiteral("scatterY"));
    m_yBox->setToolTip(QStringLiteral("Metric on the y axis (final or best value)"));
    m_yBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_yBox->setMinimumContentsLength(18);
    m_logX = new QCheckBox(QStringLiteral("log x"), this);
    m_logX->setObjectName(QStringLiteral("scatterLogX"));
    m_logX->setToolTip(QStringLiteral("Logarithmic x axis (all x values must be positive)"));
    m_logY = new QCheckBox(QStringLiteral("log y"), this);
    m_logY->setObjectName(QStringLiteral("scatterLogY"));
    m_logY->setToolTip(QStringLiteral("Logarithmic y axis (all y values must be positive)"));
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("scatterNote"));
    m_note->setToolTip(QStringLiteral("Click a point to select its run (Ctrl toggles); drag to select a region;\n"
                                      "the wheel zooms, a double-click fits the view"));

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("scatterPlot"));
    m_plot->setMinimumSize(240, 180);
    m_plot->setInteractions(QCP::iRangeZoom);
    m_plot->setSelectionRectMode(QCP::srmCustom);
    m_plot->setMouseTracking(true);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 0);
    bar->addWidget(new QLabel(QStringLiteral("x:"), this));
    bar->addWidget(m_xBox, 1);
    bar->addWidget(new QLabel(QStringLiteral("y:"), this));
    bar->addWidget(m_yBox, 1);
    bar->addWidget(m_logX);
    bar->addWidget(m_logY);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_note);

    const auto changed = [this] {
        if (!m_filling) {
            rebuildPoints();
            redraw();
        }
    };
    connect(m_xBox, &QComboBox::currentIndexChanged, this, changed);
    connect(m_yBox, &QComboBox::currentIndexChanged, this, changed);
    connect(m_logX, &QCheckBox::toggled, this, changed);
    connect(m_logY, &QCheckBox::toggled, this, changed);
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent *e) { m_pressPos = e->position().toPoint(); });
    connect(m_plot, &QCustomPlot::mouseRelease, this, &ScatterView::onMouseRelease);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ScatterView::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent *) {
        rebuildPoints();
        redraw();
    });
    connect(m_plot->selectionRect(), &QCPSelectionRect::accepted, this, &ScatterView::onRectSelected);
    connect(&m_selection, &RunSelection::selectionChanged, this, [this](QObject *) { redraw(); });
}

void ScatterView::setRuns(const std::vector<CompareRun> &runs)
{
    m_runs = runs;
    fillBoxes();
    rebuildPoints();
    redraw();
}

QString ScatterView::xField() const
{
    return m_xBox->currentData().toString();
}

QString ScatterView::yField() const
{
    return m_yBox->currentData().toString();
}

bool ScatterView::setAxes(const QString &xField, const QString &yField)
{
    const int x = m_xBox->findData(xField), y = m_yBox->findData(yField);
    if (x < 0 || y < 0)
        return false;
    m_filling = true;
    m_xBox->setCurrentIndex(x);
    m_yBox->setCurrentIndex(y);
    m_filling = false;
    rebuildPoints();
    redraw();
    return true;
}

void ScatterView::setLogScale(bool x, bool y)
{
    m_filling = true;
    m_logX->setChecked(x);
    m_logY->setChecked(y);
    m_filling = false;
    rebuildPoints();
    redraw();
}

bool ScatterView::isLogX() const
{
    return m_plot->xAxis->scaleType() == QCPAxis::stLogarithmic;
}

bool ScatterView::isLogY() const
{
    return m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic;
}

void ScatterView::fillBoxes()
{
    const QString oldX = xField(), oldY = yField();
    const std::vector<CompareField> fields = compareFields(m_runs);
    m_filling = true;
    m_xBox->clear();
    m_yBox->clear();
    CompareField::Kind last = CompareField::Kind::Param;
    for (const CompareField &f : fields) {
        if (m_xBox->count() > 0 && f.kind != last)
            m_xBox->insertSeparator(m_xBox->count());
        last = f.kind;
        m_xBox->addItem(f.title(), f.id());
        if (f.kind != CompareField::Kind::Param)
            m_yBox->addItem(f.title(), f.id());
    }
    // Defaults: a param that varies across the runs (numbers first) against a validation metric.
    int x = m_xBox->findData(oldX), y = m_yBox->findData(oldY);
    if (x < 0) {
        // Best: a numeric param every run has and that varies; then one every run has; then
        // any that varies.
        int best = -1, bestScore = 0;
        for (const CompareField &f : fields) {
            if (f.kind != CompareField::Kind::Param)
                break;
            QSet<QString> values;
            bool numeric = true;
            int present = 0;
            for (const CompareRun &r : m_runs) {
                const QJsonValue v = r.params.value(f.key);
                present += v.isUndefined() ? 0 : 1;
                values.insert(v.isDouble() ? numberText(v.toDouble()) : v.toVariant().toString());
                numeric = numeric && (v.isDouble() || v.isUndefined());
            }
            if (values.size() < 2)
                continue;
            const int score = 1 + (numeric ? 1 : 0) + (present == static_cast<int>(m_runs.size()) ? 2 : 0);
            if (score > bestScore) {
                bestScore = score;
                best = m_xBox->findData(f.id());
            }
        }
        x = best >= 0 ? best : (m_xBox->count() > 0 ? 0 : -1);
    }
    if (y < 0) {
        // A preferred final metric (validation AUC, loss...) that most runs have.
        int bestCount = 0;
        for (int i = 0; i < m_yBox->count(); ++i) {
            CompareField f;
            if (!CompareField::parse(m_yBox->itemData(i).toString(), &f) || f.kind != CompareField::Kind::MetricFinal
                || !preferredMetric(f.key))
                continue;
            int count = 0;
            for (const CompareRun &r : m_runs)
                count += r.metric(f.key) ? 1 : 0;
            if (count > bestCount) {
                bestCount = count;
                y = i;
            }
        }
        for (int i = 0; i < m_yBox->count() && y < 0; ++i)
            if (!m_yBox->itemData(i).toString().contains(QLatin1String("sys/")))
                y = i;
        if (y < 0 && m_yBox->count() > 0)
            y = 0;
    }
    m_xBox->setCurrentIndex(x);
    m_yBox->setCurrentIndex(y);
    m_filling = false;
}

bool ScatterView::valueOf(const CompareRun &run, const CompareField &field, double *number, QString *text) const
{
    if (field.kind == CompareField::Kind::Param) {
        const QJsonValue v = run.params.value(field.key);
        if (v.isUndefined() || v.isNull())
            return false;
        if (v.isDouble()) {
            *number = v.toDouble();
            *text = numberText(*number);
        } else {
            *number = std::nan("");
            *text = v.isBool() ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false")) : v.toVariant().toString();
        }
        return true;
    }
    const MetricSummary *s = run.metric(field.key);
    if (!s)
        return false;
    *number = field.kind == CompareField::Kind::MetricFinal ? s->latest : s->best;
    *text = numberText(*number);
    return std::isfinite(*number);
}

void ScatterView::rebuildPoints()
{
    m_points.clear();
    m_categories.clear();
    CompareField fx, fy;
    const bool haveAxes = CompareField::parse(xField(), &fx) && CompareField::parse(yField(), &fy);
    int missing = 0;
    if (haveAxes) {
        bool textX = false;
        for (const CompareRun &r : m_runs) {
            Point p;
            p.runId = r.id;
            QString yText;
            if (!valueOf(r, fx, &p.x, &p.xText) || !valueOf(r, fy, &p.y, &yText)) {
                ++missing;
                continue;
            }
            textX = textX || std::isnan(p.x);
            m_points.push_back(p);
        }
        if (textX) {
            // Categories in a natural order: numbers by value, then text.
            QSet<QString> set;
            for (const Point &p : m_points)
                set.insert(p.xText);
            m_categories = QStringList(set.cbegin(), set.cend());
            std::sort(m_categories.begin(), m_categories.end(), [](const QString &a, const QString &b) {
                bool na = false, nb = false;
                const double da = a.toDouble(&na), db = b.toDouble(&nb);
                if (na && nb)
                    return da < db;
                if (na != nb)
                    return na;
                return a.localeAwareCompare(b) < 0;
            });
            // Runs that share a category are spread evenly across it (in run-id order, so a
            // run keeps its place between redraws) and never hide each other.
            QMap<QString, QStringList> perCategory;
            for (const Point &p : m_points)
                perCategory[p.xText].append(p.runId);
            for (QStringList &ids : perCategory)
                ids.sort();
            for (Point &p : m_points) {
                const QStringList &ids = perCategory[p.xText];
                const double offset = ids.size() > 1 ? -kJitter + 2.0 * kJitter * ids.indexOf(p.runId) / (ids.size() - 1) : 0.0;
                p.x = double(m_categories.indexOf(p.xText) + 1) + offset;
            }
        }
    }

    // Log axes only where every value is positive.
    const auto allPositive = [this](bool x) {
        return !m_points.empty()
               && std::all_of(m_points.begin(), m_points.end(), [x](const Point &p) { return (x ? p.x : p.y) > 0; });
    };
    m_logX->setEnabled(m_categories.isEmpty() && allPositive(true));
    m_logY->setEnabled(allPositive(false));
    const bool logX = m_logX->isEnabled() && m_logX->isChecked();
    const bool logY = m_logY->isEnabled() && m_logY->isChecked();
    m_plot->xAxis->setScaleType(logX ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    m_plot->yAxis->setScaleType(logY ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    m_plot->yAxis->setTicker(logY ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                                  : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));

    // Fit the view to the points.
    if (logX) {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog));
    } else if (m_categories.isEmpty()) {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    } else {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (int i = 0; i < m_categories.size(); ++i)
            ticker->addTick(i + 1, m_categories[i]);
        m_plot->xAxis->setTicker(ticker);
    }
    const auto fit = [](QCPAxis *axis, double lo, double hi) {
        if (axis->scaleType() == QCPAxis::stLogarithmic) {
            axis->setRange(lo / 1.25, hi * 1.25);
            return;
        }
        if (!(hi > lo)) {
            const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        const double margin = (hi - lo) * 0.08;
        axis->setRange(lo - margin, hi + margin);
    };
    if (m_points.empty()) {
        m_plot->xAxis->setRange(0, 1);
        m_plot->yAxis->setRange(0, 1);
    } else {
        double xlo = m_points[0].x, xhi = xlo, ylo = m_points[0].y, yhi = ylo;
        for (const Point &p : m_points) {
            xlo = std::min(xlo, p.x);
            xhi = std::max(xhi, p.x);
            ylo = std::min(ylo, p.y);
            yhi = std::max(yhi, p.y);
        }
        if (m_categories.isEmpty())
            fit(m_plot->xAxis, xlo, xhi);
        else
            m_plot->xAxis->setRange(0.5, m_categories.size() + 0.5);
        fit(m_plot->yAxis, ylo, yhi);
    }
    m_plot->xAxis->setLabel(haveAxes ? fx.title() : QString());
    m_plot->yAxis->setLabel(haveAxes ? fy.title() : QString());

    if (m_runs.empty())
        m_note->setText(QStringLiteral("No runs to compare: select runs in the run table and choose Compare."));
    else if (!haveAxes)
        m_note->setText(QStringLiteral("These runs logged no metric to plot."));
    else if (missing > 0)
        m_note->setText(QStringLiteral("%1 of %2 runs shown; %3 have no value for %4 or %5.")
                            .arg(m_points.size())
                            .arg(m_runs.size())
                            .arg(missing)
                            .arg(fx.title(), fy.title()));
    else
        m_note->setText(QStringLiteral("%1 runs. Click or drag to select; wheel zooms; double-click fits.").arg(m_points.size()));
}

void ScatterView::redraw()
{
    m_plot->clearGraphs();
    const bool anySelected = std::any_of(m_points.begin(), m_points.end(), [this](const Point &p) {
        return m_selection.contains(p.runId);
    });
    // One graph per colour and emphasis: ten palette colours keep this a handful of graphs
    // however many runs there are. Highlighted points are added last, so they are on top.
    for (int pass = 0; pass < 2; ++pass) {
        const bool highlighted = pass == 1;
        QMap<QRgb, QCPGraph *> graphs;
        for (const Point &p : m_points) {
            if (m_selection.contains(p.runId) != highlighted)
                continue;
            const QColor color = runColor(p.runId);
            QCPGraph *&g = graphs[color.rgb()];
            if (!g) {
                g = m_plot->addGraph();
                g->setLineStyle(QCPGraph::lsNone);
                // Unselected points stay readable but step back while others are selected.
                QColor fill = color;
                QColor edge = color.darker(135);
                if (anySelected && !highlighted) {
                    fill.setAlpha(120);
                    edge.setAlpha(150);
                }
                const QPen pen = highlighted ? QPen(QColor(0x20, 0x20, 0x20), 1.8) : QPen(edge, 1.0);
                g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, pen, QBrush(fill), highlighted ? 13 : 9));
                g->setSelectable(QCP::stNone);
            }
            g->addData(p.x, p.y);
        }
    }
    m_plot->replot();
}

QStringList ScatterView::plottedRuns() const
{
    QStringList ids;
    for (const Point &p : m_points)
        ids << p.runId;
    return ids;
}

QStringList ScatterView::highlightedRuns() const
{
    QStringList ids;
    for (const Point &p : m_points)
        if (m_selection.contains(p.runId))
            ids << p.runId;
    return ids;
}

QPointF ScatterView::pointPosition(const QString &runId) const
{
    for (const Point &p : m_points)
        if (p.runId == runId)
            return QPointF(m_plot->xAxis->coordToPixel(p.x), m_plot->yAxis->coordToPixel(p.y));
    return QPointF();
}

QString ScatterView::runAt(const QPointF &pixel) const
{
    QString best;
    double bestDistance = kPickRadius * kPickRadius;
    for (const Point &p : m_points) {
        const double dx = m_plot->xAxis->coordToPixel(p.x) - pixel.x();
        const double dy = m_plot->yAxis->coordToPixel(p.y) - pixel.y();
        const double d = dx * dx + dy * dy;
        if (d <= bestDistance) {
            bestDistance = d;
            best = p.runId;
        }
    }
    return best;
}

QString ScatterView::toolTipFor(const QString &runId) const
{
    for (const Point &p : m_points) {
        if (p.runId != runId)
            continue;
        QString name = runId.left(8);
        for (const CompareRun &r : m_runs)
            if (r.id == runId)
                name = r.label();
        return QStringLiteral("%1\n%2 = %3\n%4 = %5")
            .arg(name, m_xBox->currentText(), p.xText, m_yBox->currentText(), QString::number(p.y, 'g', 8));
    }
    return QString();
}

void ScatterView::onMouseRelease(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const QPoint pos = event->position().toPoint();
    if ((pos - m_pressPos).manhattanLength() > 3)
        return; // a drag: the selection rectangle handles it
    const QString id = runAt(pos);
    const bool add = event->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier);
    if (id.isEmpty()) {
        if (!add)
            m_selection.clear(this);
    } else if (add) {
        m_selection.toggle(id, this);
    } else {
        m_selection.setRuns({id}, this);
    }
}

void ScatterView::onRectSelected(const QRect &rect, QMouseEvent *event)
{
    const QRectF area = QRectF(rect).normalized();
    QStringList ids = (event && (event->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier))) ? m_selection.runs()
                                                                                                 : QStringList();
    for (const Point &p : m_points) {
        const QPointF at(m_plot->xAxis->coordToPixel(p.x), m_plot->yAxis->coordToPixel(p.y));
        if (area.contains(at) && !ids.contains(p.runId))
            ids << p.runId;
    }
    m_selection.setRuns(ids, this);
}

void ScatterView::onMouseMove(QMouseEvent *event)
{
    if (event->buttons() != Qt::NoButton)
        return;
    const QPoint pos = event->position().toPoint();
    const QString id = runAt(pos);
    if (id.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(m_plot->mapToGlobal(pos), toolTipFor(id), m_plot);
}

} // namespace mb
