#include "ui/runs/run_cell_delegate.h"

#include <QApplication>
#include <QIcon>
#include <QPainter>

namespace mb {

namespace {

constexpr int kCachedTexts = 4096;
constexpr int kPadding = 4;
constexpr int kIconSize = 12;

} // namespace

RunCellDelegate::RunCellDelegate(QObject *parent) : QStyledItemDelegate(parent), m_texts(kCachedTexts) {}

const QStaticText &RunCellDelegate::staticText(const QString &text, const QFont &font) const
{
    if (font != m_cacheFont) {
        m_texts.clear();
        m_cacheFont = font;
    }
    if (QStaticText *cached = m_texts.object(text))
        return *cached;
    auto *st = new QStaticText(text);
    st->setTextFormat(Qt::PlainText);
    st->prepare(QTransform(), font);
    m_texts.insert(text, st);
    return *st;
}

void RunCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    // The view has drawn the row background (alternating colours); the selection is drawn
    // here over the whole cell, like the style does for row selection.
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = !(option.state & QStyle::State_Enabled) ? QPalette::Disabled
                                       : (option.state & QStyle::State_Active) ? QPalette::Active
                                                                                : QPalette::Inactive;
    if (selected)
        painter->fillRect(option.rect, option.palette.brush(group, QPalette::Highlight));

    QRect area = option.rect.adjusted(kPadding, 0, -kPadding, 0);
    const QVariant decoration = index.data(Qt::DecorationRole);
    if (decoration.isValid()) {
        const QIcon icon = qvariant_cast<QIcon>(decoration);
        const QRect iconRect(area.left(), area.top() + (area.height() - kIconSize) / 2, kIconSize, kIconSize);
        icon.paint(painter, iconRect);
        area.setLeft(area.left() + kIconSize + kPadding);
    }
    const QString text = index.data(Qt::DisplayRole).toString();
    if (text.isEmpty() || area.width() <= 0)
        return;
    const int alignment = index.data(Qt::TextAlignmentRole).toInt();
    painter->save();
    painter->setPen(option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    painter->setFont(option.font);
    const QStaticText &st = staticText(text, option.font);
    const QSizeF size = st.size();
    if (size.width() <= area.width()) {
        const qreal x = (alignment & Qt::AlignRight) ? area.right() + 1 - size.width() : area.left();
        painter->drawStaticText(QPointF(x, area.top() + (area.height() - size.height()) / 2), st);
    } else {
        const QString elided = option.fontMetrics.elidedText(text, Qt::ElideRight, area.width());
        painter->drawText(area, int(Qt::AlignVCenter | (alignment & Qt::AlignHorizontal_Mask)), elided);
    }
    painter->restore();
}

} // namespace mb
