#pragma once

#include <QCache>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace mb {

/// Paints run table cells: background and selection through the style, then one icon and
/// one line of text. Text goes through a cache of laid-out QStaticText, so a cell whose
/// text was seen before (statuses, experiments, tags, repeated param values) is not shaped
/// again on every scroll frame; the style's generic item painting lays out every cell's
/// text anew and is most of the cost of a frame. GUI thread only.
class RunCellDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    explicit RunCellDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    const QStaticText &staticText(const QString &text, const QFont &font) const;

    mutable QCache<QString, QStaticText> m_texts;
    mutable QFont m_cacheFont; ///< the font the cached texts were laid out with
};

} // namespace mb
