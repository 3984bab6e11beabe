// Refusal of common and guessable passwords (NIST SP 800-63B §5.1.1.2: check against
// dictionary words and repetitive or sequential characters), through cracklib and the
// dictionary Debian's cracklib-runtime builds, plus a keyboard-walk check cracklib lacks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace haven {

// nullopt when acceptable; otherwise a reason ("it is based on a dictionary word", "it is
// a keyboard pattern or a sequence"), a fixed English phrase that never holds the password.
std::optional<std::string> password_weakness(std::string_view password);

}  // namespace haven
