// Refusal of common and guessable passwords (NIST SP 800-63B §5.1.1.2: check against
// dictionary words and repetitive or sequential characters), through cracklib and the
// dictionary Debian's cracklib-runtime builds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace haven {

// nullopt when acceptable; otherwise cracklib's reason ("it is based on a dictionary
// word"), a fixed English phrase that never contains the password.
std::optional<std::string> password_weakness(std::string_view password);

}  // namespace haven
