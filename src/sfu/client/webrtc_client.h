// The browser's side of one SFU transport, for tests and the load generator
// (haven-loadgen): its own UDP socket, a controlling ICE agent that sends Binding requests
// (USERNAME "serverUfrag:clientUfrag", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
// MESSAGE-INTEGRITY with the server pwd, FINGERPRINT) and keeps consent alive, a DTLS
// client that verifies the server's SDP fingerprint, and SRTP both ways.
//
// Threading: the io_context's thread only, like the SFU. Ownership: one owner
// (unique_ptr or a plain member); callbacks must not destroy the client.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sfu/client/ice_agent.h"
#include "sfu/dtls/dtls_context.h"
#include "sfu/dtls/dtls_transport.h"
#include "sfu/ice/ice_credentials.h"
#include "sfu/ice/tuple.h"
#include "sfu/rtp/rtp_packet.h"
#include "sfu/srtp/srtp_session.h"
#include "sfu/transport/drop_counters.h"
#include "sfu/transport/safe_timer.h"
#include "sfu/transport/udp_endpoint.h"

namespace haven::sfu {

// What the SFU's SDP tells the client.
struct WebRtcClientRemote {
  std::string ice_ufrag;
  std::string ice_pwd;
  std::string fingerprint;  // a=fingerprint value: "sha-256 AB:CD:..."
  Tuple address;            // from the host candidate

  // The address of "[candidate:]<f> 1 udp <prio> <ip> <port> typ host" (an IP literal).
  static std::optional<Tuple> address_from_candidate(std::string_view candidate);
};

struct WebRtcClientOptions {
  std::string local_address = "127.0.0.1";
  std::uint16_t local_port = 0;
  // The SFU is the DTLS server by policy (transport/dtls_setup.h), so the client is client.
  DtlsRole dtls_role = DtlsRole::client;
  DtlsTransport::Options dtls{};
  SrtpSession::Options srtp{};
  // Binding requests every check_interval until one succeeds, then every
  // consent_interval (RFC 7675 §5.1 suggests ~5 s randomized; Chrome checks about every
  // 2.5 s on the selected pair before a 30 s timeout).
  std::chrono::milliseconds check_interval{50};
  std::chrono::milliseconds consent_interval{2500};
  std::optional<ice::IceCredentials> local_ice;  // random when absent
  // Haven's SFU is ICE-lite and the client controls. A full-ICE server (Janus) checks the
  // client too, and controls when it is the offerer: answer_ice_checks makes the client
  // answer the server's Binding requests; ice_controlling = false makes it the controlled
  // agent (ICE-CONTROLLED, no USE-CANDIDATE) on connections the server offered.
  bool ice_controlling = true;
  bool answer_ice_checks = false;
};

class WebRtcClient final : private UdpEndpoint::Listener {
 public:
  struct Callbacks {
    std::function<void()> on_connected;                          // ICE + DTLS + SRTP ready
    std::function<void(std::string_view reason)> on_failed;      // DTLS failed or closed
    std::function<void(rtp::RtpPacket& packet)> on_rtp;          // decrypted, in place
    std::function<void(std::span<const std::uint8_t>)> on_rtcp;  // decrypted compound
  };

  enum class State { new_, checking, connecting, connected, failed, closed };

  struct Stats {
    std::uint64_t rtp_received = 0;
    std::uint64_t rtcp_received = 0;
    std::uint64_t rtp_sent = 0;
    std::uint64_t rtcp_sent = 0;
    std::uint64_t stun_requests_sent = 0;
    std::uint64_t stun_successes = 0;
    std::uint64_t stun_errors = 0;
    std::uint64_t stun_requests_answered = 0;  // the server's checks (answer_ice_checks)
  };

  // Binds the local socket (throws std::runtime_error if it cannot). Nothing is sent
  // before start(). `dtls_context` (the client's own certificate) must outlive the client.
  WebRtcClient(boost::asio::io_context& ioc, const DtlsContext& dtls_context,
               WebRtcClientRemote remote, Callbacks callbacks, WebRtcClientOptions options = {});
  WebRtcClient(const WebRtcClient&) = delete;
  WebRtcClient& operator=(const WebRtcClient&) = delete;
  ~WebRtcClient() override;

  // Starts connectivity checks (the first one at once).
  void start();
  // close_notify to the server, then silence. Idempotent.
  void close() noexcept;

  // Protect in place (buffer needs length + kSrtpMaxTrailer) and send to the server.
  // False when not connected or on failure (counted in dropped()).
  bool send_rtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;
  bool send_rtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;
  // Protect only (length becomes the SRTP length); for replay tests and pre-built traffic.
  bool protect_rtp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept;
  bool protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept;
  // Any bytes, as they are, from the client's socket to the server.
  bool send_raw(std::span<const std::uint8_t> datagram) noexcept;

  // ICE restart with the server's new credentials (after WebRtcTransport::restart_ice and
  // the re-offer): new local credentials too; DTLS and SRTP are kept.
  void restart_ice(std::string remote_ufrag, std::string remote_pwd);
  // Moves to a fresh local socket (another port), as a browser does when the network
  // changes: the next checks come from a new 5-tuple. Not from inside a callback (the
  // socket delivering it would be destroyed).
  void switch_local_port();
  // Stops (or resumes) consent checks once connected: the silent peer of the consent test.
  void set_consent_enabled(bool enabled);

  State state() const noexcept { return state_; }
  bool connected() const noexcept { return state_ == State::connected; }
  const ice::IceCredentials& local_ice() const noexcept { return agent_.local(); }
  const Fingerprint& local_fingerprint() const noexcept {
    return dtls_context_.local_fingerprint();
  }
  const Tuple& local_tuple() const noexcept { return endpoint_->local_tuple(); }
  DtlsState dtls_state() const noexcept { return dtls_->state(); }
  std::optional<SrtpProfile> srtp_profile() const noexcept { return dtls_->srtp_profile(); }
  const std::string& failure_reason() const noexcept { return failure_reason_; }
  const IceAgent& ice_agent() const noexcept { return agent_; }
  const Stats& stats() const noexcept { return stats_; }
  const DropCounters& dropped() const noexcept { return dropped_; }

 private:
  struct DtlsEvents final : DtlsTransport::Listener {
    explicit DtlsEvents(WebRtcClient& c) : self(c) {}
    void send_datagram(std::span<const std::uint8_t> datagram) override;
    void on_connected(const SrtpKeys& keys) override;
    void on_failed(std::string_view reason) override;
    void on_closed() override;
    WebRtcClient& self;
  };

  void on_datagram(const Tuple& from, std::span<std::uint8_t> data) noexcept override;
  void handle_stun(const Tuple& from, std::span<const std::uint8_t> data);
  void handle_srtp(bool rtcp, std::span<std::uint8_t> data);
  void send_check();
  void schedule_check(std::chrono::milliseconds delay);
  void arm_dtls_timer();
  void fail(std::string reason);
  bool protect(bool rtcp, std::span<std::uint8_t> buffer, std::size_t& length) noexcept;

  boost::asio::io_context& ioc_;
  const DtlsContext& dtls_context_;
  WebRtcClientRemote remote_;
  Callbacks callbacks_;
  WebRtcClientOptions options_;
  IceAgent agent_;
  DtlsEvents dtls_events_{*this};
  std::unique_ptr<DtlsTransport> dtls_;
  std::optional<SrtpSession> srtp_in_;
  std::optional<SrtpSession> srtp_out_;
  State state_ = State::new_;
  bool ice_connected_ = false;
  bool consent_enabled_ = true;
  std::string failure_reason_;
  Stats stats_;
  DropCounters dropped_;
  SafeTimer check_timer_;
  SafeTimer dtls_timer_;
  std::unique_ptr<UdpEndpoint> endpoint_;  // last: closed first
};

const char* to_string(WebRtcClient::State state) noexcept;

}  // namespace haven::sfu
