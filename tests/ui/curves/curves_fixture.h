#pragma once

// A temporary workspace with runs whose metrics are logged through the Store, for the
// curves tests.

#include "ui/common/workspace_session.h"

#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

namespace mb::test {

class CurvesWorkspace {
public:
    CurvesWorkspace()
    {
        Result<std::unique_ptr<WorkspaceSession>> s = WorkspaceSession::open(m_dir.path());
        if (s.ok())
            m_session = std::move(s.value());
        else
            qWarning("cannot open the test workspace: %s", qPrintable(s.error().message));
    }
    bool ok() const { return m_dir.isValid() && m_session != nullptr; }
    WorkspaceSession &session() { return *m_session; }
    Store &store() { return m_session->store(); }
    QString path() const { return m_dir.path(); }

    /// A new run named `name` with `params`; empty on failure (the test then fails).
    QString createRun(const QString &name, const QJsonObject &params = {})
    {
        NewRun run;
        run.name = name;
        run.params = params;
        Result<QString> id = store().createRun(run);
        return id.ok() ? id.value() : QString();
    }
    /// Logs value(step) for steps [0, count) of `key` and commits.
    bool logSeries(const QString &runId, const QString &key, qint64 count, const std::function<double(qint64)> &value,
                   const std::function<qint64(qint64)> &timeMs = {})
    {
        const MetricHandle h = store().metricHandle(runId, key);
        for (qint64 i = 0; i < count; ++i)
            store().log(h, i, value(i), timeMs ? timeMs(i) : 0);
        return store().flush().ok();
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<WorkspaceSession> m_session;
};

} // namespace mb::test
