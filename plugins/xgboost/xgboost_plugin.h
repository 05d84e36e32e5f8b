#pragma once

#include "core/base/trainer.h"

#include <QObject>

namespace mb {

/// The Qt plugin: exports XgboostTrainer through the TrainerPlugin interface.
/// Its metadata (xgboost_plugin.json) is readable before the library is loaded.
class XgboostTrainerPlugin : public QObject, public TrainerPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID MB_TRAINER_IID FILE "xgboost_plugin.json")
    Q_INTERFACES(mb::TrainerPlugin)

public:
    /// A new, stateless XgboostTrainer; the caller owns it.
    std::unique_ptr<Trainer> createTrainer() const override;
};

} // namespace mb
