#include "sfu/transport/webrtc_server.h"

#include <boost/asio/ip/address.hpp>
#include <stdexcept>
#include <vector>

#include "config/config.h"
#include "sfu/limits.h"
#include "sfu/stun/message.h"
#include "sfu/transport/host_candidate.h"

namespace haven::sfu {

namespace {

std::string effective_announced(const WebRtcServerOptions& o) {
  if (!o.announced_address.empty()) return o.announced_address;
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(o.listen_address, ec);
  if (!ec && ip.is_unspecified()) {
    // A browser cannot send to 0.0.0.0: a wildcard bind needs the public address.
    throw std::runtime_error("sfu.announced_address is required when sfu.listen_address is " +
                             o.listen_address);
  }
  return o.listen_address;
}

}  // namespace

WebRtcServerOptions WebRtcServerOptions::from_config(const Config& config) {
  WebRtcServerOptions o;
  o.listen_address = config.sfu_listen_address;
  o.port = static_cast<std::uint16_t>(config.sfu_port);
  o.announced_address = config.sfu_announced_address;
  o.announced_port = static_cast<std::uint16_t>(config.sfu_announced_port);
  o.consent_timeout = std::chrono::seconds(config.sfu_consent_timeout_seconds);
  o.max_packets_per_second_per_peer =
      static_cast<std::uint32_t>(config.sfu_max_packets_per_second_per_peer);
  return o;
}

WebRtcServer::WebRtcServer(boost::asio::io_context& ioc, const DtlsContext& dtls_context,
                           WebRtcServerOptions options)
    : ioc_(ioc),
      dtls_context_(dtls_context),
      options_(std::move(options)),
      announced_(effective_announced(options_)),
      endpoint_(ioc, options_.listen_address, options_.port,
                static_cast<UdpEndpoint::Listener&>(*this)) {
  if (options_.measure_dwell) endpoint_.measure_dwell();
  endpoint_.start();
}

WebRtcServer::~WebRtcServer() {
  // Each transport sends close_notify while the socket is still open, then forgets us.
  const std::vector<WebRtcTransport*> remaining(transports_.begin(), transports_.end());
  for (WebRtcTransport* t : remaining) t->host_closed();
  transports_.clear();
  by_ufrag_.clear();
  by_tuple_.clear();
  endpoint_.close();
}

WebRtcTransportOptions WebRtcServer::default_transport_options() const {
  WebRtcTransportOptions o;
  o.consent_timeout = options_.consent_timeout;
  o.max_packets_per_second = options_.max_packets_per_second_per_peer;
  return o;
}

std::unique_ptr<WebRtcTransport> WebRtcServer::create_transport(
    WebRtcTransport::Listener& listener) {
  return create_transport(listener, default_transport_options());
}

std::unique_ptr<WebRtcTransport> WebRtcServer::create_transport(WebRtcTransport::Listener& listener,
                                                                WebRtcTransportOptions options) {
  auto transport =
      std::make_unique<WebRtcTransport>(ioc_, static_cast<WebRtcTransport::Host&>(*this),
                                        dtls_context_, listener, std::move(options));
  transports_.insert(transport.get());
  ++stats_.transports_created;
  return transport;
}

std::string WebRtcServer::local_candidate() const {
  return format_host_candidate(announced_, announced_port());
}

// ---- demultiplexing ----

void WebRtcServer::on_datagram(const Tuple& from, std::span<std::uint8_t> data) noexcept {
  ++stats_.datagrams_received;
  if (data.size() > kMaxDatagram) {  // truncated by the endpoint: oversized
    dropped_.add(DropReason::malformed);
    return;
  }
  const auto now = Clock::now();
  const PacketKind kind = classify(data);
  // Known tuple first (MS WebRtcServer::OnPacketReceived): the common case, one hash
  // lookup, no parsing. The transport re-checks ICE authentication.
  if (auto it = by_tuple_.find(from); it != by_tuple_.end()) {
    ++stats_.datagrams_routed;
    it->second->receive(from, kind, data, now);  // may close transports: no iterator use after
    return;
  }
  route_unknown_tuple(from, kind, data, now);
}

void WebRtcServer::route_unknown_tuple(const Tuple& from, PacketKind kind,
                                       std::span<std::uint8_t> data,
                                       Clock::time_point now) noexcept {
  if (kind == PacketKind::unknown) {
    dropped_.add(DropReason::malformed);
    return;
  }
  if (kind != PacketKind::stun) {
    dropped_.add(DropReason::unknown_tuple);  // DTLS/RTP/RTCP before any ICE check
    return;
  }
  try {
    const auto message = stun::parse(data);
    if (!message) {
      dropped_.add(DropReason::malformed);
      return;
    }
    // Only a Binding request can open a tuple (indications, stray responses cannot).
    if (message->message_class != stun::MessageClass::request ||
        message->method != stun::kMethodBinding || !message->username) {
      dropped_.add(DropReason::unknown_tuple);
      return;
    }
    // USERNAME = "<our ufrag>:<their ufrag>" (RFC 8445 §7.2.2): route by the first part.
    const std::string& username = *message->username;
    const auto colon = username.find(':');
    const auto it =
        colon == std::string::npos ? by_ufrag_.end() : by_ufrag_.find(username.substr(0, colon));
    if (it == by_ufrag_.end()) {
      dropped_.add(DropReason::unknown_ufrag);
      return;
    }
    ++stats_.datagrams_routed;
    it->second->receive(from, kind, data, now);
  } catch (...) {
    dropped_.add(DropReason::malformed);  // bad_alloc while parsing
  }
}

// ---- WebRtcTransport::Host ----

bool WebRtcServer::send(const Tuple& to, std::span<const std::uint8_t> datagram) noexcept {
  return endpoint_.send(to, datagram);
}

void WebRtcServer::on_ufrag_added(WebRtcTransport& transport, const std::string& ufrag) {
  const auto [it, inserted] = by_ufrag_.emplace(ufrag, &transport);
  if (!inserted && it->second != &transport) {
    throw std::invalid_argument("SFU: ICE ufrag already in use by another transport");
  }
}

void WebRtcServer::on_ufrag_removed(WebRtcTransport& transport, const std::string& ufrag) noexcept {
  const auto it = by_ufrag_.find(ufrag);
  if (it != by_ufrag_.end() && it->second == &transport) by_ufrag_.erase(it);
}

void WebRtcServer::on_tuple_added(WebRtcTransport& transport, const Tuple& tuple) {
  // The latest transport to authenticate a tuple gets its packets (a tuple belongs to one
  // peer connection; a second claimant had to know that transport's ice-pwd).
  by_tuple_[tuple] = &transport;
}

void WebRtcServer::on_tuple_removed(WebRtcTransport& transport, const Tuple& tuple) noexcept {
  const auto it = by_tuple_.find(tuple);
  if (it != by_tuple_.end() && it->second == &transport) by_tuple_.erase(it);
}

void WebRtcServer::on_transport_closed(WebRtcTransport& transport) noexcept {
  transports_.erase(&transport);
}

}  // namespace haven::sfu
