#include "ui/eval/confusion_matrix_widget.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace mb {

namespace {

constexpr int kTitleHeight = 22; // "Predicted class" above the column labels
constexpr int kMargin = 6;

} // namespace

ConfusionMatrixWidget::ConfusionMatrixWidget(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixWidget::setMatrix(const QStringList &labels, const std::vector<std::vector<qint64>> &matrix)
{
    m_labels = labels;
    m_matrix = matrix;
    updateGeometry();
    update();
}

void ConfusionMatrixWidget::clear()
{
    setMatrix({}, {});
}

qint64 ConfusionMatrixWidget::count(int trueClass, int predictedClass) const
{
    if (trueClass < 0 || trueClass >= classCount() || predictedClass < 0 || predictedClass >= classCount())
        return 0;
    return m_matrix[static_cast<std::size_t>(trueClass)][static_cast<std::size_t>(predictedClass)];
}

double ConfusionMatrixWidget::rowShare(int trueClass, int predictedClass) const
{
    if (trueClass < 0 || trueClass >= classCount())
        return 0;
    qint64 total = 0;
    for (qint64 v : m_matrix[static_cast<std::size_t>(trueClass)])
        total += v;
    return total > 0 ? static_cast<double>(count(trueClass, predictedClass)) / static_cast<double>(total) : 0.0;
}

QString ConfusionMatrixWidget::cellText(int trueClass, int predictedClass) const
{
    return QStringLiteral("%1\n%2%").arg(count(trueClass, predictedClass)).arg(100.0 * rowShare(trueClass, predictedClass), 0, 'f', 1);
}

QSize ConfusionMatrixWidget::sizeHint() const
{
    return {420, 380};
}

QSize ConfusionMatrixWidget::minimumSizeHint() const
{
    return {220, 200};
}

ConfusionMatrixWidget::Geometry ConfusionMatrixWidget::geometry() const
{
    Geometry g;
    const QFontMetrics fm = fontMetrics();
    int widest = fm.horizontalAdvance(tr("True class"));
    for (const QString &label : m_labels)
        widest = std::max(widest, fm.horizontalAdvance(label));
    // Row labels sit left of the grid, next to a rotated "True class" title.
    g.labelWidth = std::min(widest + 10, width() / 3);
    const int labelBand = kMargin + fm.height() + 4 + g.labelWidth; // rotated title + row labels
    const int top = kMargin + kTitleHeight + fm.height() + 6;
    const int k = std::max(classCount(), 1);
    const int available = std::min(width() - labelBand - kMargin, height() - top - kMargin);
    g.cell = std::max(available / k, 8);
    // Centred horizontally: the matrix is square, the panel rarely is.
    const int left = labelBand + std::max(0, (width() - labelBand - kMargin - g.cell * k) / 2);
    g.grid = QRect(left, top, g.cell * k, g.cell * k);
    return g;
}

QColor ConfusionMatrixWidget::cellColor(double share)
{
    // White to a deep blue (sequential, colour-blind safe); the square root lifts small
    // shares off white so a 3% confusion is still visible.
    const double t = std::sqrt(std::clamp(share, 0.0, 1.0));
    const QColor lo(247, 251, 255), hi(8, 69, 148);
    return QColor::fromRgbF(lo.redF() + (hi.redF() - lo.redF()) * t, lo.greenF() + (hi.greenF() - lo.greenF()) * t,
                            lo.blueF() + (hi.blueF() - lo.blueF()) * t);
}

void ConfusionMatrixWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (m_matrix.empty())
        return;
    p.setRenderHint(QPainter::Antialiasing, false);
    const Geometry g = geometry();
    const int k = classCount();
    const QFontMetrics fm = fontMetrics();
    QFont bold = font();
    bold.setBold(true);

    for (int t = 0; t < k; ++t) {
        for (int c = 0; c < k; ++c) {
            const QRect cell(g.grid.left() + c * g.cell, g.grid.top() + t * g.cell, g.cell, g.cell);
            const double share = rowShare(t, c);
            p.fillRect(cell, cellColor(share));
            p.setPen(QColor(210, 210, 210));
            p.drawRect(cell.adjusted(0, 0, -1, -1));
            // Two lines when they fit, else the count alone.
            p.setPen(std::sqrt(share) > 0.55 ? Qt::white : QColor(20, 20, 20));
            p.setFont(t == c ? bold : font());
            const bool twoLines = g.cell >= 2 * fm.height() + 6 && g.cell >= fm.horizontalAdvance(QStringLiteral("100.0%")) + 6;
            p.drawText(cell, Qt::AlignCenter, twoLines ? cellText(t, c) : QString::number(count(t, c)));
        }
    }
    p.setFont(font());
    p.setPen(palette().text().color());
    for (int i = 0; i < k; ++i) {
        const QString label = fm.elidedText(m_labels.value(i), Qt::ElideRight, g.labelWidth - 6);
        p.drawText(QRect(g.grid.left() - g.labelWidth - 4, g.grid.top() + i * g.cell, g.labelWidth, g.cell),
                   Qt::AlignRight | Qt::AlignVCenter, label);
        p.drawText(QRect(g.grid.left() + i * g.cell, g.grid.top() - fm.height() - 4, g.cell, fm.height()), Qt::AlignCenter,
                   fm.elidedText(m_labels.value(i), Qt::ElideRight, g.cell - 2));
    }
    p.setFont(bold);
    p.drawText(QRect(g.grid.left(), kMargin, g.grid.width(), kTitleHeight), Qt::AlignCenter, tr("Predicted class"));
    p.save();
    p.translate(g.grid.left() - g.labelWidth - 8 - fm.height(), g.grid.center().y());
    p.rotate(-90);
    p.drawText(QRect(-g.grid.height() / 2, 0, g.grid.height(), fm.height() + 2), Qt::AlignCenter, tr("True class"));
    p.restore();
}

bool ConfusionMatrixWidget::event(QEvent *e)
{
    if (e->type() == QEvent::ToolTip && !m_matrix.empty()) {
        const auto *help = static_cast<QHelpEvent *>(e);
        const Geometry g = geometry();
        if (g.grid.contains(help->pos())) {
            const int c = (help->pos().x() - g.grid.left()) / g.cell;
            const int t = (help->pos().y() - g.grid.top()) / g.cell;
            QToolTip::showText(help->globalPos(),
                               tr("True %1, predicted %2: %3 rows (%4% of true %1)")
                                   .arg(m_labels.value(t), m_labels.value(c))
                                   .arg(count(t, c))
                                   .arg(100.0 * rowShare(t, c), 0, 'f', 1),
                               this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

} // namespace mb
