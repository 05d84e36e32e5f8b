#pragma once

#include "core/base/result.h"

#include <QStringList>

#include <functional>
#include <vector>

namespace mb {

class SqlConnection;

/// Called by long migration steps as they go: every few thousand rows converted, or
/// every few thousand SQLite instructions of a rebuild (for progress displays, and for
/// tests that interrupt a migration midway). `done` only grows.
using MigrationProgress = std::function<void(qint64 done)>;

/// One schema step: what takes the database from `version - 1` to `version`. First
/// `rebuild`, if any, outside any transaction (VACUUM cannot run inside one); it must be
/// atomic by itself and idempotent, since a crash after it leaves the database at
/// `version - 1` and the next open runs it again. Then, all in one transaction:
/// `statements`, then `convert` (data SQL alone cannot convert), then `cleanup` (dropping
/// what was converted).
struct Migration {
    int version = 0;
    QStringList statements;
    std::function<Status(SqlConnection &, const MigrationProgress &)> convert;
    QStringList cleanup;
    std::function<Status(SqlConnection &, const MigrationProgress &)> rebuild;
};

/// The schema version from which every page of the database carries a checksum (see
/// checksum_vfs.h): the page header's reserve byte is 8.
constexpr int kPageChecksumSchemaVersion = 3;

/// PRAGMA application_id of a ModelBench workspace database ("MBEN").
constexpr qint64 kStoreApplicationId = 0x4D42454E;

/// The workspace schema, oldest step first. Append new steps; never edit a shipped one.
const std::vector<Migration> &storeMigrations();
/// The version storeMigrations() ends at (the value of PRAGMA user_version when current).
int latestSchemaVersion();

/// Fails unless the file is empty or a ModelBench workspace database no newer than
/// `latestVersion`: a non-SQLite file, a foreign SQLite database and a newer schema each
/// get a message naming the file and what to do; a damaged one (a page that fails its
/// checksum, or a malformed page) gets the error that says so.
Status checkDatabaseIdentity(SqlConnection &db, int latestVersion);

/// For a database file with no page yet: asks SQLite to reserve the 8 bytes a page
/// checksum needs on every page, before the first page is written. Does nothing to an
/// existing database (the reserve of its pages is fixed; the version 3 step rebuilds it).
Status reservePageChecksumsIfNew(SqlConnection &db);

/// Fails, naming the file, if the database is at kPageChecksumSchemaVersion or later but
/// its pages have no room for checksums: its header was damaged, or a tool rebuilt it.
Status checkPageChecksumsPresent(SqlConnection &db);

/// Applies the steps newer than PRAGMA user_version, each in its own write transaction
/// that also bumps user_version: a crash or an error leaves the old or the new schema,
/// never half of a step. Safe against another process migrating at the same time.
Status migrateDatabase(SqlConnection &db, const std::vector<Migration> &steps, const MigrationProgress &progress = {});

} // namespace mb
