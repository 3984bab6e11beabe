#include "sfu/client/ice_agent.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "sfu/stun/builder.h"
#include "sfu/stun/integrity.h"
#include "sfu/transport/host_candidate.h"
#include "util/secret_bytes.h"

namespace haven::sfu {

namespace {

// RFC 8445 §7.1.1: PRIORITY carries the priority a peer-reflexive candidate learned from
// this check would get: type preference 110, one interface, component 1.
constexpr std::uint32_t kCheckPriority = ice_priority(kPeerReflexiveTypePreference, 65535, 1);

std::uint64_t random_tie_breaker() {
  init_sodium();
  std::uint64_t v = 0;
  randombytes_buf(&v, sizeof v);
  return v;
}

}  // namespace

IceAgent::IceAgent(ice::IceCredentials local, ice::IceCredentials remote)
    : local_(std::move(local)), remote_(std::move(remote)), tie_breaker_(random_tie_breaker()) {}

std::optional<std::vector<std::uint8_t>> IceAgent::make_request(bool nominate) {
  Pending& slot = pending_[next_slot_];
  next_slot_ = (next_slot_ + 1) % kPending;
  slot.id = stun::random_transaction_id();
  slot.remote_ufrag = remote_.ufrag;
  slot.remote_pwd = remote_.pwd;
  slot.used = true;

  stun::MessageBuilder b(stun::MessageClass::request, stun::kMethodBinding, slot.id);
  b.username(remote_.ufrag + ":" + local_.ufrag).priority(kCheckPriority);
  if (controlling_) {
    b.ice_controlling(tie_breaker_);
    if (nominate) b.use_candidate();
  } else {
    b.ice_controlled(tie_breaker_);
  }
  auto request = b.message_integrity(remote_.pwd).fingerprint().finish();
  if (request) ++requests_sent_;
  return request;
}

IceAgent::Result IceAgent::handle_response(std::span<const std::uint8_t> datagram) {
  const auto message = stun::parse(datagram);
  if (!message || message->method != stun::kMethodBinding ||
      (message->message_class != stun::MessageClass::success_response &&
       message->message_class != stun::MessageClass::error_response)) {
    return Result::not_ours;
  }
  const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) {
    return p.used && p.id == message->transaction_id;
  });
  if (it == pending_.end()) return Result::not_ours;

  if (message->message_class == stun::MessageClass::error_response) {
    // Error responses carry no MESSAGE-INTEGRITY (the server may not know our creds);
    // matching the random transaction id is the only check possible (RFC 8489 §9.1.4).
    it->used = false;
    ++errors_;
    last_error_ = message->error_code ? std::optional(message->error_code->code) : std::nullopt;
    return Result::error;
  }
  // RFC 8489 §9.1.4: a success response must carry MESSAGE-INTEGRITY keyed like the
  // request; anything else is discarded (an off-path attacker guessing nothing).
  if (!message->has_fingerprint || !message->has_integrity() ||
      !stun::verify_message_integrity(datagram, it->remote_pwd)) {
    return Result::invalid;
  }
  it->used = false;
  ++successes_;
  mapped_ = message->xor_mapped_address;
  last_success_ufrag_ = it->remote_ufrag;
  return Result::success;
}

std::optional<std::vector<std::uint8_t>> IceAgent::answer_request(
    std::span<const std::uint8_t> datagram, const Tuple& from) const {
  const auto message = stun::parse(datagram);
  if (!message || message->method != stun::kMethodBinding ||
      message->message_class != stun::MessageClass::request || !message->username ||
      !message->has_fingerprint || !message->has_integrity()) {
    return std::nullopt;
  }
  // USERNAME is "ours:theirs" (RFC 8445 §7.2.2): the request is meant for this agent.
  if (*message->username != local_.ufrag + ":" + remote_.ufrag ||
      !stun::verify_message_integrity(datagram, local_.pwd)) {
    return std::nullopt;
  }
  return stun::MessageBuilder(stun::MessageClass::success_response, stun::kMethodBinding,
                              message->transaction_id)
      .xor_mapped_address(from)
      .message_integrity(local_.pwd)
      .fingerprint()
      .finish();
}

void IceAgent::restart(ice::IceCredentials local, ice::IceCredentials remote) {
  local_ = std::move(local);
  remote_ = std::move(remote);
}

}  // namespace haven::sfu
