#include "sfu/client/webrtc_client.h"

#include <boost/asio/ip/address.hpp>
#include <utility>

#include "sfu/ice/tuple_asio.h"
#include "sfu/limits.h"
#include "sfu/packet_kind.h"
#include "sfu/sdp/candidate.h"

namespace haven::sfu {

const char* to_string(WebRtcClient::State state) noexcept {
  switch (state) {
    case WebRtcClient::State::new_:
      return "new";
    case WebRtcClient::State::checking:
      return "checking";
    case WebRtcClient::State::connecting:
      return "connecting";
    case WebRtcClient::State::connected:
      return "connected";
    case WebRtcClient::State::failed:
      return "failed";
    case WebRtcClient::State::closed:
      return "closed";
  }
  return "?";
}

std::optional<Tuple> WebRtcClientRemote::address_from_candidate(std::string_view candidate) {
  const auto c = sdp::parse_candidate(candidate);
  if (!c || c->port == 0) return std::nullopt;
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(c->address, ec);
  if (ec) return std::nullopt;  // FQDN / mDNS names are not for the SFU's candidate
  return to_tuple(boost::asio::ip::udp::endpoint(ip, c->port));
}

WebRtcClient::WebRtcClient(boost::asio::io_context& ioc, const DtlsContext& dtls_context,
                           WebRtcClientRemote remote, Callbacks callbacks,
                           WebRtcClientOptions options)
    : ioc_(ioc),
      dtls_context_(dtls_context),
      remote_(std::move(remote)),
      callbacks_(std::move(callbacks)),
      options_(std::move(options)),
      agent_(options_.local_ice ? *options_.local_ice : ice::IceCredentials::generate(),
             ice::IceCredentials{remote_.ice_ufrag, remote_.ice_pwd}),
      dtls_(std::make_unique<DtlsTransport>(dtls_context_, options_.dtls_role, dtls_events_,
                                            options_.dtls)),
      check_timer_(ioc),
      dtls_timer_(ioc),
      endpoint_(std::make_unique<UdpEndpoint>(ioc, options_.local_address, options_.local_port,
                                              static_cast<UdpEndpoint::Listener&>(*this))) {
  agent_.set_controlling(options_.ice_controlling);
  // A fingerprint that does not parse can never match: the handshake will fail (and
  // must, rather than connect to an unauthenticated server).
  if (!dtls_->set_remote_fingerprint(remote_.fingerprint)) {
    failure_reason_ = "remote fingerprint does not parse";
  }
}

WebRtcClient::~WebRtcClient() {
  close();
}

void WebRtcClient::start() {
  if (state_ != State::new_) return;
  state_ = State::checking;
  endpoint_->start();
  send_check();
}

void WebRtcClient::close() noexcept {
  if (state_ == State::closed) return;
  dtls_->close();  // close_notify if a handshake ever started
  state_ = State::closed;
  check_timer_.cancel();
  dtls_timer_.cancel();
  srtp_in_.reset();
  srtp_out_.reset();
  endpoint_->close();
}

// ---- ICE ----

void WebRtcClient::send_check() {
  if (state_ == State::closed || state_ == State::failed) return;
  if (!ice_connected_ || consent_enabled_) {
    if (auto request = agent_.make_request()) {
      if (endpoint_->send(remote_.address, *request)) ++stats_.stun_requests_sent;
    }
  }
  schedule_check(ice_connected_ ? options_.consent_interval : options_.check_interval);
}

void WebRtcClient::schedule_check(std::chrono::milliseconds delay) {
  check_timer_.arm_after(delay, [this] { send_check(); });
}

void WebRtcClient::handle_stun(const Tuple& from, std::span<const std::uint8_t> data) {
  if (options_.answer_ice_checks) {
    if (auto response = agent_.answer_request(data, from)) {
      if (endpoint_->send(from, *response)) ++stats_.stun_requests_answered;
      return;
    }
  }
  switch (agent_.handle_response(data)) {
    case IceAgent::Result::success:
      ++stats_.stun_successes;
      break;
    case IceAgent::Result::error:
      ++stats_.stun_errors;
      dropped_.add(DropReason::stun_rejected);
      return;
    case IceAgent::Result::invalid:
    case IceAgent::Result::not_ours:
      dropped_.add(DropReason::stun_rejected);
      return;
  }
  if (ice_connected_) return;
  ice_connected_ = true;
  if (state_ == State::checking) state_ = State::connecting;
  schedule_check(options_.consent_interval);
  // RFC 5763 §5 / MS MayRunDtlsTransport: the DTLS client starts once ICE has a pair.
  if (dtls_->role() == DtlsRole::client) {
    dtls_->start();
    arm_dtls_timer();
  }
}

void WebRtcClient::restart_ice(std::string remote_ufrag, std::string remote_pwd) {
  remote_.ice_ufrag = std::move(remote_ufrag);
  remote_.ice_pwd = std::move(remote_pwd);
  agent_.restart(ice::IceCredentials::generate(),
                 ice::IceCredentials{remote_.ice_ufrag, remote_.ice_pwd});
  send_check();  // at once, as a browser does after setRemoteDescription
}

void WebRtcClient::switch_local_port() {
  if (state_ == State::closed) return;
  auto fresh = std::make_unique<UdpEndpoint>(ioc_, options_.local_address, 0,
                                             static_cast<UdpEndpoint::Listener&>(*this));
  endpoint_ = std::move(fresh);       // the old socket closes; its queued handlers are inert
  if (state_ == State::new_) return;  // start() starts it
  endpoint_->start();
  send_check();
}

void WebRtcClient::set_consent_enabled(bool enabled) {
  consent_enabled_ = enabled;
}

// ---- datagrams ----

void WebRtcClient::on_datagram(const Tuple& from, std::span<std::uint8_t> data) noexcept {
  if (state_ == State::closed) return;
  if (from != remote_.address) {
    dropped_.add(DropReason::unknown_tuple);
    return;
  }
  if (data.size() > kMaxDatagram) {
    dropped_.add(DropReason::malformed);
    return;
  }
  try {
    switch (classify(data)) {
      case PacketKind::stun:
        handle_stun(from, data);
        return;
      case PacketKind::dtls:
        dtls_->receive(data);
        if (state_ != State::closed && state_ != State::failed) arm_dtls_timer();
        return;
      case PacketKind::rtp:
        handle_srtp(false, data);
        return;
      case PacketKind::rtcp:
        handle_srtp(true, data);
        return;
      case PacketKind::unknown:
        break;
    }
    dropped_.add(DropReason::malformed);
  } catch (...) {
    dropped_.add(DropReason::malformed);  // bad_alloc in STUN parsing, or a callback threw
  }
}

void WebRtcClient::handle_srtp(bool rtcp, std::span<std::uint8_t> data) {
  if (!srtp_in_) {
    dropped_.add(DropReason::not_connected);
    return;
  }
  std::size_t length = data.size();
  const SrtpStatus status =
      rtcp ? srtp_in_->unprotect_rtcp(data, length) : srtp_in_->unprotect_rtp(data, length);
  if (status != SrtpStatus::ok) {
    dropped_.add(srtp_drop_reason(status));
    return;
  }
  if (rtcp) {
    ++stats_.rtcp_received;
    if (callbacks_.on_rtcp) callbacks_.on_rtcp(data.first(length));
    return;
  }
  auto packet = rtp::RtpPacket::parse(data.first(length));
  if (!packet) {
    dropped_.add(DropReason::malformed);
    return;
  }
  ++stats_.rtp_received;
  if (callbacks_.on_rtp) callbacks_.on_rtp(*packet);
}

bool WebRtcClient::protect(bool rtcp, std::span<std::uint8_t> buffer,
                           std::size_t& length) noexcept {
  if (state_ != State::connected || !srtp_out_) {
    dropped_.add(DropReason::not_connected);
    return false;
  }
  const SrtpStatus status =
      rtcp ? srtp_out_->protect_rtcp(buffer, length) : srtp_out_->protect_rtp(buffer, length);
  if (status != SrtpStatus::ok) {
    dropped_.add(DropReason::srtp_error);
    return false;
  }
  return true;
}

bool WebRtcClient::protect_rtp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept {
  return protect(false, buffer, length);
}

bool WebRtcClient::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept {
  return protect(true, buffer, length);
}

bool WebRtcClient::send_raw(std::span<const std::uint8_t> datagram) noexcept {
  if (state_ == State::closed || !endpoint_->send(remote_.address, datagram)) {
    dropped_.add(DropReason::send_failed);
    return false;
  }
  return true;
}

bool WebRtcClient::send_rtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  if (!protect(false, buffer, length) || !send_raw(buffer.first(length))) return false;
  ++stats_.rtp_sent;
  return true;
}

bool WebRtcClient::send_rtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  if (!protect(true, buffer, length) || !send_raw(buffer.first(length))) return false;
  ++stats_.rtcp_sent;
  return true;
}

// ---- DTLS ----

void WebRtcClient::arm_dtls_timer() {
  const auto timeout = dtls_->next_timeout();
  if (!timeout) {
    dtls_timer_.cancel();
    return;
  }
  dtls_timer_.arm_after(*timeout, [this] {
    dtls_->on_timeout();
    if (state_ != State::closed && state_ != State::failed) arm_dtls_timer();
  });
}

void WebRtcClient::fail(std::string reason) {
  if (state_ == State::closed || state_ == State::failed) return;
  state_ = State::failed;
  failure_reason_ = std::move(reason);
  check_timer_.cancel();
  dtls_timer_.cancel();
  srtp_in_.reset();
  srtp_out_.reset();
  if (callbacks_.on_failed) callbacks_.on_failed(failure_reason_);
}

void WebRtcClient::DtlsEvents::send_datagram(std::span<const std::uint8_t> datagram) {
  if (self.state_ == State::closed || !self.endpoint_->send(self.remote_.address, datagram)) {
    self.dropped_.add(DropReason::send_failed);
  }
}

void WebRtcClient::DtlsEvents::on_connected(const SrtpKeys& keys) {
  self.srtp_in_ = SrtpSession::create(SrtpDirection::inbound, keys.profile, keys.remote.key_salt(),
                                      self.options_.srtp);
  self.srtp_out_ = SrtpSession::create(SrtpDirection::outbound, keys.profile, keys.local.key_salt(),
                                       self.options_.srtp);
  if (!self.srtp_in_ || !self.srtp_out_) {
    self.fail("SRTP session creation failed");
    return;
  }
  self.state_ = State::connected;
  if (self.callbacks_.on_connected) self.callbacks_.on_connected();
}

void WebRtcClient::DtlsEvents::on_failed(std::string_view reason) {
  self.fail(std::string(reason));
}

void WebRtcClient::DtlsEvents::on_closed() {
  self.fail("DTLS closed by the server");
}

}  // namespace haven::sfu
