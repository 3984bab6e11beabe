// WebRtcTransport: construction, signalling, ICE/DTLS events, timers and closing. The
// per-datagram paths (receive, send_rtp/send_rtcp) are in webrtc_transport_media.cpp.
#include "sfu/transport/webrtc_transport.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "sfu/transport/host_candidate.h"

namespace haven::sfu {

namespace {

ice::IceLiteOptions ice_options(const WebRtcTransportOptions& o) {
  ice::IceLiteOptions out;
  out.consent_timeout = o.consent_timeout;
  return out;
}

}  // namespace

const char* to_string(WebRtcTransport::State state) noexcept {
  switch (state) {
    case WebRtcTransport::State::new_:
      return "new";
    case WebRtcTransport::State::connecting:
      return "connecting";
    case WebRtcTransport::State::connected:
      return "connected";
    case WebRtcTransport::State::disconnected:
      return "disconnected";
    case WebRtcTransport::State::closed:
      return "closed";
  }
  return "?";
}

const char* to_string(WebRtcTransport::CloseReason reason) noexcept {
  switch (reason) {
    case WebRtcTransport::CloseReason::none:
      return "none";
    case WebRtcTransport::CloseReason::local:
      return "local";
    case WebRtcTransport::CloseReason::dtls_failed:
      return "dtls_failed";
    case WebRtcTransport::CloseReason::dtls_closed_by_peer:
      return "dtls_closed_by_peer";
    case WebRtcTransport::CloseReason::srtp_failed:
      return "srtp_failed";
    case WebRtcTransport::CloseReason::server_closed:
      return "server_closed";
  }
  return "?";
}

WebRtcTransport::WebRtcTransport(boost::asio::io_context& ioc, Host& host,
                                 const DtlsContext& dtls_context, Listener& listener,
                                 Options options)
    : ioc_(ioc),
      host_(&host),
      server_drops_(&host.drop_counters()),
      dtls_context_(dtls_context),
      listener_(listener),
      options_(std::move(options)),
      ice_(ice_events_,
           options_.ice_credentials ? *options_.ice_credentials : ice::IceCredentials::generate(),
           ice_options(options_)),
      dtls_(std::make_unique<DtlsTransport>(dtls_context_, options_.dtls_role, dtls_events_,
                                            options_.dtls)),
      rate_(options_.max_packets_per_second),
      probe_rate_(options_.max_packets_per_second),
      dtls_timer_(ioc),
      consent_timer_(ioc) {
  // Capacity up front, so index bookkeeping after a host call cannot fail half-way: at
  // most the current ufrag and two previous ones (IceLiteServer keeps two), and the tuples
  // ICE authenticates.
  indexed_ufrags_.reserve(kMaxIndexedUfrags + 1);
  indexed_tuples_.reserve(ice::IceLiteOptions{}.max_tuples + 1);
  indexed_ufrags_.push_back(ice_.local_ufrag());
  host.on_ufrag_added(*this, ice_.local_ufrag());  // throws if taken: nothing to undo yet
}

WebRtcTransport::~WebRtcTransport() {
  close();
}

// ---- signalling ----

std::string WebRtcTransport::local_candidate(std::string_view announced_ip,
                                             std::uint16_t port) const {
  return format_host_candidate(announced_ip, port);
}

std::string WebRtcTransport::local_candidate() const {
  return host_ != nullptr ? host_->local_candidate() : std::string{};
}

bool WebRtcTransport::set_remote_fingerprint(std::string_view sdp_value) noexcept {
  std::optional<Fingerprint> fp = parse_fingerprint(sdp_value);
  if (!fp) return false;
  remote_fingerprint_ = *fp;
  if (state_ == State::closed) return true;
  dtls_->set_remote_fingerprint(*fp);  // may connect, or fail and close us
  if (state_ != State::closed) arm_dtls_timer();
  return true;
}

std::optional<DtlsSetup> WebRtcTransport::apply_remote_setup(DtlsSetup remote) noexcept {
  const DtlsRole wanted = role_for_remote_setup(remote, dtls_->role());
  if (!set_dtls_role(wanted)) return std::nullopt;
  return setup_for_role(wanted);
}

bool WebRtcTransport::set_dtls_role(DtlsRole role) noexcept {
  if (role == dtls_->role()) return true;
  if (state_ == State::closed || dtls_->state() != DtlsState::idle) return false;
  try {
    auto fresh = std::make_unique<DtlsTransport>(dtls_context_, role, dtls_events_, options_.dtls);
    if (remote_fingerprint_) fresh->set_remote_fingerprint(*remote_fingerprint_);
    dtls_ = std::move(fresh);
    options_.dtls_role = role;
  } catch (...) {
    return false;
  }
  maybe_start_dtls();  // a client whose ICE is already up starts now
  return true;
}

void WebRtcTransport::restart_ice() {
  restart_ice(ice::IceCredentials::generate());
}

void WebRtcTransport::restart_ice(ice::IceCredentials fresh) {
  if (state_ == State::closed || host_ == nullptr) return;
  std::string ufrag = fresh.ufrag;
  host_->on_ufrag_added(*this, ufrag);  // throws if taken; ICE unchanged then
  try {
    ice_.restart(std::move(fresh));
  } catch (...) {
    host_->on_ufrag_removed(*this, ufrag);
    throw;
  }
  // Capacity is reserved: this move cannot throw.
  indexed_ufrags_.insert(indexed_ufrags_.begin(), std::move(ufrag));
  // IceLiteServer honours at most two previous credentials: unindex anything older.
  while (indexed_ufrags_.size() > kMaxIndexedUfrags) {
    host_->on_ufrag_removed(*this, indexed_ufrags_.back());
    indexed_ufrags_.pop_back();
  }
  ++stats_.ice_restarts;
}

void WebRtcTransport::retire_old_ufrags(std::span<const std::uint8_t> request) {
  // IceLiteServer forgets the previous credentials on the first valid check with the new
  // ones; the demuxer's index follows, so a stale ufrag can no longer open new tuples.
  const auto ufrag = ice::IceLiteServer::parse_username_ufrag(request);
  if (!ufrag || *ufrag != ice_.local_ufrag()) return;
  while (indexed_ufrags_.size() > 1) {
    if (host_ != nullptr) host_->on_ufrag_removed(*this, indexed_ufrags_.back());
    indexed_ufrags_.pop_back();
  }
}

void WebRtcTransport::close() noexcept {
  shutdown(CloseReason::local, /*notify_listener=*/false, /*leave_host=*/true);
}

void WebRtcTransport::host_closed() noexcept {
  shutdown(CloseReason::server_closed, /*notify_listener=*/true, /*leave_host=*/false);
}

void WebRtcTransport::shutdown(CloseReason reason, bool notify_listener, bool leave_host) noexcept {
  if (state_ == State::closed) return;
  // close_notify (RFC 5246 §7.2.1) while the send path still works; a failed or closed
  // DtlsTransport ignores this.
  if (reason == CloseReason::local || reason == CloseReason::server_closed) dtls_->close();
  state_ = State::closed;
  close_reason_ = reason;
  ice_connected_ = false;
  dtls_timer_.cancel();
  consent_timer_.cancel();
  srtp_in_.reset();
  srtp_out_.reset();
  if (host_ != nullptr && leave_host) {
    for (const auto& ufrag : indexed_ufrags_) host_->on_ufrag_removed(*this, ufrag);
    for (const auto& tuple : indexed_tuples_) host_->on_tuple_removed(*this, tuple);
    host_->on_transport_closed(*this);
  }
  indexed_ufrags_.clear();
  indexed_tuples_.clear();
  host_ = nullptr;
  server_drops_ = nullptr;
  if (notify_listener) listener_.on_closed();
}

// ---- ICE ----

void WebRtcTransport::IceEvents::on_selected_tuple(const Tuple& /*tuple*/) {
  // Nothing to do: sends read ice_.selected_tuple() each time, so a renomination moves
  // media at once (pion/ice#440, ms#1607).
}

void WebRtcTransport::IceEvents::on_connected() {
  self.ice_connected_ = true;
  if (self.state_ == State::closed) return;
  if (self.srtp_in_ && self.srtp_out_) {
    self.enter_connected();
  } else {
    self.state_ = State::connecting;  // DTLS starts after the STUN answer went out
  }
}

void WebRtcTransport::IceEvents::on_disconnected() {
  self.ice_connected_ = false;
  if (self.state_ == State::closed) return;
  self.state_ = State::disconnected;
  self.listener_.on_disconnected();
}

void WebRtcTransport::sync_tuples(const std::optional<Tuple>& candidate) {
  if (host_ == nullptr) return;
  // Tuples ICE evicted (max_tuples) or expired leave the demuxer's index too.
  for (auto it = indexed_tuples_.begin(); it != indexed_tuples_.end();) {
    if (!ice_.is_authenticated(*it)) {
      host_->on_tuple_removed(*this, *it);
      it = indexed_tuples_.erase(it);
    } else {
      ++it;
    }
  }
  if (candidate && ice_.is_authenticated(*candidate) &&
      std::find(indexed_tuples_.begin(), indexed_tuples_.end(), *candidate) ==
          indexed_tuples_.end()) {
    host_->on_tuple_added(*this, *candidate);
    indexed_tuples_.push_back(*candidate);
  }
}

void WebRtcTransport::arm_consent_timer() {
  if (state_ == State::closed) return;
  const auto deadline = ice_.next_deadline();
  if (!deadline) {
    consent_timer_.cancel();
    return;
  }
  // A timer that fires early is harmless (tick() finds nothing stale and we re-arm), so
  // only move it when the new deadline is sooner.
  if (consent_timer_.armed() && consent_timer_.expiry() <= *deadline) return;
  consent_timer_.arm_at(*deadline, [this] { on_consent_deadline(); });
}

void WebRtcTransport::on_consent_deadline() {
  if (state_ == State::closed) return;
  try {
    ice_.tick(Clock::now());  // may report on_disconnected
    if (state_ == State::closed) return;
    sync_tuples(std::nullopt);
  } catch (...) {
    // Only bad_alloc can get here; consent is re-evaluated at the next deadline.
  }
  arm_consent_timer();
}

// ---- DTLS ----

void WebRtcTransport::maybe_start_dtls() {
  // A DTLS client starts only once ICE is connected, toward the selected tuple (MS
  // MayRunDtlsTransport); a server waits for the ClientHello (DtlsTransport starts its
  // handshake clock then), so its role can still change until the first datagram.
  if (state_ == State::closed || !ice_connected_ || dtls_->role() != DtlsRole::client ||
      dtls_->state() != DtlsState::idle) {
    return;
  }
  dtls_->start();
  if (state_ != State::closed) arm_dtls_timer();
}

void WebRtcTransport::arm_dtls_timer() {
  const auto timeout = dtls_->next_timeout();
  if (!timeout) {
    dtls_timer_.cancel();
    return;
  }
  dtls_timer_.arm_after(*timeout, [this] {
    dtls_->on_timeout();
    if (state_ != State::closed) arm_dtls_timer();
  });
}

void WebRtcTransport::DtlsEvents::send_datagram(std::span<const std::uint8_t> datagram) {
  const auto& selected = self.ice_.selected_tuple();
  const std::optional<Tuple>& to = selected ? selected : self.dtls_tuple_;
  if (!to) {
    self.drop(DropReason::not_connected);  // DTLS retransmits once a path exists
    return;
  }
  self.send_datagram(*to, datagram);
}

void WebRtcTransport::DtlsEvents::on_connected(const SrtpKeys& keys) {
  if (self.state_ == State::closed) return;
  // RFC 5764 §4.2: "local" protects what we send, "remote" what the peer sends.
  self.srtp_in_ = SrtpSession::create(SrtpDirection::inbound, keys.profile, keys.remote.key_salt(),
                                      self.options_.srtp);
  self.srtp_out_ = SrtpSession::create(SrtpDirection::outbound, keys.profile, keys.local.key_salt(),
                                       self.options_.srtp);
  if (!self.srtp_in_ || !self.srtp_out_) {
    self.failure_reason_ = "SRTP session creation failed";
    self.shutdown(CloseReason::srtp_failed, /*notify_listener=*/true, /*leave_host=*/true);
    return;
  }
  if (self.ice_connected_) self.enter_connected();
}

void WebRtcTransport::DtlsEvents::on_failed(std::string_view reason) {
  self.failure_reason_ = std::string(reason);
  self.shutdown(CloseReason::dtls_failed, /*notify_listener=*/true, /*leave_host=*/true);
}

void WebRtcTransport::DtlsEvents::on_closed() {
  self.shutdown(CloseReason::dtls_closed_by_peer, /*notify_listener=*/true, /*leave_host=*/true);
}

void WebRtcTransport::enter_connected() {
  if (state_ == State::connected || state_ == State::closed) return;
  state_ = State::connected;
  listener_.on_connected();
}

}  // namespace haven::sfu
