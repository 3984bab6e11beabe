// A WebRtcServer and WebRtcClients on one io_context over real UDP on 127.0.0.1, as the
// SFU runs them (one media thread). Shared by the transport and client tests.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sfu/client/webrtc_client.h"
#include "sfu/dtls/dtls_certificate.h"
#include "sfu/dtls/dtls_context.h"
#include "sfu/limits.h"
#include "sfu/rtp/rtp_packet.h"
#include "sfu/srtp/srtp_session.h"
#include "sfu/transport/webrtc_server.h"
#include "sfu/transport/webrtc_transport.h"

namespace haven::sfu::transport_test {

using namespace std::chrono_literals;

// Certificate generation costs a few ms; one per role for the whole binary.
inline const DtlsCertificate& server_certificate() {
  static const DtlsCertificate cert = DtlsCertificate::generate();
  return cert;
}
inline const DtlsCertificate& client_certificate() {
  static const DtlsCertificate cert = DtlsCertificate::generate();
  return cert;
}
inline const DtlsCertificate& stranger_certificate() {
  static const DtlsCertificate cert = DtlsCertificate::generate();
  return cert;
}

// Runs the io_context until pred() holds or `timeout` passes; returns pred().
inline bool run_until(boost::asio::io_context& ioc, const std::function<bool()>& pred,
                      std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (ioc.stopped()) ioc.restart();
    ioc.run_for(5ms);
  }
  return true;
}

// Runs the io_context for `duration` whatever happens.
inline void run_for(boost::asio::io_context& ioc, std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ioc.stopped()) ioc.restart();
    ioc.run_for(5ms);
  }
}

struct ReceivedRtp {
  std::uint32_t ssrc = 0;
  std::uint16_t seq = 0;
  std::uint32_t timestamp = 0;
  std::uint8_t pt = 0;
  std::vector<std::uint8_t> payload;
};

// A buffer with room for the SRTP trailer, as send_rtp requires.
using PacketBuffer = std::array<std::uint8_t, kMaxDatagram + kSrtpMaxTrailer>;

// Writes a plain RTP packet (RFC 3550 §5.1, no CSRC/extension) and returns its length.
inline std::size_t make_rtp(PacketBuffer& buf, std::uint32_t ssrc, std::uint16_t seq,
                            std::size_t payload_size = 100, std::uint8_t pt = 96) {
  buf[0] = 0x80;
  buf[1] = pt;
  buf[2] = static_cast<std::uint8_t>(seq >> 8);
  buf[3] = static_cast<std::uint8_t>(seq);
  const std::uint32_t ts = std::uint32_t{seq} * 3000;
  for (int i = 0; i < 4; ++i) buf[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) buf[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  for (std::size_t i = 0; i < payload_size; ++i) {
    buf[12 + i] = static_cast<std::uint8_t>((seq + i) & 0xff);
  }
  return 12 + payload_size;
}

// The payload make_rtp writes, to compare with what arrives.
inline std::vector<std::uint8_t> expected_payload(std::uint16_t seq, std::size_t size = 100) {
  std::vector<std::uint8_t> out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>((seq + i) & 0xff);
  return out;
}

// A minimal RTCP receiver report with no blocks (RFC 3550 §6.4.2): 8 bytes.
inline std::size_t make_rtcp_rr(PacketBuffer& buf, std::uint32_t ssrc) {
  buf[0] = 0x80;
  buf[1] = 201;
  buf[2] = 0;
  buf[3] = 1;
  for (int i = 0; i < 4; ++i) buf[4 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  return 8;
}

struct RecordingTransportListener : WebRtcTransport::Listener {
  int connected = 0;
  int disconnected = 0;
  int closed = 0;
  std::vector<ReceivedRtp> rtp;
  std::vector<std::vector<std::uint8_t>> rtcp;

  void on_connected() override { ++connected; }
  void on_disconnected() override { ++disconnected; }
  void on_rtp(rtp::RtpPacket& p) override {
    auto payload = p.payload();
    rtp.push_back({p.ssrc(),
                   p.sequence_number(),
                   p.timestamp(),
                   p.payload_type(),
                   {payload.begin(), payload.end()}});
  }
  void on_rtcp(std::span<const std::uint8_t> compound) override {
    rtcp.emplace_back(compound.begin(), compound.end());
  }
  void on_closed() override { ++closed; }
};

struct ClientRecorder {
  int connected = 0;
  int failed = 0;
  std::string failure;
  std::vector<ReceivedRtp> rtp;
  std::vector<std::vector<std::uint8_t>> rtcp;

  WebRtcClient::Callbacks callbacks() {
    WebRtcClient::Callbacks c;
    c.on_connected = [this] { ++connected; };
    c.on_failed = [this](std::string_view reason) {
      ++failed;
      failure = reason;
    };
    c.on_rtp = [this](rtp::RtpPacket& p) {
      auto payload = p.payload();
      rtp.push_back({p.ssrc(),
                     p.sequence_number(),
                     p.timestamp(),
                     p.payload_type(),
                     {payload.begin(), payload.end()}});
    };
    c.on_rtcp = [this](std::span<const std::uint8_t> b) { rtcp.emplace_back(b.begin(), b.end()); };
    return c;
  }
};

inline WebRtcServerOptions test_server_options() {
  WebRtcServerOptions o;
  o.listen_address = "127.0.0.1";
  o.port = 0;  // a free port
  return o;
}

// The SDP exchange, done directly: what the client learns from the server's answer.
inline WebRtcClientRemote remote_of(const WebRtcServer& server, const WebRtcTransport& t) {
  WebRtcClientRemote r;
  r.ice_ufrag = t.local_ice().ufrag;
  r.ice_pwd = t.local_ice().pwd;
  r.fingerprint = t.local_fingerprint().to_sdp();
  r.address = *WebRtcClientRemote::address_from_candidate(server.local_candidate());
  return r;
}

inline WebRtcClientOptions fast_client_options() {
  WebRtcClientOptions o;
  o.check_interval = 20ms;
  o.consent_interval = 500ms;
  return o;
}

// One server, one transport, one client, wired by an in-test "SDP exchange".
struct Link {
  boost::asio::io_context ioc;
  DtlsContext server_ctx{server_certificate()};
  DtlsContext client_ctx{client_certificate()};
  std::unique_ptr<WebRtcServer> server;
  RecordingTransportListener events;
  std::unique_ptr<WebRtcTransport> transport;
  ClientRecorder client_events;
  std::unique_ptr<WebRtcClient> client;

  explicit Link(WebRtcServerOptions server_options = test_server_options(),
                std::optional<WebRtcTransportOptions> transport_options = std::nullopt) {
    server = std::make_unique<WebRtcServer>(ioc, server_ctx, std::move(server_options));
    transport = transport_options ? server->create_transport(events, *transport_options)
                                  : server->create_transport(events);
  }

  // Creates the client; the server learns the client's fingerprint (its offer).
  void make_client(WebRtcClientOptions options = fast_client_options(),
                   std::optional<std::string> server_fingerprint = std::nullopt) {
    auto remote = remote_of(*server, *transport);
    if (server_fingerprint) remote.fingerprint = *server_fingerprint;
    client = std::make_unique<WebRtcClient>(ioc, client_ctx, std::move(remote),
                                            client_events.callbacks(), std::move(options));
    transport->set_remote_fingerprint(client->local_fingerprint().to_sdp());
  }

  bool connect(std::chrono::milliseconds timeout = 5s) {
    if (!client) make_client();
    client->start();
    return run_until(
        ioc, [&] { return transport->connected() && client->connected(); }, timeout);
  }
};

}  // namespace haven::sfu::transport_test
