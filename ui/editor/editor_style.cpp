#include "ui/editor/editor_style.h"

#include "ui/common/run_colors.h"

namespace mb {

QString nodeStateName(NodeState state)
{
    switch (state) {
    case NodeState::NotRun: return QStringLiteral("not run");
    case NodeState::Queued: return QStringLiteral("queued");
    case NodeState::Running: return QStringLiteral("running");
    case NodeState::Done: return QStringLiteral("done");
    case NodeState::Cached: return QStringLiteral("cached");
    case NodeState::Failed: return QStringLiteral("failed");
    case NodeState::Stale: return QStringLiteral("stale");
    }
    return QString();
}

NodeState nodeStateFromString(const QString &state)
{
    if (state == QLatin1String("running"))
        return NodeState::Running;
    if (state == QLatin1String("done"))
        return NodeState::Done;
    if (state == QLatin1String("cached"))
        return NodeState::Cached;
    if (state == QLatin1String("failed"))
        return NodeState::Failed;
    return NodeState::NotRun;
}

QColor nodeStateColor(NodeState state)
{
    switch (state) {
    case NodeState::NotRun: return QColor(0x9A, 0xA0, 0xA6);
    case NodeState::Queued: return QColor(0x80, 0x86, 0x8B);
    case NodeState::Running: return QColor(0x1A, 0x73, 0xE8);
    case NodeState::Done: return QColor(0x2E, 0x8B, 0x3E);
    case NodeState::Cached: return QColor(0x13, 0x8D, 0x90);
    case NodeState::Failed: return QColor(0xD9, 0x30, 0x25);
    case NodeState::Stale: return QColor(0xC7, 0x7C, 0x02);
    }
    return QColor(Qt::gray);
}

QColor portTypeColor(PortType type)
{
    // Same palette as the runs (Tableau 10), so the editor shares the app's look.
    switch (type) {
    case PortType::Table: return paletteColor(0);
    case PortType::Split: return paletteColor(1);
    case PortType::Preprocessor: return paletteColor(6);
    case PortType::Model: return paletteColor(4);
    case PortType::Metrics: return paletteColor(2);
    }
    return QColor(Qt::gray);
}

QColor categoryColor(const QString &category)
{
    if (category == QLatin1String("Data"))
        return paletteColor(0);
    if (category == QLatin1String("Prepare"))
        return paletteColor(1);
    if (category == QLatin1String("Model"))
        return paletteColor(4);
    if (category == QLatin1String("Evaluate"))
        return paletteColor(2);
    return paletteColor(9);
}

} // namespace mb
