#include "core/store/series_writer.h"

#include "core/store/sql_connection.h"

namespace mb {

namespace {

// Open blocks kept in memory between commits; beyond this the idle ones are reloaded
// from the database when their series logs again (~3 KiB each).
constexpr std::size_t kMaxLoadedSeries = 8192;

// metric_blocks.id = series id * 2^32 + block number: the blocks of a series are one
// contiguous rowid range, in order.
constexpr qint64 kMaxSeriesId = (qint64(1) << 31) - 1;

qint64 blockRowId(qint64 seriesId, qint64 blockNo)
{
    return (seriesId << 32) + blockNo;
}

} // namespace

quint32 SeriesRegistry::intern(const QString &runId, const QString &key)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::pair<QString, QString> name{runId, key};
    auto it = m_ids.constFind(name);
    if (it != m_ids.constEnd())
        return it.value();
    m_names.push_back(Name{runId, key});
    const auto id = static_cast<quint32>(m_names.size());
    m_ids.insert(name, id);
    return id;
}

bool SeriesRegistry::name(quint32 id, Name *out) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (id == 0 || id > m_names.size())
        return false;
    *out = m_names[id - 1];
    return true;
}

SeriesWriter::SeriesWriter(SqlConnection &db, const SeriesRegistry &registry) : m_db(db), m_registry(registry) {}

void SeriesWriter::groupBySeries(const RingPoint *begin, const RingPoint *end)
{
    // A counting sort by series: O(points), stable, so each series keeps logging order.
    m_groups.clear();
    for (const RingPoint *p = begin; p != end; ++p) {
        if (p->series >= m_groupOf.size())
            m_groupOf.resize(std::size_t(p->series) + 1, -1);
        int &g = m_groupOf[p->series];
        if (g < 0) {
            g = static_cast<int>(m_groups.size());
            m_groups.push_back(Group{p->series, 0, 0});
        }
        ++m_groups[static_cast<std::size_t>(g)].count;
    }
    std::size_t offset = 0;
    for (Group &g : m_groups) {
        g.offset = offset;
        offset += g.count;
    }
    m_sorted.resize(offset);
    std::vector<std::size_t> fill(m_groups.size(), 0);
    for (const RingPoint *p = begin; p != end; ++p) {
        const auto g = static_cast<std::size_t>(m_groupOf[p->series]);
        m_sorted[m_groups[g].offset + fill[g]++] = *p;
    }
    for (const Group &g : m_groups)
        m_groupOf[g.slot] = -1;
}

Status SeriesWriter::commit(const RingPoint *begin, const RingPoint *end, Outcome *outcome)
{
    groupBySeries(begin, end);
    const Status status = m_db.writeTransaction([&]() -> Status {
        m_newRuns.clear();
        m_newKeys.clear();
        m_staged.clear();
        *outcome = Outcome();
        for (const Group &g : m_groups)
            if (Status s = writeGroup(g, outcome); !s)
                return s;
        return Status();
    });
    if (!status)
        return status; // the database rolled back; the cached states still mirror it
    ++m_commits;
    m_runIds.insert(m_newRuns);
    m_keyIds.insert(m_newKeys);
    for (auto &[slot, state] : m_staged) {
        if (slot >= m_states.size())
            m_states.resize(std::size_t(slot) + 1);
        state.lastUsed = m_commits;
        m_states[slot] = std::move(state);
    }
    evictIdle();
    return status;
}

void SeriesWriter::evictIdle()
{
    std::size_t loaded = 0;
    for (const SeriesState &s : m_states)
        loaded += s.loaded ? 1 : 0;
    if (loaded <= kMaxLoadedSeries)
        return;
    for (SeriesState &s : m_states) {
        if (s.loaded && s.lastUsed != m_commits) {
            s.loaded = false;
            s.open = BlockEncoder();
        }
    }
}

Result<qint64> SeriesWriter::resolveRun(const QString &runId)
{
    qint64 rid = m_runIds.value(runId, m_newRuns.value(runId, 0));
    if (rid != 0)
        return rid;
    Result<SqlQuery> find = m_db.query("SELECT rid FROM runs WHERE id = ?1");
    if (!find)
        return find.error();
    find->bind(1, runId);
    if (find->next()) {
        rid = find->columnInt(0);
        m_newRuns.insert(runId, rid);
        find->reset();
        return rid;
    }
    if (!find->status())
        return find->status().error();
    return qint64(0);
}

Result<qint64> SeriesWriter::resolveKey(const QString &key)
{
    qint64 kid = m_keyIds.value(key, m_newKeys.value(key, 0));
    if (kid != 0)
        return kid;
    Result<SqlQuery> add = m_db.query("INSERT INTO metric_keys(name) VALUES(?1) ON CONFLICT(name) DO NOTHING");
    if (!add)
        return add.error();
    if (Status s = add->bind(1, key).exec(); !s)
        return s.error();
    Result<SqlQuery> find = m_db.query("SELECT id FROM metric_keys WHERE name = ?1");
    if (!find)
        return find.error();
    find->bind(1, key);
    if (!find->next()) {
        if (!find->status())
            return find->status().error();
        return Error(QStringLiteral("metric key '%1' vanished while it was being written (database '%2')").arg(key, m_db.path()));
    }
    kid = find->columnInt(0);
    find->reset();
    m_newKeys.insert(key, kid);
    return kid;
}

Status SeriesWriter::syncWithDatabase(SeriesState *state)
{
    Result<SqlQuery> q = m_db.query(
        "SELECT count, blocks, step_lo, step_hi, last_value, last_time_ms, min_value, min_step, max_value, max_step"
        " FROM metric_series WHERE id = ?1");
    if (!q)
        return q.error();
    q->bind(1, state->id);
    if (!q->next()) {
        if (!q->status())
            return q->status();
        state->id = 0; // deleted meanwhile (its run was removed): resolve again
        return Status();
    }
    const qint64 count = q->columnInt(0);
    const qint64 blocks = q->columnInt(1);
    if (state->loaded && count == state->summary.count && blocks == state->blocks)
        return Status();
    // First use, or another process wrote to this series: start from what is stored.
    PointSummary s;
    s.count = count;
    s.stepLo = q->columnInt(2);
    s.stepHi = q->columnInt(3);
    s.lastValue = q->columnReal(4);
    s.lastTimeMs = q->columnInt(5);
    s.minValue = q->columnReal(6);
    s.minStep = q->columnInt(7);
    s.maxValue = q->columnReal(8);
    s.maxStep = q->columnInt(9);
    q->reset();
    state->summary = s;
    state->blocks = blocks;
    state->open = BlockEncoder();
    if (blocks > 0) {
        Result<SqlQuery> block = m_db.query("SELECT count, data FROM metric_blocks WHERE id = ?1");
        if (!block)
            return block.error();
        block->bind(1, blockRowId(state->id, blocks - 1));
        if (!block->next()) {
            if (!block->status())
                return block->status();
            return Error(QStringLiteral("metric block %1 of series %2 is missing in database '%3'; "
                                        "run an integrity check")
                             .arg(blocks - 1)
                             .arg(state->id)
                             .arg(m_db.path()))
                .at(m_db.path());
        }
        if (!state->open.load(block->columnBlob(1), block->columnInt(0))) {
            return Error(QStringLiteral("metric block %1 of series %2 is damaged in database '%3'")
                             .arg(blocks - 1)
                             .arg(state->id)
                             .arg(m_db.path()))
                .at(m_db.path());
        }
        block->reset();
        if (state->open.full())
            state->open = BlockEncoder();
    }
    state->loaded = true;
    return Status();
}

Status SeriesWriter::writeBlock(qint64 seriesId, qint64 blockNo, const BlockEncoder &block)
{
    Result<SqlQuery> put = m_db.query(
        "INSERT INTO metric_blocks(id, count, step_lo, step_hi, min_value, max_value, last_value, data)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        " ON CONFLICT(id) DO UPDATE SET count = excluded.count, step_lo = excluded.step_lo,"
        " step_hi = excluded.step_hi, min_value = excluded.min_value, max_value = excluded.max_value,"
        " last_value = excluded.last_value, data = excluded.data");
    if (!put)
        return put.error();
    const PointSummary &s = block.summary();
    put->bind(1, blockRowId(seriesId, blockNo)).bind(2, s.count).bind(3, s.stepLo).bind(4, s.stepHi);
    put->bind(5, s.minValue).bind(6, s.maxValue).bind(7, s.lastValue).bindBlob(8, block.data());
    return put->exec();
}

Status SeriesWriter::writeGroup(const Group &group, Outcome *outcome)
{
    SeriesState state = group.slot < m_states.size() ? m_states[group.slot] : SeriesState();
    SeriesRegistry::Name name;
    const bool needName = state.id == 0;
    if (needName && !m_registry.name(group.slot, &name)) {
        outcome->invalidHandles += static_cast<qint64>(group.count);
        return Status();
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (state.id == 0) {
            if (name.runId.isNull() && !m_registry.name(group.slot, &name)) {
                outcome->invalidHandles += static_cast<qint64>(group.count);
                return Status();
            }
            Result<qint64> rid = resolveRun(name.runId);
            if (!rid)
                return rid.error();
            if (*rid == 0) {
                outcome->unknownRuns[name.runId] += static_cast<qint64>(group.count);
                return Status();
            }
            Result<qint64> kid = resolveKey(name.key);
            if (!kid)
                return kid.error();
            // Series ids are allocated here, under the write lock (the table is clustered
            // by key and run, so it has no rowid to hand them out).
            Result<SqlQuery> add = m_db.query(
                "INSERT INTO metric_series(run_id, key_id, id)"
                " VALUES(?1, ?2, (SELECT coalesce(max(id), 0) + 1 FROM metric_series))"
                " ON CONFLICT(key_id, run_id) DO NOTHING");
            if (!add)
                return add.error();
            if (Status s = add->bind(1, *rid).bind(2, *kid).exec(); !s)
                return s;
            Result<SqlQuery> find = m_db.query("SELECT id FROM metric_series WHERE run_id = ?1 AND key_id = ?2");
            if (!find)
                return find.error();
            find->bind(1, *rid).bind(2, *kid);
            if (!find->next())
                return find->status().ok() ? Status(Error(QStringLiteral("metric series vanished (database '%1')").arg(m_db.path())))
                                           : find->status();
            state = SeriesState();
            state.id = find->columnInt(0);
            find->reset();
            if (state.id > kMaxSeriesId)
                return Error(QStringLiteral("too many metric series in database '%1'").arg(m_db.path())).at(m_db.path());
        }
        if (Status s = syncWithDatabase(&state); !s)
            return s;
        if (state.id != 0)
            break;
        m_runIds.remove(name.runId); // the series went with its run: look the run up again
    }
    if (state.id == 0) {
        outcome->unknownRuns[name.runId] += static_cast<qint64>(group.count);
        return Status();
    }

    qint64 blockNo = state.open.empty() ? state.blocks : state.blocks - 1;
    bool dirty = false;
    const RingPoint *p = m_sorted.data() + group.offset;
    for (std::size_t i = 0; i < group.count; ++i, ++p) {
        const StoredPoint sp{p->step, p->value, p->timeMs};
        state.open.append(sp);
        state.summary.add(sp);
        dirty = true;
        if (state.open.full()) {
            if (Status s = writeBlock(state.id, blockNo, state.open); !s)
                return s;
            ++blockNo;
            state.open.clear();
            dirty = false;
        }
    }
    if (dirty)
        if (Status s = writeBlock(state.id, blockNo, state.open); !s)
            return s;
    state.blocks = state.open.empty() ? blockNo : blockNo + 1;

    Result<SqlQuery> save = m_db.query(
        "UPDATE metric_series SET count = ?2, blocks = ?3, step_lo = ?4, step_hi = ?5, last_value = ?6,"
        " last_time_ms = ?7, min_value = ?8, min_step = ?9, max_value = ?10, max_step = ?11 WHERE id = ?1");
    if (!save)
        return save.error();
    const PointSummary &s = state.summary;
    save->bind(1, state.id).bind(2, s.count).bind(3, state.blocks).bind(4, s.stepLo).bind(5, s.stepHi);
    save->bind(6, s.lastValue).bind(7, s.lastTimeMs).bind(8, s.minValue).bind(9, s.minStep);
    save->bind(10, s.maxValue).bind(11, s.maxStep);
    if (Status r = save->exec(); !r)
        return r;
    m_staged.emplace_back(group.slot, std::move(state));
    return Status();
}

} // namespace mb
