// The second sign-in step, shared by every second factor (TOTP, recovery code, passkey).
#pragma once

#include <variant>

#include "api/route_table.h"
#include "store/repositories.h"

namespace haven {

// The user behind the pending challenge, after the per-account rate limit; or the error.
std::variant<User, ApiResult> pending_mfa_user(const RequestContext& ctx, Services& s);

// A wrong factor counts toward the lockout like a wrong password.
ApiResult mfa_failure(Services& s, const User& user, const ApiError& error);

// Consumes the challenge, clears failures, starts the session (and clears haven_mfa).
ApiResult finish_mfa_sign_in(const RequestContext& ctx, Services& s, const User& user,
                             const char* event);

// Ten fresh recovery codes (shown once) and their hashes (stored).
std::pair<std::vector<std::string>, std::vector<std::string>> new_recovery_codes();
std::string recovery_code_hash(const std::string& code);

inline const ApiError kMfaInvalid{401, "mfa_invalid",
                                  "That code is not valid. Try the newest one."};

}  // namespace haven
