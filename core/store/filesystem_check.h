#pragma once

#include "core/base/result.h"

#include <QString>

namespace mb {

/// The filesystem a path lives on.
struct FileSystemInfo {
    QString type;        ///< "ext4", "nfs", "fuse.sshfs", or the magic number in hex if unknown
    quint64 magic = 0;   ///< statfs f_type
    bool network = false; ///< one of the filesystems checkLocalFileSystem() refuses
};

/// The filesystem holding `path`, or its nearest existing parent folder (statfs, plus
/// /proc/self/mountinfo to name a FUSE filesystem). For tests, the environment variable
/// MODELBENCH_FAKE_FSTYPE replaces what the system says: a name ("nfs", "cifs",
/// "fuse.sshfs", "ext4") or a statfs magic number ("0x6969"). Read here and nowhere else.
Result<FileSystemInfo> fileSystemOf(const QString &path);

/// Fails, naming the path and the filesystem, for a workspace on a network filesystem:
/// NFS, SMB/CIFS (smb, cifs, smb2), 9p (WSL2's /mnt drives, VM shares), AFS, Ceph, Coda,
/// NCP, Lustre, GPFS, GFS2, OCFS2, and FUSE mounts of remote storage (sshfs, s3fs, rclone,
/// gcsfuse, glusterfs, ...). SQLite's WAL mode keeps its index in shared memory (the -shm
/// file mapped by every connection) and relies on POSIX locks; neither is coherent across
/// machines on these, and their locking is unreliable even on one machine, so a workspace
/// there could be corrupted. Local FUSE filesystems (fuse-overlayfs in containers,
/// encrypted folders) are allowed. A filesystem that cannot be identified is allowed.
Status checkLocalFileSystem(const QString &path);

} // namespace mb
