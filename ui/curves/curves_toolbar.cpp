#include "ui/curves/curves_toolbar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>

namespace mb {

CurvesToolbar::CurvesToolbar(QWidget *parent)
    : QWidget(parent), m_filter(new QLineEdit(this)), m_xAxis(new QComboBox(this)), m_smoothing(new QSlider(Qt::Horizontal, this)),
      m_smoothingValue(new QLabel(this)), m_logY(new QCheckBox(QStringLiteral("Log y"), this)), m_groupBy(new QComboBox(this)),
      m_band(new QComboBox(this)), m_status(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);

    m_filter->setObjectName(QStringLiteral("curvesFilter"));
    m_filter->setPlaceholderText(QStringLiteral("Filter metrics (e.g. loss val/)"));
    m_filter->setToolTip(QStringLiteral("Shows the metrics whose key contains every word typed (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(200);
    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(150);
    connect(m_filter, &QLineEdit::textChanged, &m_filterTimer, qOverload<>(&QTimer::start));
    connect(&m_filterTimer, &QTimer::timeout, this, [this] { Q_EMIT filterChanged(m_filter->text()); });
    layout->addWidget(m_filter, 2);

    layout->addSpacing(8);
    layout->addWidget(new QLabel(QStringLiteral("X axis"), this));
    m_xAxis->setObjectName(QStringLiteral("curvesXAxis"));
    m_xAxis->addItem(QStringLiteral("Step"), int(XAxisMode::Step));
    m_xAxis->addItem(QStringLiteral("Wall time"), int(XAxisMode::WallTime));
    m_xAxis->addItem(QStringLiteral("Relative time"), int(XAxisMode::RelativeTime));
    m_xAxis->setToolTip(QStringLiteral("Step, the time each point was logged, or the time since its run started"));
    connect(m_xAxis, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { Q_EMIT xAxisChanged(xAxis()); });
    layout->addWidget(m_xAxis);

    layout->addSpacing(8);
    layout->addWidget(new QLabel(QStringLiteral("Smoothing"), this));
    m_smoothing->setObjectName(QStringLiteral("curvesSmoothing"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(0);
    m_smoothing->setFixedWidth(120);
    m_smoothing->setToolTip(QStringLiteral("Debiased exponential moving average drawn over the faded raw curve (0 = off)"));
    m_smoothingValue->setMinimumWidth(30);
    m_smoothingValue->setText(QStringLiteral("0.00"));
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) {
        m_smoothingValue->setText(QString::number(v / 100.0, 'f', 2));
        Q_EMIT smoothingChanged(v / 100.0);
    });
    layout->addWidget(m_smoothing);
    layout->addWidget(m_smoothingValue);

    m_logY->setObjectName(QStringLiteral("curvesLogY"));
    m_logY->setToolTip(QStringLiteral("Logarithmic y axis; values <= 0 are left out and counted on each chart"));
    connect(m_logY, &QCheckBox::toggled, this, &CurvesToolbar::logYChanged);
    layout->addWidget(m_logY);

    layout->addSpacing(8);
    layout->addWidget(new QLabel(QStringLiteral("Group by"), this));
    m_groupBy->setObjectName(QStringLiteral("curvesGroupBy"));
    m_groupBy->addItem(QStringLiteral("No grouping"), QString());
    m_groupBy->setToolTip(QStringLiteral("Runs with the same value of this param (seeds, folds) are drawn as one mean ± band"));
    m_groupBy->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_groupBy, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_band->setEnabled(!groupBy().isEmpty());
        Q_EMIT groupByChanged(groupBy());
    });
    layout->addWidget(m_groupBy);
    m_band->setObjectName(QStringLiteral("curvesBand"));
    m_band->addItem(QStringLiteral("min–max"), int(BandMode::MinMax));
    m_band->addItem(QStringLiteral("± 1 std"), int(BandMode::StdDev));
    m_band->setToolTip(QStringLiteral("The band around a group's mean: the range of its runs or one standard deviation"));
    m_band->setEnabled(false);
    connect(m_band, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { Q_EMIT bandModeChanged(bandMode()); });
    layout->addWidget(m_band);

    layout->addStretch(1);
    m_status->setObjectName(QStringLiteral("curvesStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
}

void CurvesToolbar::setParamKeys(const QStringList &keys)
{
    const QString current = groupBy();
    QStringList have;
    for (int i = 1; i < m_groupBy->count(); ++i)
        have.append(m_groupBy->itemData(i).toString());
    if (have == keys)
        return;
    {
        const QSignalBlocker block(m_groupBy);
        while (m_groupBy->count() > 1)
            m_groupBy->removeItem(1);
        for (const QString &k : keys)
            m_groupBy->addItem(k, k);
        const int at = current.isEmpty() ? 0 : m_groupBy->findData(current);
        m_groupBy->setCurrentIndex(std::max(0, at));
    }
    if (groupBy() != current) {
        m_band->setEnabled(false);
        Q_EMIT groupByChanged(QString());
    }
}

void CurvesToolbar::setStatus(const QString &text)
{
    m_status->setText(text);
}

QString CurvesToolbar::filter() const
{
    return m_filter->text();
}

XAxisMode CurvesToolbar::xAxis() const
{
    return static_cast<XAxisMode>(m_xAxis->currentData().toInt());
}

double CurvesToolbar::smoothing() const
{
    return m_smoothing->value() / 100.0;
}

bool CurvesToolbar::logY() const
{
    return m_logY->isChecked();
}

QString CurvesToolbar::groupBy() const
{
    return m_groupBy->currentData().toString();
}

BandMode CurvesToolbar::bandMode() const
{
    return static_cast<BandMode>(m_band->currentData().toInt());
}

} // namespace mb
