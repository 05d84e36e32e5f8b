#include "core/io/fingerprint.h"

#include "core/io/sha256.h"

#include <QFile>

namespace mb {

QString schemaSignature(const Table &table)
{
    QString out;
    for (const Column &c : table.columns)
        out += c.name + QLatin1Char(':') + columnTypeName(c.type) + QLatin1Char('\n');
    return out;
}

QString datasetFingerprint(const QString &contentSha256, const Table &table)
{
    // The separator keeps "ab" + "c:..." apart from "a" + "bc:...".
    const QByteArray text = contentSha256.toUtf8() + '\n' + schemaSignature(table).toUtf8();
    return Sha256::hexOf(text.constData(), static_cast<std::size_t>(text.size()));
}

Result<QString> fileSha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(QStringLiteral("%1: cannot open the file to hash it: %2").arg(path, file.errorString())).at(path);
    constexpr qint64 kChunk = qint64(1) << 20;
    QByteArray buffer(kChunk, Qt::Uninitialized);
    Sha256 hash;
    for (;;) {
        const qint64 n = file.read(buffer.data(), kChunk);
        if (n < 0)
            return Error(QStringLiteral("%1: read error while hashing: %2").arg(path, file.errorString())).at(path).markTransient();
        if (n == 0)
            break;
        hash.addData(buffer.constData(), static_cast<std::size_t>(n));
    }
    return hash.hexResult();
}

} // namespace mb
