#pragma once

#include <QString>
#include <QWidget>

#include <map>
#include <utility>
#include <vector>

class QComboBox;
class QCustomPlot;

namespace mb {

/// The feature importance chart: the top 20 features as horizontal bars, for the kind chosen
/// in its combo box (XGBoost's gain, weight, cover, total_gain, total_cover; gain first).
/// GUI thread.
class FeatureImportanceView : public QWidget {
    Q_OBJECT

public:
    explicit FeatureImportanceView(QWidget *parent = nullptr);

    /// kind -> (feature, value), largest first (EvaluationData::importance).
    void setImportance(const std::map<QString, std::vector<std::pair<QString, double>>> &importance);
    /// Shows `kind`; ignored when the run has no such kind.
    void setKind(const QString &kind);
    QString kind() const;
    QStringList kinds() const;
    /// The features drawn, top first.
    QStringList shownFeatures() const { return m_shown; }
    QCustomPlot *plot() const { return m_plot; }
    bool isEmpty() const { return m_importance.empty(); }

private:
    void redraw();

    QComboBox *m_kind = nullptr;
    QCustomPlot *m_plot = nullptr;
    std::map<QString, std::vector<std::pair<QString, double>>> m_importance;
    QStringList m_shown;
};

} // namespace mb
