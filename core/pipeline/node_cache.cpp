#include "core/pipeline/node_cache.h"

#include "core/pipeline/node_values.h"
#include "core/pipeline/pipeline_graph.h"
#include "core/pipeline/pipeline_validator.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>
#include <unordered_set>

namespace mb {

namespace {

/// Bumped whenever what goes into a key changes meaning.
constexpr char kKeyFormat[] = "modelbench.node-cache/1";

void addField(QCryptographicHash &h, const char *name, const QByteArray &value)
{
    // Length-prefixed, so that no two sequences of fields hash the same bytes.
    h.addData(QByteArray(name));
    h.addData(QByteArray(1, '\0'));
    h.addData(QByteArray::number(value.size()));
    h.addData(QByteArray(1, ':'));
    h.addData(value);
}

/// Resolved path, size and modification time: what says the file is the one read before.
QByteArray fileIdentity(const QString &param, const QString &baseDir)
{
    const QString path = QDir::isAbsolutePath(param) || baseDir.isEmpty() ? QDir::cleanPath(param)
                                                                           : QDir::cleanPath(QDir(baseDir).absoluteFilePath(param));
    const QFileInfo info(path);
    if (!info.exists())
        return QStringLiteral("missing:%1").arg(info.absoluteFilePath()).toUtf8();
    return QStringLiteral("%1|%2|%3")
        .arg(info.canonicalFilePath())
        .arg(info.size())
        .arg(info.lastModified().toMSecsSinceEpoch())
        .toUtf8();
}

qint64 textBytes(const QString &s)
{
    return 32 + 2 * static_cast<qint64>(s.size());
}

qint64 textBytes(const QStringList &list)
{
    qint64 n = 0;
    for (const QString &s : list)
        n += textBytes(s);
    return n;
}

qint64 jsonBytes(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact).size();
}

/// Walks port values once, counting each shared object the first time it is met.
class SizeWalker {
public:
    bool counting = false;
    qint64 total = 0;

    void value(const PortValuePtr &v)
    {
        if (!v || !firstVisit(v.get()))
            return;
        if (const auto t = std::dynamic_pointer_cast<const TableValue>(v))
            tableValue(t);
        else if (const auto s = std::dynamic_pointer_cast<const SplitValue>(v))
            split(s);
        else if (const auto m = std::dynamic_pointer_cast<const ModelValue>(v))
            model(*m);
        else if (std::dynamic_pointer_cast<const PreprocessorValue>(v))
            add(static_cast<qint64>(sizeof(PreprocessorValue)) + 256);
        else if (const auto metrics = std::dynamic_pointer_cast<const MetricsValue>(v))
            add(static_cast<qint64>(sizeof(MetricsValue)) + jsonBytes(metrics->metrics));
    }

private:
    std::unordered_set<const void *> m_seen;

    bool firstVisit(const void *p) { return p && m_seen.insert(p).second; }
    void add(qint64 n)
    {
        if (counting)
            total += n;
    }

    void table(const std::shared_ptr<const Table> &t)
    {
        if (!t || !firstVisit(t.get()))
            return;
        for (const Column &c : t->columns)
            add(static_cast<qint64>(sizeof(Column) + c.values.size() * sizeof(double)) + textBytes(c.name) + textBytes(c.categories));
    }

    void tableValue(const std::shared_ptr<const TableValue> &t)
    {
        table(t->table);
        add(static_cast<qint64>(sizeof(TableValue) + t->y.size() * sizeof(float)) + textBytes(t->features) + textBytes(t->classLabels)
            + textBytes(t->sourcePath) + textBytes(t->fingerprint));
        if (t->report && firstVisit(t->report.get())) {
            for (const Finding &f : t->report->findings)
                add(static_cast<qint64>(sizeof(Finding)) + textBytes(f.message) + textBytes(f.check) + textBytes(f.column) + jsonBytes(f.details));
        }
    }

    void split(const std::shared_ptr<const SplitValue> &s)
    {
        if (firstVisit(s->data.get()))
            tableValue(s->data);
        std::size_t rows = s->trainRows.size() + s->testRows.size();
        for (const Fold &f : s->cvFolds)
            rows += f.train.size() + f.test.size();
        add(static_cast<qint64>(sizeof(SplitValue) + rows * sizeof(std::size_t)));
    }

    void model(const ModelValue &m)
    {
        add(static_cast<qint64>(sizeof(ModelValue)) + jsonBytes(m.params));
        if (m.preprocessor && firstVisit(m.preprocessor.get()))
            add(jsonBytes(m.preprocessor->toJson()));
        if (m.split && firstVisit(m.split.get()))
            split(m.split);
    }
};

} // namespace

NodeCache::NodeCache(qint64 capacityBytes) : m_capacity(capacityBytes) {}

std::shared_ptr<const NodeCacheEntry> NodeCache::find(const QString &key) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_entries.constFind(key);
    if (it == m_entries.constEnd()) {
        ++m_misses;
        return nullptr;
    }
    ++m_hits;
    it->lastUse = ++m_clock;
    return it->entry;
}

void NodeCache::insert(std::shared_ptr<const NodeCacheEntry> entry)
{
    if (!entry || entry->key.isEmpty())
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (entry->sizeBytes > m_capacity)
        return; // would evict everything and still not fit
    auto it = m_entries.find(entry->key);
    if (it != m_entries.end())
        m_size -= it->entry->sizeBytes;
    m_size += entry->sizeBytes;
    Slot slot;
    slot.entry = std::move(entry);
    slot.lastUse = ++m_clock;
    const QString key = slot.entry->key;
    m_entries.insert(key, std::move(slot));
    evictLocked();
}

void NodeCache::evictLocked()
{
    while (m_size > m_capacity && !m_entries.isEmpty()) {
        auto oldest = m_entries.begin();
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        }
        m_size -= oldest->entry->sizeBytes;
        m_entries.erase(oldest);
    }
}

void NodeCache::clear()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.clear();
    m_size = 0;
}

void NodeCache::setCapacity(qint64 bytes)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_capacity = std::max<qint64>(0, bytes);
    evictLocked();
}

qint64 NodeCache::capacity() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_capacity;
}

qint64 NodeCache::sizeBytes() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_size;
}

int NodeCache::entryCount() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return static_cast<int>(m_entries.size());
}

qint64 NodeCache::hits() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_hits;
}

qint64 NodeCache::misses() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_misses;
}

QHash<QString, QString> nodeCacheKeys(const PipelineGraph &graph, const NodeRegistry &registry)
{
    QHash<QString, QString> keys;
    const Result<QStringList> order = topologicalOrder(graph);
    if (!order.ok())
        return keys;
    for (const QString &id : order.value()) {
        const PipelineNode *node = graph.node(id);
        const NodeType *type = node ? registry.find(node->type) : nullptr;
        if (!type)
            continue;
        QCryptographicHash h(QCryptographicHash::Sha256);
        addField(h, "format", kKeyFormat);
        addField(h, "type", type->id.toUtf8());
        addField(h, "version", QByteArray::number(type->version));
        QJsonObject params = withDefaults(type->params, node->params);
        for (const ParamSpec &p : type->params) {
            const QJsonValue v = params.value(p.name);
            if (p.defaultValue.isNull() && v.isNull()) {
                params.remove(p.name); // "x": null and no "x" both mean "no value"
            } else if (p.kind == ParamSpec::Kind::Path && v.isString() && !v.toString().isEmpty()) {
                // The file, not how it is written: "data.csv" and its absolute path are one.
                params.insert(p.name, QString::fromUtf8(fileIdentity(v.toString(), graph.baseDir())));
            }
        }
        addField(h, "params", QJsonDocument(params).toJson(QJsonDocument::Compact));
        if (type->usesSeed)
            addField(h, "seed", QByteArray::number(nodeSeed(graph, *node)));
        std::vector<PipelineLink> links = graph.inputsOf(id);
        std::sort(links.begin(), links.end(), [](const PipelineLink &a, const PipelineLink &b) { return a.toPort < b.toPort; });
        bool inputsKnown = true;
        for (const PipelineLink &l : links) {
            const QString upstream = keys.value(l.fromNode);
            if (upstream.isEmpty()) {
                inputsKnown = false;
                break;
            }
            addField(h, "input", (l.toPort + QLatin1Char('=') + upstream + QLatin1Char('.') + l.fromPort).toUtf8());
        }
        if (inputsKnown)
            keys.insert(id, QString::fromLatin1(h.result().toHex()));
    }
    return keys;
}

QJsonObject resultDelta(const QJsonObject &before, const QJsonObject &after)
{
    QJsonObject delta;
    for (auto it = after.begin(); it != after.end(); ++it) {
        const auto old = before.constFind(it.key());
        if (old == before.constEnd()) {
            delta.insert(it.key(), it.value());
        } else if (old.value().isObject() && it.value().isObject()) {
            const QJsonObject inner = resultDelta(old.value().toObject(), it.value().toObject());
            if (!inner.isEmpty())
                delta.insert(it.key(), inner);
        } else if (old.value() != it.value()) {
            delta.insert(it.key(), it.value());
        }
    }
    return delta;
}

void mergeResultDelta(QJsonObject &result, const QJsonObject &delta)
{
    for (auto it = delta.begin(); it != delta.end(); ++it) {
        const QJsonValue current = result.value(it.key());
        if (current.isObject() && it.value().isObject()) {
            QJsonObject merged = current.toObject();
            mergeResultDelta(merged, it.value().toObject());
            result.insert(it.key(), merged);
        } else {
            result.insert(it.key(), it.value());
        }
    }
}

qint64 estimatedOutputBytes(const PortValues &outputs, const PortValues &inputs)
{
    SizeWalker walker;
    for (const PortValuePtr &v : inputs)
        walker.value(v);
    walker.counting = true;
    for (const PortValuePtr &v : outputs)
        walker.value(v);
    return walker.total;
}

} // namespace mb
