#include "auth/password_policy.h"

#include <crack.h>

#include <cstddef>  // crack.h uses size_t without including it
#include <filesystem>
#include <mutex>

#include "log/logger.h"

namespace haven {
namespace {

// Key orders a walk follows: rows (with the wrap from one row to the next) and columns
// of a US QWERTY keyboard. cracklib lets long walks such as "qwertyuiopasdfgh" through.
constexpr std::string_view kKeyOrders[] = {
    "`1234567890-=",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
};

char lower(char ch) {
  return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
}

bool adjacent_keys(char a, char b) {
  for (auto order : kKeyOrders) {
    auto pa = order.find(a);
    auto pb = order.find(b);
    if (pa != std::string_view::npos && pb != std::string_view::npos &&
        (pa + 1 == pb || pb + 1 == pa)) {
      return true;
    }
  }
  return false;
}

// NIST SP 800-63B §5.1.1.2 names "repetitive or sequential characters": a password is
// refused when three quarters of its steps repeat a character, go to the next or
// previous one ("abcd", "9876"), or move to a neighbouring key.
bool mostly_sequential(std::string_view password) {
  if (password.size() < 2) return false;
  std::size_t predictable = 0;
  for (std::size_t i = 1; i < password.size(); ++i) {
    char a = lower(password[i - 1]);
    char b = lower(password[i]);
    int step = static_cast<unsigned char>(b) - static_cast<unsigned char>(a);
    if (step >= -1 && step <= 1) {
      ++predictable;
    } else if (adjacent_keys(a, b)) {
      ++predictable;
    }
  }
  return predictable * 4 >= (password.size() - 1) * 3;
}

}  // namespace

std::optional<std::string> password_weakness(std::string_view password) {
  if (mostly_sequential(password)) return std::string("it is a keyboard pattern or a sequence");
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
