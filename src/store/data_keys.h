// The data_keys table (migration 9): one wrapped data key per subject. Only wrapped keys
// are stored; the master keys that unwrap them are files outside the database
// (crypto/keyring.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/keyring.h"
#include "store/sqlite.h"

namespace haven::data_keys {

std::optional<WrappedKey> by_subject(sql::Connection& conn, const std::string& subject);
std::optional<WrappedKey> by_id(sql::Connection& conn, const std::string& key_id);
// False (and nothing written) when the subject already has a key: the caller reads that one.
bool insert(sql::Connection& conn, const WrappedKey& key, std::int64_t now);
std::vector<WrappedKey> all(sql::Connection& conn);
// Replaces kek_id and wrapped_key of key.key_id.
void update_wrapping(sql::Connection& conn, const WrappedKey& key);
// kek id -> number of data keys wrapped under it.
std::map<std::string, std::int64_t> count_by_kek(sql::Connection& conn);

}  // namespace haven::data_keys
