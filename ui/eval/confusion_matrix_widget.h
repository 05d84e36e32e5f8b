#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

namespace mb {

/// A confusion-matrix heatmap: rows are the true class, columns the predicted class; each
/// cell shows its count and its share of the row (the recall of that true class for the
/// diagonal). The colour follows the row share, so a rare class reads as clearly as a
/// frequent one; text turns white on dark cells. Hovering a cell explains it. GUI thread.
class ConfusionMatrixWidget : public QWidget {
    Q_OBJECT

public:
    explicit ConfusionMatrixWidget(QWidget *parent = nullptr);

    /// `matrix` is [true][predicted], labels.size() x labels.size().
    void setMatrix(const QStringList &labels, const std::vector<std::vector<qint64>> &matrix);
    void clear();

    int classCount() const { return static_cast<int>(m_matrix.size()); }
    qint64 count(int trueClass, int predictedClass) const;
    /// The share of the true class's row, in [0, 1].
    double rowShare(int trueClass, int predictedClass) const;
    /// The text drawn in a cell: "37\n88.1%".
    QString cellText(int trueClass, int predictedClass) const;
    QStringList labels() const { return m_labels; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Geometry {
        QRect grid;
        int cell = 0;
        int labelWidth = 0;
    };
    Geometry geometry() const;
    static QColor cellColor(double share);

    QStringList m_labels;
    std::vector<std::vector<qint64>> m_matrix;
};

} // namespace mb
