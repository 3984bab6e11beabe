// Secret files in the data folder: written atomically with mode 0600, never in the database.
#pragma once

#include <string>

namespace haven {

// Writes content to path.tmp (0600), fsyncs, renames over path. Throws on failure.
void write_private_file(const std::string& path, const std::string& content);

// Creates the 32-byte master key file (0600) if missing. Returns true when it created it.
// The key wraps per-patient data keys (envelope encryption); it never enters SQLite.
bool ensure_master_key(const std::string& path);

// fsyncs a directory, so renames and unlinks in it survive a crash. Throws on failure.
void sync_dir(const std::string& dir);

// Creates dir (and parents) with mode 0700 when missing; tightens an existing dir to 0700.
void ensure_private_dir(const std::string& dir);

}  // namespace haven
