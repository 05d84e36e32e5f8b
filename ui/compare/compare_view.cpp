#include "ui/compare/compare_view.h"

#include "ui/common/worker_pool.h"

#include "core/store/store.h"
#include "ui/common/workspace_session.h"
#include "ui/compare/param_diff_table.h"
#include "ui/compare/scatter_view.h"

#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace mb {

namespace {

constexpr int kMinReloadIntervalMs = 500;

} // namespace

CompareView::CompareView(WorkspaceSession &session, QWidget *parent) : QWidget(parent), m_session(session)
{
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("compareTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_scatter = new ScatterView(session.selection(), this);
    m_diff = new ParamDiffTable(session.selection(), this);
    m_diff->setOnlyDifferences(true);

    m_curvesSlot = new QWidget(this);
    m_curvesLayout = new QVBoxLayout(m_curvesSlot);
    m_curvesLayout->setContentsMargins(0, 0, 0, 0);
    m_curvesSlot->hide();

    m_top = new QSplitter(Qt::Horizontal, this);
    m_top->addWidget(m_curvesSlot);
    m_top->addWidget(m_scatter);
    m_top->setStretchFactor(0, 3);
    m_top->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_top);
    split->addWidget(m_diff);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(m_title);
    layout->addWidget(split, 1);

    m_watcher = new QFutureWatcher<Outcome>(this);
    connect(m_watcher, &QFutureWatcher<Outcome>::finished, this, &CompareView::onFinished);
    m_throttle.setSingleShot(true);
    connect(&m_throttle, &QTimer::timeout, this, &CompareView::start);
    connect(&session, &WorkspaceSession::runsChanged, this, [this] {
        if (!m_runIds.isEmpty())
            reload();
    });
    connect(&session, &WorkspaceSession::metricsArrived, this, [this](const QSet<QString> &ids) {
        for (const CompareRun &r : m_data) {
            if (ids.contains(r.id)) {
                reload();
                return;
            }
        }
    });
    m_title->setText(QStringLiteral("Select runs in the run table and choose <b>Compare selected</b>."));
}

CompareView::~CompareView()
{
    // takeResult() leaves a consumed future unfinished: wait only for one not taken yet.
    m_watcher->disconnect(this);
    if (m_inFlight)
        m_watcher->waitForFinished();
}

void CompareView::setRuns(const QStringList &runIds)
{
    m_runIds = runIds;
    ++m_generation; // a read of the previous runs in flight is now stale
    m_throttle.stop();
    m_pending = true;
    start();
}

void CompareView::setCurvesWidget(QWidget *w)
{
    if (m_curves == w)
        return;
    if (m_curves) {
        m_curvesLayout->removeWidget(m_curves);
        m_curves->deleteLater();
    }
    m_curves = w;
    if (w) {
        w->setParent(m_curvesSlot);
        m_curvesLayout->addWidget(w);
        w->show();
    }
    m_curvesSlot->setVisible(w != nullptr);
}

void CompareView::reload()
{
    m_pending = true;
    if (m_inFlight || m_throttle.isActive())
        return;
    const qint64 since = m_sinceStart.isValid() ? m_sinceStart.elapsed() : kMinReloadIntervalMs;
    if (since >= kMinReloadIntervalMs)
        start();
    else
        m_throttle.start(int(kMinReloadIntervalMs - since));
}

void CompareView::start()
{
    if (m_inFlight || !m_pending)
        return; // onFinished() starts the pending read
    m_pending = false;
    m_inFlight = true;
    m_sinceStart.start();
    const Store *store = &m_session.store();
    const QStringList ids = m_runIds;
    const quint64 generation = m_generation;
    m_watcher->setFuture(QtConcurrent::run(workerPool(), [store, ids, generation] {
        Outcome o;
        o.generation = generation;
        Result<std::vector<CompareRun>> r = loadCompareRuns(*store, ids);
        o.ok = r.ok();
        if (r)
            o.runs = std::move(r.value());
        else
            o.error = r.error();
        return o;
    }));
}

void CompareView::onFinished()
{
    m_inFlight = false;
    Outcome o = m_watcher->future().takeResult();
    if (o.generation == m_generation) {
        if (!o.ok) {
            m_title->setText(QStringLiteral("<span style='color:#C0392B'>Cannot compare: %1</span>").arg(o.error.message.toHtmlEscaped()));
            Q_EMIT loadFailed(o.error.message);
        } else {
            m_data = std::move(o.runs);
            constexpr int kNamesShown = 8;
            QStringList names;
            for (const CompareRun &r : m_data) {
                if (names.size() == kNamesShown) {
                    names << QStringLiteral("and %1 more").arg(m_data.size() - kNamesShown);
                    break;
                }
                names << r.label().toHtmlEscaped();
            }
            m_title->setText(m_data.empty() ? QStringLiteral("No runs to compare.")
                                            : QStringLiteral("<b>Comparing %1 runs:</b> %2").arg(m_data.size()).arg(names.join(QStringLiteral(", "))));
            m_scatter->setRuns(m_data);
            m_diff->setRuns(m_data);
            Q_EMIT loaded();
        }
    }
    if (m_pending)
        reload();
}

} // namespace mb
