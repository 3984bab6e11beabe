// CollectedClientData (W3C WebAuthn §5.8.1): the JSON the browser builds and the
// authenticator signs (by hash). Shared by both ceremonies, §7.1 steps 5-10 and §7.2 steps
// 9-14.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "auth/webauthn.h"

namespace haven::webauthn {

// Well below any request-body limit, far above the few hundred bytes browsers send.
inline constexpr std::size_t kMaxClientDataJson = 64 * 1024;

// §13.4.3: challenges need at least 16 random bytes; a shorter expected one is a caller bug
// that would weaken replay protection, so it never matches.
inline constexpr std::size_t kMinChallengeBytes = 16;

// Checks type, challenge (constant time), origin (exact) and crossOrigin. nullopt = passed.
std::optional<Error> check_client_data(const RelyingParty& rp, std::string_view client_data_json,
                                       std::string_view expected_type,
                                       std::span<const std::uint8_t> expected_challenge);

}  // namespace haven::webauthn
