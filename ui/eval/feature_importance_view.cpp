#include "ui/eval/feature_importance_view.h"

#include "ui/common/qcustomplot_include.h"
#include "ui/eval/evaluation_plots.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace mb {

namespace {

constexpr int kTop = 20;

QString kindHelp(const QString &kind)
{
    if (kind == QLatin1String("gain"))
        return QObject::tr("gain: average loss reduction of the splits on the feature");
    if (kind == QLatin1String("total_gain"))
        return QObject::tr("total_gain: summed loss reduction of the splits on the feature");
    if (kind == QLatin1String("weight"))
        return QObject::tr("weight: number of splits on the feature");
    if (kind == QLatin1String("cover"))
        return QObject::tr("cover: average number of training rows reaching the splits on the feature");
    if (kind == QLatin1String("total_cover"))
        return QObject::tr("total_cover: summed number of training rows reaching the splits on the feature");
    return kind;
}

} // namespace

FeatureImportanceView::FeatureImportanceView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Top %1 by").arg(kTop), this));
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("importanceKind"));
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    bar->addWidget(m_kind);
    bar->addStretch(1);
    layout->addLayout(bar);
    m_plot = makeEvaluationPlot(QStringLiteral("importancePlot"), this);
    m_plot->setInteractions(QCP::Interactions());
    layout->addWidget(m_plot, 1);
}

void FeatureImportanceView::setImportance(const std::map<QString, std::vector<std::pair<QString, double>>> &importance)
{
    m_importance = importance;
    const QString previous = m_kind->currentText();
    {
        const QSignalBlocker block(m_kind);
        m_kind->clear();
        for (const auto &entry : m_importance) {
            m_kind->addItem(entry.first);
            m_kind->setItemData(m_kind->count() - 1, kindHelp(entry.first), Qt::ToolTipRole);
        }
        int index = m_kind->findText(previous);
        if (index < 0)
            index = m_kind->findText(QStringLiteral("gain"));
        m_kind->setCurrentIndex(std::max(index, 0));
    }
    redraw();
}

void FeatureImportanceView::setKind(const QString &kind)
{
    const int index = m_kind->findText(kind);
    if (index >= 0)
        m_kind->setCurrentIndex(index);
}

QString FeatureImportanceView::kind() const
{
    return m_kind->currentText();
}

QStringList FeatureImportanceView::kinds() const
{
    QStringList out;
    for (const auto &entry : m_importance)
        out << entry.first;
    return out;
}

void FeatureImportanceView::redraw()
{
    m_shown.clear();
    const auto it = m_importance.find(kind());
    static const std::vector<std::pair<QString, double>> none;
    const auto &values = it == m_importance.end() ? none : it->second;
    for (int i = 0; i < std::min<int>(kTop, static_cast<int>(values.size())); ++i)
        m_shown << values[static_cast<std::size_t>(i)].first;
    m_kind->setToolTip(kindHelp(kind()));
    plotImportance(m_plot, values, kind(), kTop);
}

} // namespace mb
