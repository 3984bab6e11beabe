// How a user appears in API answers, and the email normal form used for lookups.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "store/repositories.h"

namespace haven {

nlohmann::json user_json(const User& user);
// What an admin sees in the people list: user_json plus account state.
nlohmann::json user_admin_json(const User& user);

// Trimmed, ASCII-lowercased; nullopt unless it looks like local@domain with no spaces.
std::optional<std::string> normalize_email(const std::string& email);

}  // namespace haven
