// WebRtcTransport's per-datagram paths. Nothing here throws or allocates per RTP packet:
// SRTP works in place in the endpoint's receive buffer (or the caller's send buffer) and
// RtpPacket is a view. STUN and DTLS are control plane and may allocate.
#include "sfu/stun/message.h"
#include "sfu/transport/webrtc_transport.h"

namespace haven::sfu {

namespace {

// A Binding success response (RFC 8489 §5 class bits 0b10, method 0x001): 0x0101.
bool is_success_response(std::span<const std::uint8_t> message) noexcept {
  return message.size() >= stun::kHeaderSize && message[0] == 0x01 && message[1] == 0x01;
}

}  // namespace

void WebRtcTransport::drop(DropReason reason) noexcept {
  dropped_.add(reason);
  if (server_drops_ != nullptr) server_drops_->add(reason);
}

bool WebRtcTransport::send_datagram(const Tuple& to, std::span<const std::uint8_t> data) noexcept {
  if (host_ == nullptr) {
    drop(DropReason::closed);
    return false;
  }
  if (!host_->send(to, data)) {
    drop(DropReason::send_failed);
    return false;
  }
  stats_.bytes_sent += data.size();
  return true;
}

void WebRtcTransport::receive(const Tuple& from, PacketKind kind, std::span<std::uint8_t> data,
                              Clock::time_point now) noexcept {
  if (state_ == State::closed) {
    drop(DropReason::closed);
    return;
  }
  // Only STUN can arrive from a tuple ICE has not authenticated (anything else is
  // routed by authenticated tuple), so only STUN needs the check.
  RateLimiter& bucket =
      kind == PacketKind::stun && !ice_.is_authenticated(from) ? probe_rate_ : rate_;
  if (!bucket.allow(now)) {
    drop(DropReason::rate_limited);
    return;
  }
  stats_.bytes_received += data.size();
  try {
    switch (kind) {
      case PacketKind::stun:
        handle_stun(from, data, now);
        return;
      case PacketKind::unknown:
        drop(DropReason::malformed);
        return;
      default:
        break;
    }
    // RFC 8445 §7.3 / MS WebRtcTransport: DTLS and media only from tuples that passed a
    // connectivity check; this may also move the selection (MayForceSelectedTuple).
    if (!ice_.accept_packet_from(from)) {
      drop(DropReason::unauthenticated);
      return;
    }
    if (kind == PacketKind::dtls) {
      handle_dtls(from, data);
    } else {
      handle_srtp(kind, data);
    }
  } catch (...) {
    // Only std::bad_alloc from the STUN/DTLS control paths can get here.
    drop(DropReason::malformed);
  }
}

void WebRtcTransport::handle_stun(const Tuple& from, std::span<const std::uint8_t> data,
                                  Clock::time_point now) {
  ++stats_.stun_requests;
  auto response = ice_.handle_binding_request(data, from, now);  // ICE events fire inside
  if (!response) {
    drop(DropReason::stun_rejected);  // not a request, bad FINGERPRINT: silently dropped
    return;
  }
  send_datagram(from, *response);
  if (state_ == State::closed) return;
  if (!is_success_response(*response)) {
    drop(DropReason::stun_rejected);  // 400/401/420/487 went back to the sender
    return;
  }
  sync_tuples(from);
  if (indexed_ufrags_.size() > 1) retire_old_ufrags(data);
  maybe_start_dtls();
  arm_consent_timer();
}

void WebRtcTransport::handle_dtls(const Tuple& from, std::span<const std::uint8_t> data) {
  ++stats_.dtls_datagrams_received;
  dtls_tuple_ = from;
  dtls_->receive(data);  // may connect, fail or close us
  if (state_ != State::closed) arm_dtls_timer();
}

void WebRtcTransport::handle_srtp(PacketKind kind, std::span<std::uint8_t> data) {
  // MS OnRtpDataReceived: nothing is decrypted before DTLS has produced both sessions.
  if (!srtp_in_) {
    drop(DropReason::not_connected);
    return;
  }
  std::size_t length = data.size();
  if (kind == PacketKind::rtp) {
    const SrtpStatus status = srtp_in_->unprotect_rtp(data, length);
    if (status != SrtpStatus::ok) {
      drop(srtp_drop_reason(status));
      return;
    }
    auto packet = rtp::RtpPacket::parse(data.first(length));
    if (!packet) {
      drop(DropReason::malformed);
      return;
    }
    ++stats_.rtp_received;
    listener_.on_rtp(*packet);
  } else {
    const SrtpStatus status = srtp_in_->unprotect_rtcp(data, length);
    if (status != SrtpStatus::ok) {
      drop(srtp_drop_reason(status));
      return;
    }
    ++stats_.rtcp_received;
    listener_.on_rtcp(data.first(length));
  }
}

bool WebRtcTransport::send_rtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  return protect_and_send(PacketKind::rtp, buffer, length);
}

bool WebRtcTransport::send_rtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  return protect_and_send(PacketKind::rtcp, buffer, length);
}

bool WebRtcTransport::protect_and_send(PacketKind kind, std::span<std::uint8_t> buffer,
                                       std::size_t length) noexcept {
  if (state_ == State::closed) {
    drop(DropReason::closed);
    return false;
  }
  const auto& to = ice_.selected_tuple();
  if (state_ != State::connected || !to || !srtp_out_) {
    drop(DropReason::not_connected);
    return false;
  }
  const SrtpStatus status = kind == PacketKind::rtp ? srtp_out_->protect_rtp(buffer, length)
                                                    : srtp_out_->protect_rtcp(buffer, length);
  if (status != SrtpStatus::ok) {
    drop(DropReason::srtp_error);
    return false;
  }
  if (!send_datagram(*to, buffer.first(length))) return false;
  ++(kind == PacketKind::rtp ? stats_.rtp_sent : stats_.rtcp_sent);
  return true;
}

}  // namespace haven::sfu
