#pragma once

#include "core/base/result.h"

#include <QStringList>

#include <functional>
#include <vector>

namespace mb {

class SqlConnection;

/// Called by long migration steps every few thousand rows converted (for progress
/// displays, and for tests that interrupt a migration midway).
using MigrationProgress = std::function<void(qint64 rowsDone)>;

/// One schema step: what takes the database from `version - 1` to `version`, all in one
/// transaction: `statements`, then `convert` (data SQL alone cannot convert), then
/// `cleanup` (dropping what was converted).
struct Migration {
    int version = 0;
    QStringList statements;
    std::function<Status(SqlConnection &, const MigrationProgress &)> convert;
    QStringList cleanup;
};

/// PRAGMA application_id of a ModelBench workspace database ("MBEN").
constexpr qint64 kStoreApplicationId = 0x4D42454E;

/// The workspace schema, oldest step first. Append new steps; never edit a shipped one.
const std::vector<Migration> &storeMigrations();
/// The version storeMigrations() ends at (the value of PRAGMA user_version when current).
int latestSchemaVersion();

/// Fails unless the file is empty or a ModelBench workspace database no newer than
/// `latestVersion`: a non-SQLite file, a foreign SQLite database and a newer schema each
/// get a message naming the file and what to do.
Status checkDatabaseIdentity(SqlConnection &db, int latestVersion);

/// Applies the steps newer than PRAGMA user_version, each in its own write transaction
/// that also bumps user_version: a crash or an error leaves the old or the new schema,
/// never half of a step. Safe against another process migrating at the same time.
Status migrateDatabase(SqlConnection &db, const std::vector<Migration> &steps, const MigrationProgress &progress = {});

} // namespace mb
