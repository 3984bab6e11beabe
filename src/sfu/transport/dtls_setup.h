// The SDP `a=setup` attribute (RFC 4145 §4, RFC 5763 §5) and Haven's DTLS role policy.
//
// Policy (one, for every transport): the SFU is always the DTLS server.
//  - Answering a browser offer (Chrome offers `actpass`): we answer `a=setup:passive`, so
//    the browser is the DTLS client (mediasoup-client does the same: the browser is
//    always the DTLS client). RFC 5763 §5 recommends `active` for the answerer, but
//    `passive` is equally valid and keeps one code path on our side.
//  - Offering: we offer `a=setup:actpass`; Chrome answers `active`, so we are server.
// The role is frozen once the handshake starts (Chromium re-offers `actpass`; the
// re-answer must repeat the established role or Chrome fails with "Failed to set SSL role
// for the transport": pion#3552). A peer that insists on `passive` (RFC 8842 allows
// non-actpass offers) makes us the client, as long as DTLS has not started.
#pragma once

#include <optional>
#include <string_view>

#include "sfu/dtls/dtls_transport.h"

namespace haven::sfu {

enum class DtlsSetup { actpass, active, passive };

// "actpass" / "active" / "passive" (case-insensitive; `holdconn` is not valid in WebRTC,
// RFC 8842 §5.1). nullopt otherwise.
std::optional<DtlsSetup> parse_dtls_setup(std::string_view value) noexcept;
std::string_view to_string(DtlsSetup setup) noexcept;

// The role the SFU prefers (the policy above).
inline constexpr DtlsRole kPreferredDtlsRole = DtlsRole::server;

// Our `a=setup` value in an offer: always actpass (RFC 5763 §5: the offerer must offer
// actpass unless it has a reason not to).
inline constexpr DtlsSetup kOfferSetup = DtlsSetup::actpass;

// What we put in an answer (or a re-answer) while holding `role`: passive for the server.
constexpr DtlsSetup setup_for_role(DtlsRole role) noexcept {
  return role == DtlsRole::server ? DtlsSetup::passive : DtlsSetup::active;
}

// The role the remote `a=setup` (from its offer or its answer) leaves us: its `active`
// makes us server, its `passive` client, its `actpass` whatever `current` already is.
constexpr DtlsRole role_for_remote_setup(DtlsSetup remote, DtlsRole current) noexcept {
  switch (remote) {
    case DtlsSetup::active:
      return DtlsRole::server;
    case DtlsSetup::passive:
      return DtlsRole::client;
    case DtlsSetup::actpass:
      break;
  }
  return current;
}

}  // namespace haven::sfu
