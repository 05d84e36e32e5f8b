#pragma once

#include <QStyledItemDelegate>

namespace mb {

/// Paints the progress column of JobListModel as a progress bar in the job state's colour,
/// labelled with the percentage and the phase (the node running); no widget per row.
/// Reads JobListModel::ProgressRole, StateRole and PhaseRole.
class JobProgressDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    explicit JobProgressDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /// The text drawn on the bar: "42% · model", "running" (no progress reported), "100%",
    /// "stopped at 40% · split", or empty.
    static QString barText(int state, double progress, const QString &phase);
};

} // namespace mb
