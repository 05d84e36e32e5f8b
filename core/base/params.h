#pragma once

#include "core/base/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace mb {

/// One parameter of a node or trainer: what the GUI's parameter panel is generated
/// from and what validation checks before anything runs.
struct ParamSpec {
    enum class Kind { Int, Float, Bool, String, Choice, Path, Object, StringList };

    QString name;
    Kind kind = Kind::Float;
    QJsonValue defaultValue = QJsonValue(QJsonValue::Undefined); ///< Undefined: required; Null: optional, no value
    std::optional<double> min;    ///< inclusive unless minExclusive
    std::optional<double> max;    ///< inclusive
    bool minExclusive = false;
    QStringList choices;          ///< Choice only
    QString help;                 ///< one line for tooltips and --help

    bool required() const { return defaultValue.isUndefined(); }
    QJsonObject toJson() const;
};

using ParamSchema = std::vector<ParamSpec>;

QString paramKindName(ParamSpec::Kind kind);

/// Checks `params` against `schema`: unknown names, missing required values, wrong types,
/// values out of range or not among the choices. `owner` names the node or trainer in the
/// message ("node 'model': parameter 'eta' = -0.1 is out of range (0, 1]").
Status validateParams(const ParamSchema &schema, const QJsonObject &params, const QString &owner);

/// `params` with every missing optional value filled from its default.
QJsonObject withDefaults(const ParamSchema &schema, const QJsonObject &params);

QJsonArray schemaToJson(const ParamSchema &schema);

} // namespace mb
