#pragma once

#include "ui/common/qcustomplot_include.h"

#include <QVector>

namespace mb {

/// The min..max band of a decimated series: per bucket a translucent column from its min to
/// its max, as wide as the space to its neighbours, drawn as plain rectangles without
/// antialiasing. A filled QCPGraph channel costs ~15 ms per run at 1600 px (a polygon of
/// 3,000 vertices, antialiased); these columns cost a fraction of a millisecond, and a spike
/// one bucket wide stays a solid column. Columns under 2 px tall are left to the line. Not
/// selectable; points with NaN bounds are gaps.
class ChartBand : public QCPAbstractPlottable {
public:
    ChartBand(QCPAxis *keyAxis, QCPAxis *valueAxis);

    /// x ascending (unsorted input is sorted with its bounds); lo/hi of the same length.
    void setData(const QVector<double> &x, const QVector<double> &lo, const QVector<double> &hi);
    int size() const { return static_cast<int>(m_x.size()); }

    double selectTest(const QPointF &pos, bool onlySelectable, QVariant *details = nullptr) const override;
    QCPRange getKeyRange(bool &foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth) const override;
    QCPRange getValueRange(bool &foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth,
                           const QCPRange &inKeyRange = QCPRange()) const override;

protected:
    void draw(QCPPainter *painter) override;
    void drawLegendIcon(QCPPainter *painter, const QRectF &rect) const override;

private:
    QVector<double> m_x, m_lo, m_hi;
};

} // namespace mb
