#include "core/tracking/simple_yaml.h"

#include <QList>

namespace mb {

namespace {

Error yamlError(const QString &path, int line, const QString &what)
{
    return Error(QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(what)).at(path, line);
}

// The scalar in `raw` (already trimmed); *ok false with *why on a malformed quote.
QString scalar(const QString &raw, bool *ok, QString *why)
{
    *ok = true;
    if (raw.isEmpty() || raw == QLatin1String("~") || raw.compare(QLatin1String("null"), Qt::CaseInsensitive) == 0)
        return QString();
    const QChar quote = raw.at(0);
    if (quote == QLatin1Char('\'')) {
        QString out = QStringLiteral("");
        for (int i = 1; i < raw.size(); ++i) {
            if (raw.at(i) != QLatin1Char('\'')) {
                out += raw.at(i);
                continue;
            }
            if (i + 1 < raw.size() && raw.at(i + 1) == QLatin1Char('\'')) {
                out += QLatin1Char('\'');
                ++i;
                continue;
            }
            const QString rest = raw.mid(i + 1).trimmed();
            if (!rest.isEmpty() && !rest.startsWith(QLatin1Char('#'))) {
                *ok = false;
                *why = QStringLiteral("unexpected text after the closing quote: %1").arg(rest);
            }
            return out;
        }
        *ok = false;
        *why = QStringLiteral("the single-quoted value has no closing quote (values spanning lines are not supported)");
        return QString();
    }
    if (quote == QLatin1Char('"')) {
        QString out = QStringLiteral("");
        for (int i = 1; i < raw.size(); ++i) {
            const QChar c = raw.at(i);
            if (c == QLatin1Char('"')) {
                const QString rest = raw.mid(i + 1).trimmed();
                if (!rest.isEmpty() && !rest.startsWith(QLatin1Char('#'))) {
                    *ok = false;
                    *why = QStringLiteral("unexpected text after the closing quote: %1").arg(rest);
                }
                return out;
            }
            if (c != QLatin1Char('\\')) {
                out += c;
                continue;
            }
            if (++i >= raw.size())
                break;
            const QChar e = raw.at(i);
            if (e == QLatin1Char('n'))
                out += QLatin1Char('\n');
            else if (e == QLatin1Char('t'))
                out += QLatin1Char('\t');
            else if (e == QLatin1Char('r'))
                out += QLatin1Char('\r');
            else if (e == QLatin1Char('0'))
                out += QChar(0);
            else if (e == QLatin1Char('u') && i + 4 < raw.size()) {
                bool hex = false;
                const ushort code = raw.mid(i + 1, 4).toUShort(&hex, 16);
                if (!hex) {
                    *ok = false;
                    *why = QStringLiteral("bad \\u escape in a double-quoted value");
                    return QString();
                }
                out += QChar(code);
                i += 4;
            } else {
                out += e; // \" \\ \/ and anything else: the character itself
            }
        }
        *ok = false;
        *why = QStringLiteral("the double-quoted value has no closing quote (values spanning lines are not supported)");
        return QString();
    }
    // A plain scalar ends at " #" (a comment).
    const int comment = raw.indexOf(QLatin1String(" #"));
    return comment >= 0 ? raw.left(comment).trimmed() : raw;
}

} // namespace

Result<FlatYaml> parseFlatYaml(const QByteArray &text, const QString &path)
{
    FlatYaml yaml;
    const QList<QByteArray> lines = text.split('\n');
    bool inBlock = false; // the previous key had no value: indented lines belong to it
    for (int i = 0; i < lines.size(); ++i) {
        const int lineNo = i + 1;
        QString line = QString::fromUtf8(lines[i]);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')))
            continue;
        if (line == QLatin1String("---"))
            continue;
        if (line == QLatin1String("..."))
            break;
        if (line.at(0).isSpace() || line.startsWith(QLatin1String("- ")) || line == QLatin1String("-")) {
            if (inBlock)
                continue;
            return yamlError(path, lineNo, QStringLiteral("unexpected indented line '%1'; expected 'key: value' at the start of the line").arg(trimmed));
        }
        const int colon = line.indexOf(QLatin1Char(':'));
        if (colon <= 0 || (colon + 1 < line.size() && !line.at(colon + 1).isSpace()))
            return yamlError(path, lineNo, QStringLiteral("expected 'key: value', got '%1'").arg(trimmed));
        const QString key = line.left(colon).trimmed();
        if (yaml.values.contains(key))
            return yamlError(path, lineNo, QStringLiteral("key '%1' appears twice (first on line %2)").arg(key).arg(yaml.lines.value(key)));
        const QString raw = line.mid(colon + 1).trimmed();
        bool ok = true;
        QString why;
        const QString value = scalar(raw, &ok, &why);
        if (!ok)
            return yamlError(path, lineNo, QStringLiteral("key '%1': %2").arg(key, why));
        yaml.values.insert(key, value);
        yaml.lines.insert(key, lineNo);
        inBlock = raw.isEmpty();
    }
    return yaml;
}

} // namespace mb
