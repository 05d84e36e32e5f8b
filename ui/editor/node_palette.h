#pragma once

#include "core/pipeline/node_registry.h"

#include <QWidget>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace mb {

/// The node types a pipeline can use (built-ins and the trainer plugins' nodes from a
/// NodeRegistry), grouped by category, each with its help and ports as tooltip, and a
/// filter box matching names, ids and help. Double-clicking (or Enter on) a type emits
/// nodeTypeActivated(); dragging one onto the editor's view drops a node there. The
/// registry must outlive the palette. GUI thread only.
class NodePalette : public QWidget {
    Q_OBJECT

public:
    explicit NodePalette(const NodeRegistry &registry, QWidget *parent = nullptr);

    /// MIME type of a dragged node type; the data is the type id in UTF-8.
    static QString mimeType();

    /// Shows only the types whose display name, id, category or help contains `text`
    /// (case-insensitive); empty shows all.
    void setFilter(const QString &text);
    QLineEdit *filterEdit() const { return m_filter; }
    QTreeWidget *tree() const { return m_tree; }
    /// The tree row of a node type (null when the registry has no such type).
    QTreeWidgetItem *itemForType(const QString &typeId) const;
    /// Type ids currently visible (not filtered out), in display order.
    QStringList visibleTypes() const;

Q_SIGNALS:
    /// The user asked to add a node of `typeId` (double-click or Enter).
    void nodeTypeActivated(const QString &typeId);

private:
    void populate();

    const NodeRegistry &m_registry;
    QLineEdit *m_filter;
    QTreeWidget *m_tree;
};

} // namespace mb
