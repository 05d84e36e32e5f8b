#include "core/store/filesystem_check.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <array>
#include <cerrno>
#include <cstring>

#include <sys/vfs.h>

namespace mb {

namespace {

struct KnownFileSystem {
    quint64 magic;
    const char *name;
    bool network;
};

// statfs f_type values (linux/magic.h and the filesystems' own headers).
constexpr quint64 kFuseMagic = 0x65735546;
constexpr std::array<KnownFileSystem, 34> kFileSystems{{
    {0x6969, "nfs", true},
    {0x517B, "smb", true},
    {0xFF534D42, "cifs", true},
    {0xFE534D42, "smb2", true},
    {0x01021997, "9p", true},
    {0x5346414F, "afs", true},
    {0x6B414653, "kafs", true},
    {0x00C36400, "ceph", true},
    {0x73757245, "coda", true},
    {0x564C, "ncp", true},
    {0x0BD00BD0, "lustre", true},
    {0x47504653, "gpfs", true},
    {0x01161970, "gfs2", true},
    {0x7461636F, "ocfs2", true},
    {0xEF53, "ext4", false},
    {0x58465342, "xfs", false},
    {0x9123683E, "btrfs", false},
    {0x01021994, "tmpfs", false},
    {0x794C7630, "overlay", false},
    {0x2FC12FC1, "zfs", false},
    {0xF2F52010, "f2fs", false},
    {0x4D44, "vfat", false},
    {0x2011BAB0, "exfat", false},
    {0x5346544E, "ntfs", false},
    {0x7366746E, "ntfs3", false},
    {0x858458F6, "ramfs", false},
    {0xF15F, "ecryptfs", false},
    {0x52654973, "reiserfs", false},
    {0x3153464A, "jfs", false},
    {0x3434, "nilfs", false},
    {0xCA451A4E, "bcachefs", false},
    {0x73717368, "squashfs", false},
    {0xE0F5E1E2, "erofs", false},
    {kFuseMagic, "fuse", false},
}};

// FUSE filesystems that reach remote storage (the part after "fuse." in mountinfo).
constexpr std::array<const char *, 17> kNetworkFuse{{
    "sshfs", "s3fs", "rclone", "gcsfuse", "goofys", "glusterfs", "ceph-fuse", "ceph", "davfs", "davfs2",
    "juicefs", "blobfuse", "blobfuse2", "moosefs", "mfs", "curlftpfs", "smbnetfs",
}};

const KnownFileSystem *byMagic(quint64 magic)
{
    for (const KnownFileSystem &fs : kFileSystems)
        if (fs.magic == magic)
            return &fs;
    return nullptr;
}

bool isNetworkFuse(const QString &subtype)
{
    for (const char *name : kNetworkFuse)
        if (subtype.compare(QLatin1String(name), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
QString unescapeMountField(const QByteArray &field)
{
    QByteArray out;
    out.reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            bool ok = false;
            const int c = field.mid(i + 1, 3).toInt(&ok, 8);
            if (ok) {
                out.append(static_cast<char>(c));
                i += 3;
                continue;
            }
        }
        out.append(field[i]);
    }
    return QFile::decodeName(out);
}

// The fstype of the mount holding `canonicalPath` ("fuse.sshfs"), empty if unknown.
QString mountTypeOf(const QString &canonicalPath)
{
    QFile file(QStringLiteral("/proc/self/mountinfo"));
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    QString best;
    qsizetype bestLength = -1;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        // "36 35 98:0 /mnt1 /mnt/point rw,noatime master:1 - fuse.sshfs host:/dir rw"
        const qsizetype dash = line.indexOf(" - ");
        if (dash < 0)
            continue;
        const QList<QByteArray> head = line.left(dash).split(' ');
        const QList<QByteArray> tail = line.mid(dash + 3).split(' ');
        if (head.size() < 5 || tail.isEmpty())
            continue;
        const QString mountPoint = unescapeMountField(head[4]);
        const bool covers = canonicalPath == mountPoint || mountPoint == QLatin1String("/")
                            || canonicalPath.startsWith(mountPoint + QLatin1Char('/'));
        // The longest covering mount point wins; among equal ones the last (it is on top).
        if (covers && mountPoint.size() >= bestLength) {
            bestLength = mountPoint.size();
            best = QString::fromLatin1(tail[0]);
        }
    }
    return best;
}

FileSystemInfo describe(quint64 magic, const QString &subtype)
{
    FileSystemInfo info;
    info.magic = magic;
    const KnownFileSystem *known = byMagic(magic);
    if (magic == kFuseMagic) {
        info.type = subtype.isEmpty() ? QStringLiteral("fuse") : subtype;
        const QString sub = subtype.startsWith(QLatin1String("fuse.")) ? subtype.mid(5) : subtype;
        info.network = isNetworkFuse(sub);
    } else if (known) {
        info.type = QLatin1String(known->name);
        info.network = known->network;
    } else {
        info.type = QStringLiteral("0x%1").arg(magic, 0, 16);
    }
    return info;
}

// MODELBENCH_FAKE_FSTYPE: "0x6969", "nfs", "fuse.sshfs".
FileSystemInfo fakeFileSystem(const QString &fake)
{
    bool ok = false;
    const quint64 magic = fake.startsWith(QLatin1String("0x"), Qt::CaseInsensitive) ? fake.mid(2).toULongLong(&ok, 16) : 0;
    if (ok)
        return describe(magic, QString());
    if (fake.startsWith(QLatin1String("fuse."), Qt::CaseInsensitive) || fake.compare(QLatin1String("fuse"), Qt::CaseInsensitive) == 0)
        return describe(kFuseMagic, fake.toLower());
    for (const KnownFileSystem &fs : kFileSystems)
        if (fake.compare(QLatin1String(fs.name), Qt::CaseInsensitive) == 0)
            return describe(fs.magic, QString());
    FileSystemInfo info;
    info.type = fake;
    return info;
}

} // namespace

Result<FileSystemInfo> fileSystemOf(const QString &path)
{
    const QString fake = qEnvironmentVariable("MODELBENCH_FAKE_FSTYPE");
    if (!fake.isEmpty())
        return fakeFileSystem(fake.trimmed());
    // The nearest folder that exists: the workspace itself may not be created yet.
    QString existing = QDir::cleanPath(QDir(path).absolutePath());
    while (!QFileInfo::exists(existing) && existing != QLatin1String("/"))
        existing = QFileInfo(existing).absolutePath();
    struct statfs st {};
    if (::statfs(QFile::encodeName(existing).constData(), &st) != 0) {
        const int err = errno;
        return Error(QStringLiteral("cannot tell the filesystem of '%1': %2").arg(existing, QString::fromLocal8Bit(std::strerror(err))))
            .at(existing);
    }
    const auto magic = static_cast<quint64>(static_cast<unsigned int>(st.f_type));
    QString subtype;
    if (magic == kFuseMagic) {
        const QString canonical = QFileInfo(existing).canonicalFilePath();
        subtype = mountTypeOf(canonical.isEmpty() ? existing : canonical);
    }
    return describe(magic, subtype);
}

Status checkLocalFileSystem(const QString &path)
{
    Result<FileSystemInfo> fs = fileSystemOf(path);
    if (!fs)
        return Status(); // unknown: allowed; opening the database reports real problems
    if (!fs->network)
        return Status();
    return Error(QStringLiteral("workspace '%1' is on a network filesystem (%2, statfs type 0x%3): SQLite's write-ahead "
                                "log needs shared memory and file locks that network filesystems do not provide "
                                "reliably, and the workspace database could be corrupted there. Put the workspace on a "
                                "local disk.")
                     .arg(path, fs->type)
                     .arg(fs->magic, 0, 16))
        .at(path)
        .inField(QStringLiteral("workspace"));
}

} // namespace mb
