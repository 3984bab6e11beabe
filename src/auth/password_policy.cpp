#include "auth/password_policy.h"

#include <cstddef>  // crack.h uses size_t without including it
#include <crack.h>

#include <filesystem>
#include <mutex>

#include "log/logger.h"

namespace haven {

std::optional<std::string> password_weakness(std::string_view password) {
  // cracklib keeps static state: one check at a time.
  static std::mutex mutex;
  static const std::string dictionary = GetDefaultCracklibDict();
  static const bool available = std::filesystem::exists(dictionary + ".pwd");
  if (!available) {
    static std::once_flag warned;
    std::call_once(warned, [] { log::warn("password_policy.no_dictionary"); });
    return std::nullopt;  // an operator problem; length rules still apply
  }
  std::string copy(password);  // cracklib wants a NUL-terminated string
  std::lock_guard lock(mutex);
  const char* reason = FascistCheck(copy.c_str(), dictionary.c_str());
  if (!reason) return std::nullopt;
  return std::string(reason);
}

}  // namespace haven
