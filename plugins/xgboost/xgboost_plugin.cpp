#include "plugins/xgboost/xgboost_plugin.h"

#include "plugins/xgboost/xgboost_trainer.h"

namespace mb {

std::unique_ptr<Trainer> XgboostTrainerPlugin::createTrainer() const
{
    return std::make_unique<XgboostTrainer>();
}

} // namespace mb
