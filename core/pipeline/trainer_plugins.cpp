#include "core/pipeline/trainer_plugins.h"

#include "core/base/trainer.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonObject>
#include <QLibrary>
#include <QPluginLoader>

namespace mb {

QStringList trainerPluginDirs()
{
    QStringList dirs;
    const QString env = qEnvironmentVariable("MODELBENCH_PLUGIN_PATH");
    for (const QString &d : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        dirs << d;
    if (QCoreApplication::instance()) {
        const QDir app(QCoreApplication::applicationDirPath());
        // The build tree and an installed tree share the layout: bin/ beside lib/modelbench/plugins/.
        dirs << app.absoluteFilePath(QStringLiteral("../lib/modelbench/plugins"));
    }
    dirs.removeDuplicates();
    return dirs;
}

int loadTrainerPlugins(NodeRegistry &registry, const QStringList &dirs, QStringList *problems)
{
    int loaded = 0;
    for (const QString &dirPath : dirs) {
        const QDir dir(dirPath);
        if (!dir.exists())
            continue;
        for (const QString &file : dir.entryList(QDir::Files, QDir::Name)) {
            const QString path = dir.absoluteFilePath(file);
            if (!QLibrary::isLibrary(path))
                continue;
            QPluginLoader loader(path);
            // The metadata is read without loading the library: skip foreign plugins cheaply.
            if (loader.metaData().value(QStringLiteral("IID")).toString() != QLatin1String(MB_TRAINER_IID))
                continue;
            QObject *instance = loader.instance();
            auto *plugin = qobject_cast<TrainerPlugin *>(instance);
            if (!plugin) {
                if (problems)
                    *problems << QStringLiteral("%1: %2").arg(path, loader.errorString());
                continue;
            }
            std::shared_ptr<const Trainer> trainer(plugin->createTrainer());
            if (!trainer)
                continue;
            if (registry.trainer(trainer->id()))
                continue; // the first folder wins, so MODELBENCH_PLUGIN_PATH can override
            registry.addTrainer(trainer);
            ++loaded;
        }
    }
    return loaded;
}

} // namespace mb
