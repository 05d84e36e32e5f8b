#pragma once

#include "core/base/result.h"

#include <QJsonObject>
#include <QString>

namespace mb {

/// The one event type every job reports through: a pipeline run, an HPO trial, a
/// retraining; in process, over SSH or from Slurm (as JSON lines). Consumers (the store,
/// the GUI, the CLI) never know which transport carried it.
struct Event {
    enum class Type { Started, Metric, Log, Artifact, Progress, Finished, Failed, Cancelled };

    Type type = Type::Log;
    QString runId;
    qint64 timeMs = 0;  ///< wall clock, ms since epoch
    QString key;        ///< Metric: metric key; Progress: phase name; Log: level
    qint64 step = 0;    ///< Metric: step (boosting round, epoch, fold*1000+round...)
    double value = 0;   ///< Metric: value; Progress: fraction done in [0, 1]
    QString text;       ///< Log: line; Artifact: relative path; Failed: error message
    QJsonObject data;   ///< Finished: result JSON; Failed: error fields; Artifact: size, sha256

    static Event started(const QString &runId, const QJsonObject &info = {});
    static Event metric(const QString &runId, const QString &key, qint64 step, double value);
    static Event log(const QString &runId, const QString &text, const QString &level = QStringLiteral("info"));
    static Event artifact(const QString &runId, const QString &relPath, qint64 size, const QString &sha256);
    static Event progress(const QString &runId, const QString &phase, double fraction);
    static Event finished(const QString &runId, const QJsonObject &result);
    static Event failed(const QString &runId, const Error &error);
    static Event cancelled(const QString &runId);

    bool isTerminal() const { return type == Type::Finished || type == Type::Failed || type == Type::Cancelled; }

    /// One JSON object per event; the wire form of the SSH/Slurm transports (one per line).
    QJsonObject toJson() const;
    static Result<Event> fromJson(const QJsonObject &json);
    /// Parses one line of the JSON-lines transport; the error names what is malformed.
    static Result<Event> fromJsonLine(const QByteArray &line);
};

QString eventTypeName(Event::Type type);

/// Where a job posts its events. Implementations must be thread-safe: jobs post from
/// their worker threads.
class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void post(const Event &event) = 0;
};

} // namespace mb
