#include "ui/compare/param_diff_table.h"

#include "core/store/store.h"
#include "ui/common/run_colors.h"
#include "ui/common/run_selection.h"

#include <QApplication>
#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>

namespace mb {

namespace {

constexpr int kMaxRunColumnWidth = 220;
constexpr int kMaxLabelWidth = 280;

QString valueText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String: return v.toString();
    case QJsonValue::Double: return QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array: return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    default: return QString();
    }
}

QString durationText(const CompareRun &r)
{
    if (r.endMs <= 0)
        return r.status == RunStatus::Running ? QStringLiteral("running") : QString();
    const double s = double(r.endMs - r.startMs) / 1000.0;
    return s < 60 ? QStringLiteral("%1 s").arg(s, 0, 'f', 1) : QStringLiteral("%1 min").arg(s / 60.0, 0, 'f', 1);
}

QIcon swatch(const QColor &c)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(c.darker(130));
    p.setBrush(c);
    p.drawRoundedRect(QRectF(1.5, 1.5, 9, 9), 2, 2);
    return QIcon(pm);
}

} // namespace

ParamDiffTable::ParamDiffTable(RunSelection &selection, QWidget *parent) : QWidget(parent), m_selection(selection)
{
    m_onlyDiff = new QCheckBox(QStringLiteral("Only what differs"), this);
    m_onlyDiff->setObjectName(QStringLiteral("onlyDifferences"));
    m_onlyDiff->setToolTip(QStringLiteral("Hide rows whose value is the same for every run"));
    m_summary = new QLabel(this);
    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("paramDiffTable"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::ContiguousSelection);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->horizontalHeader()->setSectionsClickable(true);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 0);
    bar->addWidget(m_onlyDiff);
    bar->addWidget(m_summary, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    connect(m_onlyDiff, &QCheckBox::toggled, this, &ParamDiffTable::applyFilter);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int section) {
        if (section < 1 || section > int(m_runs.size()))
            return;
        const QString id = m_runs[std::size_t(section - 1)].id;
        if (QApplication::keyboardModifiers() & Qt::ControlModifier)
            m_selection.toggle(id, this);
        else
            m_selection.setRuns({id}, this);
    });
    connect(&m_selection, &RunSelection::selectionChanged, this, &ParamDiffTable::updateHeaders);
}

void ParamDiffTable::setRuns(const std::vector<CompareRun> &runs)
{
    m_runs = runs;
    rebuild();
}

void ParamDiffTable::setOnlyDifferences(bool on)
{
    m_onlyDiff->setChecked(on);
}

bool ParamDiffTable::onlyDifferences() const
{
    return m_onlyDiff->isChecked();
}

int ParamDiffTable::rowOf(const QString &fieldId) const
{
    return m_rowOf.value(fieldId, -1);
}

bool ParamDiffTable::isRowShown(const QString &fieldId) const
{
    const int row = rowOf(fieldId);
    return row >= 0 && !m_table->isRowHidden(row);
}

QString ParamDiffTable::cellText(const QString &fieldId, const QString &runId) const
{
    const int row = rowOf(fieldId);
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        if (m_runs[i].id == runId && row >= 0) {
            const QTableWidgetItem *item = m_table->item(row, int(i) + 1);
            return item ? item->text() : QString();
        }
    }
    return QString();
}

QStringList ParamDiffTable::bestRuns(const QString &metricKey) const
{
    return m_best.value(metricKey);
}

void ParamDiffTable::rebuild()
{
    m_rowOf.clear();
    m_rowDiffers.clear();
    m_best.clear();
    m_headingRows.clear();
    m_table->clear();
    const int n = int(m_runs.size());
    m_table->setColumnCount(n + 1);
    m_table->setRowCount(0);
    m_table->setHorizontalHeaderItem(0, new QTableWidgetItem(QStringLiteral("Field")));
    for (int i = 0; i < n; ++i) {
        const CompareRun &r = m_runs[std::size_t(i)];
        auto *h = new QTableWidgetItem(swatch(runColor(r.id)), r.label());
        h->setToolTip(QStringLiteral("%1\nid %2\nClick to select this run (Ctrl+click adds it)").arg(r.label(), r.id));
        m_table->setHorizontalHeaderItem(i + 1, h);
    }

    QFont boldFont = m_table->font();
    boldFont.setBold(true);
    const auto heading = [&](const QString &title) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *item = new QTableWidgetItem(title);
        item->setFont(boldFont);
        item->setBackground(m_table->palette().color(QPalette::Button));
        item->setFlags(Qt::ItemIsEnabled);
        m_table->setItem(row, 0, item);
        if (n > 0)
            m_table->setSpan(row, 0, 1, n + 1);
        m_headingRows << row;
    };
    // One data row: texts per run, and whether the values differ (`same` compares two runs).
    const auto dataRow = [&](const QString &fieldId, const QString &label, const std::function<QString(const CompareRun &)> &text,
                             const std::function<bool(const CompareRun &, const CompareRun &)> &same) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *labelItem = new QTableWidgetItem(label);
        labelItem->setToolTip(label);
        m_table->setItem(row, 0, labelItem);
        bool differs = false;
        for (int i = 0; i < n; ++i) {
            const CompareRun &r = m_runs[std::size_t(i)];
            auto *item = new QTableWidgetItem(text(r));
            item->setToolTip(item->text());
            m_table->setItem(row, i + 1, item);
            if (i > 0 && !same(m_runs[0], r))
                differs = true;
        }
        m_rowOf.insert(fieldId, row);
        m_rowDiffers.insert(row, differs);
        return row;
    };

    heading(QStringLiteral("Run"));
    dataRow(QStringLiteral("run:status"), QStringLiteral("status"), [](const CompareRun &r) { return runStatusName(r.status); },
            [](const CompareRun &a, const CompareRun &b) { return a.status == b.status; });
    dataRow(QStringLiteral("run:experiment"), QStringLiteral("experiment"), [](const CompareRun &r) { return r.experiment; },
            [](const CompareRun &a, const CompareRun &b) { return a.experiment == b.experiment; });
    dataRow(QStringLiteral("run:started"), QStringLiteral("started"),
            [](const CompareRun &r) { return QDateTime::fromMSecsSinceEpoch(r.startMs).toString(QStringLiteral("yyyy-MM-dd HH:mm")); },
            [](const CompareRun &a, const CompareRun &b) { return a.startMs / 60000 == b.startMs / 60000; });
    dataRow(QStringLiteral("run:duration"), QStringLiteral("duration"), durationText,
            [](const CompareRun &a, const CompareRun &b) { return durationText(a) == durationText(b); });

    QSet<QString> paramSet, metricSet;
    for (const CompareRun &r : m_runs) {
        for (auto it = r.params.constBegin(); it != r.params.constEnd(); ++it)
            paramSet.insert(it.key());
        for (const MetricSummary &s : r.metrics)
            if (s.count > 0)
                metricSet.insert(s.key);
    }
    QStringList params(paramSet.cbegin(), paramSet.cend()), metrics(metricSet.cbegin(), metricSet.cend());
    params.sort();
    metrics.sort();
    if (!params.isEmpty())
        heading(QStringLiteral("Parameters"));
    for (const QString &key : params) {
        dataRow(QStringLiteral("param:") + key, key, [key](const CompareRun &r) { return valueText(r.params.value(key)); },
                [key](const CompareRun &a, const CompareRun &b) { return a.params.value(key) == b.params.value(key); });
    }
    if (!metrics.isEmpty())
        heading(QStringLiteral("Metrics (final value)"));
    const QColor bestBackground(0xD8, 0xEF, 0xD3);
    for (const QString &key : metrics) {
        const auto finalValue = [key](const CompareRun &r) {
            const MetricSummary *s = r.metric(key);
            return s ? s->latest : std::nan("");
        };
        const int row = dataRow(
            QStringLiteral("metric:") + key, key,
            [finalValue](const CompareRun &r) {
                const double v = finalValue(r);
                return std::isnan(v) ? QString() : QString::number(v, 'g', 6);
            },
            [finalValue](const CompareRun &a, const CompareRun &b) {
                const double x = finalValue(a), y = finalValue(b);
                return (std::isnan(x) && std::isnan(y)) || x == y;
            });
        // The best final value by the metric's direction, when at least two runs have one.
        MetricDirection direction = defaultMetricDirection(key);
        double best = std::nan("");
        int withValue = 0;
        for (const CompareRun &r : m_runs) {
            const MetricSummary *s = r.metric(key);
            if (!s || std::isnan(s->latest))
                continue;
            direction = s->direction;
            ++withValue;
            if (std::isnan(best) || (direction == MetricDirection::Minimize ? s->latest < best : s->latest > best))
                best = s->latest;
        }
        for (int i = 0; i < n; ++i) {
            const CompareRun &r = m_runs[std::size_t(i)];
            const MetricSummary *s = r.metric(key);
            QTableWidgetItem *item = m_table->item(row, i + 1);
            if (!s) {
                item->setToolTip(QStringLiteral("%1 did not log %2").arg(r.label(), key));
                continue;
            }
            QString tip = QStringLiteral("%1 of %2\nfinal %3 at step %4\nbest %5 at step %6 (%7 is better)")
                              .arg(key, r.label(), QString::number(s->latest, 'g', 10))
                              .arg(s->lastStep)
                              .arg(QString::number(s->best, 'g', 10))
                              .arg(s->bestStep)
                              .arg(s->direction == MetricDirection::Minimize ? QStringLiteral("lower") : QStringLiteral("higher"));
            if (withValue >= 2 && s->latest == best) {
                item->setBackground(bestBackground);
                item->setForeground(QColor(0x1E, 0x5B, 0x1E));
                item->setFont(boldFont);
                tip += QStringLiteral("\nbest of the compared runs");
                m_best[key] << r.id;
            }
            item->setToolTip(tip);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        }
    }

    m_table->resizeColumnsToContents();
    if (m_table->columnWidth(0) > kMaxLabelWidth)
        m_table->setColumnWidth(0, kMaxLabelWidth);
    for (int i = 1; i <= n; ++i)
        m_table->setColumnWidth(i, std::clamp(m_table->columnWidth(i) + 8, 90, kMaxRunColumnWidth));
    updateHeaders();
    applyFilter();
}

void ParamDiffTable::applyFilter()
{
    const bool only = m_onlyDiff->isChecked() && m_runs.size() >= 2;
    int shown = 0, total = 0;
    // A heading is shown when any row under it is.
    int heading = -1;
    bool headingHasRows = false;
    const auto closeHeading = [&] {
        if (heading >= 0)
            m_table->setRowHidden(heading, !headingHasRows);
    };
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_headingRows.contains(row)) {
            closeHeading();
            heading = row;
            headingHasRows = false;
            continue;
        }
        const bool visible = !only || m_rowDiffers.value(row, true);
        m_table->setRowHidden(row, !visible);
        headingHasRows = headingHasRows || visible;
        shown += visible ? 1 : 0;
        ++total;
    }
    closeHeading();
    m_summary->setText(only ? QStringLiteral("%1 of %2 fields differ").arg(shown).arg(total)
                            : QStringLiteral("%1 fields of %2 runs").arg(total).arg(m_runs.size()));
}

void ParamDiffTable::updateHeaders()
{
    for (int i = 0; i < int(m_runs.size()); ++i) {
        QTableWidgetItem *h = m_table->horizontalHeaderItem(i + 1);
        if (!h)
            continue;
        QFont f = m_table->horizontalHeader()->font();
        f.setBold(m_selection.contains(m_runs[std::size_t(i)].id));
        h->setFont(f);
    }
}

} // namespace mb
