#pragma once

#include <QString>

namespace mb {

class MainWindow;

/// Renders every main view of `window` (its workspace already open) at 1600x1000 into
/// PNG files in a folder: what packaging/screenshots/ and the README tour are made of.
/// Waits for running jobs first so that the views show finished runs.
class ScreenshotTour {
public:
    ScreenshotTour(MainWindow &window, QString outDir) : m_window(window), m_outDir(std::move(outDir)) {}
    /// False (with a message on stderr) when a file cannot be written or jobs do not finish.
    bool run();

private:
    bool shoot(const QString &fileName);

    MainWindow &m_window;
    QString m_outDir;
};

} // namespace mb
