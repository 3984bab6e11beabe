#include "api/user_view.h"

#include <algorithm>
#include <cctype>

namespace haven {

nlohmann::json user_json(const User& user) {
  return {{"id", user.id},
          {"role", role_name(user.role)},
          {"display_name", user.display_name},
          {"email", user.email}};
}

nlohmann::json user_admin_json(const User& user) {
  auto j = user_json(user);
  j["disabled"] = user.disabled;
  j["locked"] = user.locked;
  j["mfa"] = user.mfa_enabled;
  return j;
}

std::optional<std::string> normalize_email(const std::string& email) {
  auto begin = email.find_first_not_of(" \t");
  auto end = email.find_last_not_of(" \t");
  if (begin == std::string::npos) return std::nullopt;
  std::string out = email.substr(begin, end - begin + 1);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) {
    return ch < 0x80 ? static_cast<char>(std::tolower(ch)) : static_cast<char>(ch);
  });
  auto at = out.find('@');
  if (at == 0 || at == std::string::npos || at + 1 >= out.size() ||
      out.find('@', at + 1) != std::string::npos) {
    return std::nullopt;
  }
  for (unsigned char ch : out) {
    if (ch <= 0x20 || ch == 0x7f) return std::nullopt;
  }
  return out;
}

}  // namespace haven
