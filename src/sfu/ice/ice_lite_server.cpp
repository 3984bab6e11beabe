#include "sfu/ice/ice_lite_server.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "sfu/stun/builder.h"
#include "sfu/stun/integrity.h"
#include "sfu/stun/message.h"

namespace haven::sfu::ice {
namespace {

using stun::MessageBuilder;
using stun::MessageClass;

constexpr std::size_t kMaxPreviousCredentials = 2;

IceCredentials checked(IceCredentials c) {
  if (!is_valid_ufrag(c.ufrag) || !is_valid_pwd(c.pwd)) {
    throw std::invalid_argument("ICE credentials: ufrag 4-256, pwd 22-256 ice-chars");
  }
  return c;
}

// Error responses carry FINGERPRINT but no MESSAGE-INTEGRITY, as mediasoup sends them
// (sfu-interop.md §1); Chrome accepts them.
std::optional<std::vector<std::uint8_t>> error_response(
    const stun::Message& request, std::uint16_t code, std::span<const std::uint16_t> unknown = {}) {
  MessageBuilder b(MessageClass::error_response, request.method, request.transaction_id);
  b.error_code(code);
  if (!unknown.empty()) b.unknown_attributes(unknown);
  return b.fingerprint().finish();
}

}  // namespace

const char* to_string(IceState state) noexcept {
  switch (state) {
    case IceState::new_:
      return "new";
    case IceState::connected:
      return "connected";
    case IceState::disconnected:
      return "disconnected";
  }
  return "?";
}

IceLiteServer::IceLiteServer(Listener& listener, Options options)
    : IceLiteServer(listener, IceCredentials::generate(), options) {}

IceLiteServer::IceLiteServer(Listener& listener, IceCredentials local, Options options)
    : listener_(listener), options_(options), local_(checked(std::move(local))) {
  if (options_.max_tuples == 0) options_.max_tuples = 1;
}

std::optional<std::vector<std::uint8_t>> IceLiteServer::handle_binding_request(
    std::span<const std::uint8_t> bytes, const Tuple& from, Clock::time_point now) {
  // RFC 8489 §6.3: garbage, a wrong FINGERPRINT, indications (Binding indications are
  // keepalives, RFC 8445 §11) and stray responses are dropped without an answer.
  const auto request = stun::parse(bytes);
  if (!request || request->message_class != MessageClass::request) return std::nullopt;
  if (request->method != stun::kMethodBinding) return error_response(*request, 400);
  // RFC 8445 §7.3 (mediasoup IceServer): ICE checks carry FINGERPRINT and PRIORITY.
  if (!request->has_fingerprint || !request->priority) return error_response(*request, 400);

  // Short-term credentials, RFC 8489 §9.1.3: USERNAME and MESSAGE-INTEGRITY both
  // required (400), USERNAME = "<our ufrag>:<their ufrag>" with a ufrag we issued and
  // MESSAGE-INTEGRITY keyed by its pwd (else 401).
  if (!request->username || !request->has_integrity()) return error_response(*request, 400);
  const std::string_view username = *request->username;
  const auto colon = username.find(':');
  if (colon == std::string_view::npos) return error_response(*request, 401);
  const std::string_view ufrag = username.substr(0, colon);
  const IceCredentials* creds = nullptr;
  bool current = false;
  if (ufrag == local_.ufrag) {
    creds = &local_;
    current = true;
  } else {
    for (const auto& old : previous_) {
      if (ufrag == old.ufrag) creds = &old;
    }
  }
  if (creds == nullptr || !stun::verify_message_integrity(bytes, creds->pwd)) {
    return error_response(*request, 401);
  }
  const std::string pwd = creds->pwd;  // previous_ may be cleared below

  // RFC 8489 §6.3.1.1: authenticated but we cannot honour what it requires.
  if (!request->unknown_required.empty()) {
    return error_response(*request, 420, request->unknown_required);
  }
  // A lite agent is always controlled (RFC 8445 §6.1.1); a peer that also claims to be
  // controlled gets 487 and must switch (§7.3.1.1). No role attribute at all is malformed.
  if (request->ice_controlled) return error_response(*request, 487);
  if (!request->ice_controlling) return error_response(*request, 400);

  auto response =
      MessageBuilder(MessageClass::success_response, stun::kMethodBinding, request->transaction_id)
          .xor_mapped_address(from)
          .message_integrity(pwd)
          .fingerprint()
          .finish();

  if (current && !previous_.empty()) {
    // First check with the post-restart credentials: the old ones are retired, and so is
    // the old nomination counter.
    previous_.clear();
    remote_nomination_ = 0;
  }
  authenticate(from, now);

  // Nomination. Regular/aggressive nomination: USE-CANDIDATE selects the pair, and a later
  // USE-CANDIDATE on another pair moves the selection there unconditionally (a lite agent
  // that ignores it sends media where Chrome no longer listens: pion/ice#440, ms#1607).
  // Renomination (a=ice-options:renomination): NOMINATION counts up and only a higher value
  // wins (ms#734), so a delayed check for an abandoned pair cannot steal the selection.
  bool nominated = false;
  if (request->nomination) {
    if (*request->nomination > remote_nomination_) {
      remote_nomination_ = *request->nomination;
      nominated = true;
    }
  } else if (request->use_candidate) {
    nominated = true;
  }
  if (nominated) select(from);
  return response;
}

void IceLiteServer::authenticate(const Tuple& tuple, Clock::time_point now) {
  if (Entry* e = find(tuple)) {
    e->last_valid = std::max(e->last_valid, now);
    return;
  }
  if (tuples_.size() >= options_.max_tuples) {
    // Evict the least recently checked tuple that is not the selected one.
    auto victim = tuples_.end();
    for (auto it = tuples_.begin(); it != tuples_.end(); ++it) {
      if (selected_ && it->tuple == *selected_) continue;
      if (victim == tuples_.end() || it->last_valid < victim->last_valid) victim = it;
    }
    if (victim != tuples_.end()) tuples_.erase(victim);
  }
  tuples_.push_back({tuple, now});
}

bool IceLiteServer::select(const Tuple& tuple) {
  const bool changed = !selected_ || *selected_ != tuple;
  const bool connecting = state_ != IceState::connected;
  selected_ = tuple;
  state_ = IceState::connected;
  if (changed) listener_.on_selected_tuple(tuple);
  if (connecting) listener_.on_connected();
  return changed || connecting;
}

IceLiteServer::Entry* IceLiteServer::find(const Tuple& tuple) noexcept {
  auto it = std::find_if(tuples_.begin(), tuples_.end(),
                         [&](const Entry& e) { return e.tuple == tuple; });
  return it == tuples_.end() ? nullptr : &*it;
}

const IceLiteServer::Entry* IceLiteServer::find(const Tuple& tuple) const noexcept {
  return const_cast<IceLiteServer*>(this)->find(tuple);
}

bool IceLiteServer::is_authenticated(const Tuple& tuple) const noexcept {
  return find(tuple) != nullptr;
}

bool IceLiteServer::accept_packet_from(const Tuple& from) {
  if (!is_authenticated(from)) return false;
  if (options_.select_on_media && state_ == IceState::connected && selected_ != from) {
    select(from);
  }
  return true;
}

void IceLiteServer::tick(Clock::time_point now) {
  const auto timeout = options_.consent_timeout;
  auto stale = [&](const Entry& e) { return now - e.last_valid >= timeout; };
  bool lost = false;
  if (state_ == IceState::connected && selected_) {
    const Entry* e = find(*selected_);
    // RFC 7675 §5.1: no valid check on the selected pair for consent_timeout.
    if (e == nullptr || stale(*e)) {
      state_ = IceState::disconnected;
      selected_.reset();
      lost = true;
    }
  }
  std::erase_if(tuples_,
                [&](const Entry& e) { return !(selected_ && e.tuple == *selected_) && stale(e); });
  if (lost) listener_.on_disconnected();
}

std::optional<IceLiteServer::Clock::time_point> IceLiteServer::next_deadline() const {
  std::optional<Clock::time_point> next;
  for (const Entry& e : tuples_) {
    const auto at = e.last_valid + options_.consent_timeout;
    if (!next || at < *next) next = at;
  }
  return next;
}

void IceLiteServer::restart() {
  restart(IceCredentials::generate());
}

void IceLiteServer::restart(IceCredentials fresh) {
  fresh = checked(std::move(fresh));
  previous_.insert(previous_.begin(), std::move(local_));
  if (previous_.size() > kMaxPreviousCredentials) previous_.resize(kMaxPreviousCredentials);
  local_ = std::move(fresh);
}

std::optional<std::string> IceLiteServer::parse_username_ufrag(
    std::span<const std::uint8_t> bytes) {
  const auto m = stun::parse(bytes);
  if (!m || m->message_class != MessageClass::request || m->method != stun::kMethodBinding ||
      !m->username) {
    return std::nullopt;
  }
  const auto colon = m->username->find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  return m->username->substr(0, colon);
}

}  // namespace haven::sfu::ice
