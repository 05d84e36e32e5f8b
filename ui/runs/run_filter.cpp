#include "ui/runs/run_filter.h"

#include "core/store/store.h"
#include "ui/runs/run_table_loader.h"

#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <cmath>

namespace mb {

namespace {

struct Term {
    QString text;
    int offset = 0; ///< index of its first character in the whole text
};

// Splits at commas and semicolons outside double quotes, keeping where each term starts.
std::vector<Term> splitTerms(const QString &text)
{
    std::vector<Term> terms;
    bool quoted = false;
    int start = 0;
    for (int i = 0; i <= text.size(); ++i) {
        const QChar c = i < text.size() ? text.at(i) : QChar(u',');
        if (c == u'"')
            quoted = !quoted;
        if (!quoted && (c == u',' || c == u';')) {
            const QString part = text.mid(start, i - start);
            int lead = 0;
            while (lead < part.size() && part.at(lead).isSpace())
                ++lead;
            if (!part.trimmed().isEmpty())
                terms.push_back({part.trimmed(), start + lead});
            start = i + 1;
        }
    }
    return terms;
}

bool parseOp(const QString &s, CompareOp *op)
{
    if (s == QLatin1String("=") || s == QLatin1String("=="))
        *op = CompareOp::Equal;
    else if (s == QLatin1String("!=") || s == QLatin1String("<>"))
        *op = CompareOp::NotEqual;
    else if (s == QLatin1String("<"))
        *op = CompareOp::Less;
    else if (s == QLatin1String("<="))
        *op = CompareOp::LessOrEqual;
    else if (s == QLatin1String(">"))
        *op = CompareOp::Greater;
    else if (s == QLatin1String(">="))
        *op = CompareOp::GreaterOrEqual;
    else
        return false;
    return true;
}

QString unquote(const QString &s)
{
    if (s.size() >= 2 && s.startsWith(u'"') && s.endsWith(u'"'))
        return s.mid(1, s.size() - 2);
    return s;
}

// A typed value: a number when it reads as one, true/false, else the text.
QJsonValue typedValue(const QString &raw)
{
    if (raw.startsWith(u'"'))
        return unquote(raw);
    bool ok = false;
    const double d = raw.toDouble(&ok);
    if (ok && std::isfinite(d))
        return d;
    if (raw == QLatin1String("true"))
        return true;
    if (raw == QLatin1String("false"))
        return false;
    return raw;
}

template <typename T>
bool compare(const T &a, CompareOp op, const T &b)
{
    switch (op) {
    case CompareOp::Equal: return a == b;
    case CompareOp::NotEqual: return !(a == b);
    case CompareOp::Less: return a < b;
    case CompareOp::LessOrEqual: return a < b || a == b;
    case CompareOp::Greater: return b < a;
    case CompareOp::GreaterOrEqual: return b < a || a == b;
    }
    return false;
}

const QStringList &metricPrefixes()
{
    static const QStringList p{QStringLiteral("latest:"), QStringLiteral("best:"), QStringLiteral("min:"),
                               QStringLiteral("max:"), QStringLiteral("count:")};
    return p;
}

} // namespace

bool RunFilter::isEmpty() const
{
    return query.experiment.isEmpty() && query.statuses.empty() && query.tags.empty() && query.params.empty()
           && query.metrics.empty() && paramConditions.empty();
}

Result<RunFilter> parseRunFilter(const QString &text, const QStringList &paramKeys, const QStringList &metricKeys)
{
    static const QRegularExpression termRe(QStringLiteral("^(.+?)\\s*(==|!=|<>|<=|>=|=|<|>)\\s*(.*)$"));
    RunFilter filter;
    const std::vector<Term> terms = splitTerms(text);
    for (std::size_t n = 0; n < terms.size(); ++n) {
        const Term &term = terms[n];
        const auto fail = [&](const QString &why) {
            return Error(QStringLiteral("condition %1 '%2': %3").arg(n + 1).arg(term.text, why))
                .at(QString(), 0, term.offset + 1)
                .inField(QStringLiteral("conditions"));
        };
        const QRegularExpressionMatch m = termRe.match(term.text);
        if (!m.hasMatch())
            return fail(QStringLiteral("expected 'name op value' with op one of = != < <= > >= (e.g. val-auc > 0.9)"));
        QString name = m.captured(1).trimmed();
        const QString opText = m.captured(2);
        const QString raw = m.captured(3).trimmed();
        CompareOp op = CompareOp::Equal;
        parseOp(opText, &op);
        if (raw.isEmpty())
            return fail(QStringLiteral("no value after '%1'").arg(opText));
        const bool equality = op == CompareOp::Equal;

        if (name.compare(QLatin1String("status"), Qt::CaseInsensitive) == 0) {
            if (op != CompareOp::Equal && op != CompareOp::NotEqual)
                return fail(QStringLiteral("status takes = or != (e.g. status = running|failed)"));
            std::vector<RunStatus> listed;
            for (const QString &s : unquote(raw).split(u'|', Qt::SkipEmptyParts)) {
                RunStatus status;
                if (!parseRunStatus(s.trimmed(), &status))
                    return fail(QStringLiteral("unknown status '%1': use queued, running, finished, failed, cancelled or interrupted")
                                    .arg(s.trimmed()));
                listed.push_back(status);
            }
            const std::vector<RunStatus> every{RunStatus::Queued,   RunStatus::Running,   RunStatus::Finished,
                                               RunStatus::Failed,   RunStatus::Cancelled, RunStatus::Interrupted};
            for (RunStatus s : every) {
                const bool inList = std::find(listed.begin(), listed.end(), s) != listed.end();
                if (inList == equality)
                    filter.query.statuses.push_back(s);
            }
            continue;
        }
        if (name.compare(QLatin1String("experiment"), Qt::CaseInsensitive) == 0) {
            if (!equality)
                return fail(QStringLiteral("experiment takes = only (or pick it in the experiment box)"));
            filter.query.experiment = unquote(raw);
            continue;
        }
        if (name.startsWith(QLatin1String("tag:")) || name.startsWith(QLatin1String("tag."))) {
            if (!equality)
                return fail(QStringLiteral("tags take = only"));
            filter.query.tags.emplace_back(name.mid(4), unquote(raw));
            continue;
        }

        // A metric field, by prefix or by the column title "key (best)".
        MetricField field = MetricField::Latest;
        bool metric = false;
        for (qsizetype i = 0; i < metricPrefixes().size(); ++i) {
            if (name.startsWith(metricPrefixes()[i])) {
                field = std::array<MetricField, 5>{MetricField::Latest, MetricField::Best, MetricField::Min,
                                                   MetricField::Max, MetricField::Count}[std::size_t(i)];
                name = name.mid(metricPrefixes()[i].size());
                metric = true;
                break;
            }
        }
        if (!metric && name.endsWith(QLatin1String(" (best)"))) {
            name.chop(7);
            field = MetricField::Best;
            metric = true;
        }
        bool param = false;
        if (!metric && name.startsWith(QLatin1String("param:"))) {
            name = name.mid(6);
            param = true;
        }
        if (!metric && !param) {
            metric = metricKeys.contains(name);
            param = !metric && paramKeys.contains(name);
        }
        if (metric) {
            if (!metricKeys.contains(name))
                return fail(QStringLiteral("no run logs a metric '%1'").arg(name));
            bool ok = false;
            const double value = raw.toDouble(&ok);
            if (!ok)
                return fail(QStringLiteral("'%1' is not a number (metric %2 is compared to numbers)").arg(raw, name));
            filter.query.metrics.push_back({name, field, op, value});
            continue;
        }
        if (param) {
            if (!paramKeys.contains(name))
                return fail(QStringLiteral("no run has a param '%1'").arg(name));
            const QJsonValue value = typedValue(raw);
            if (equality)
                filter.query.params.emplace_back(name, value);
            else
                filter.paramConditions.push_back({name, op, value});
            continue;
        }
        return fail(QStringLiteral("'%1' is not a metric, param, status, experiment or tag:<key> of this workspace").arg(name));
    }
    return filter;
}

bool passesParamConditions(const RunFilter &filter, const RunTableRow &row, const QStringList &paramKeys)
{
    for (const RunFilter::ParamCondition &c : filter.paramConditions) {
        const qsizetype index = paramKeys.indexOf(c.key);
        if (index < 0 || std::size_t(index) >= row.params.size())
            return false;
        const QString &text = row.params[std::size_t(index)];
        if (text.isEmpty())
            return false; // like the store's metric filters: no value never matches
        const double number = row.paramValues[std::size_t(index)];
        bool pass = false;
        if (c.value.isDouble() && !std::isnan(number))
            pass = compare(number, c.op, c.value.toDouble());
        else
            pass = compare(text, c.op, paramText(c.value));
        if (!pass)
            return false;
    }
    return true;
}

} // namespace mb
