// One peer connection's transport on the SFU (mediasoup's WebRtcTransport): ICE-lite
// (IceLiteServer), DTLS (DtlsTransport, the SFU as server by policy: dtls_setup.h), and,
// once DTLS hands out keys, one inbound and one outbound SrtpSession. It owns no socket:
// its Host (the WebRtcServer) demultiplexes the shared UDP port into receive() and sends
// for it, and indexes it by ICE ufrag and by authenticated 5-tuple.
//
// Threading: media thread only (the io_context the WebRtcServer runs on), no locks.
// Ownership: the caller of WebRtcServer::create_transport owns the transport
// (unique_ptr); the server keeps plain index pointers that the transport removes when it
// closes or is destroyed. Events go up through Listener. A Listener may call back into
// the transport (send_rtp, close, ...) but must not destroy it from inside a callback.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/dtls/dtls_context.h"
#include "sfu/dtls/dtls_transport.h"
#include "sfu/ice/ice_credentials.h"
#include "sfu/ice/ice_lite_server.h"
#include "sfu/ice/tuple.h"
#include "sfu/packet_kind.h"
#include "sfu/rtp/rtp_packet.h"
#include "sfu/srtp/srtp_session.h"
#include "sfu/transport/drop_counters.h"
#include "sfu/transport/dtls_setup.h"
#include "sfu/transport/rate_limiter.h"
#include "sfu/transport/safe_timer.h"

namespace haven::sfu {

struct WebRtcTransportOptions {
  // RFC 7675 §5.1: no valid consent check on the selected pair for this long ⇒
  // disconnected (sfu.consent_timeout_seconds).
  std::chrono::milliseconds consent_timeout{30000};
  // Datagrams per second accepted from this peer; the excess is dropped and counted
  // (sfu.max_packets_per_second_per_peer). 0: unlimited.
  std::uint32_t max_packets_per_second = 2000;
  DtlsRole dtls_role = kPreferredDtlsRole;
  DtlsTransport::Options dtls{};
  SrtpSession::Options srtp{};
  // Fixed local ICE credentials (tests); random 32-char ones otherwise.
  std::optional<ice::IceCredentials> ice_credentials;
};

class WebRtcTransport {
 public:
  using Clock = std::chrono::steady_clock;
  using Options = WebRtcTransportOptions;

  enum class State {
    new_,          // waiting for ICE
    connecting,    // ICE nominated a pair; DTLS/SRTP not ready yet
    connected,     // ICE connected and SRTP keyed: media flows
    disconnected,  // consent lost; a new nomination reconnects (DTLS/SRTP are kept)
    closed,        // terminal
  };
  enum class CloseReason {
    none,
    local,
    dtls_failed,
    dtls_closed_by_peer,
    srtp_failed,
    server_closed
  };

  class Listener {
   public:
    virtual ~Listener() = default;
    // ICE connected and SRTP ready (again, after a disconnection).
    virtual void on_connected() = 0;
    // ICE consent lost (RFC 7675): sends are dropped until the peer nominates a pair again.
    virtual void on_disconnected() = 0;
    // A decrypted RTP packet: a view into the receive buffer, valid during the call only.
    // The listener may rewrite it in place (in-place setters) but must copy to keep it.
    virtual void on_rtp(rtp::RtpPacket& packet) = 0;
    // A decrypted (compound or RFC 5506 reduced-size) RTCP datagram; not parsed here.
    virtual void on_rtcp(std::span<const std::uint8_t> compound) = 0;
    // The transport closed itself: DTLS failed (e.g. fingerprint mismatch), the peer sent
    // close_notify, or the server shut down. Not called for close().
    virtual void on_closed() = 0;
  };

  // The demultiplexer side, implemented by WebRtcServer.
  class Host {
   public:
    virtual ~Host() = default;
    virtual bool send(const Tuple& to, std::span<const std::uint8_t> datagram) noexcept = 0;
    // Index maintenance. on_ufrag_added throws std::invalid_argument if another transport
    // owns the ufrag (the demuxer routes by it).
    virtual void on_ufrag_added(WebRtcTransport& transport, const std::string& ufrag) = 0;
    virtual void on_ufrag_removed(WebRtcTransport& transport,
                                  const std::string& ufrag) noexcept = 0;
    virtual void on_tuple_added(WebRtcTransport& transport, const Tuple& tuple) = 0;
    virtual void on_tuple_removed(WebRtcTransport& transport, const Tuple& tuple) noexcept = 0;
    // The transport closed: it left every index and will not call the host again.
    virtual void on_transport_closed(WebRtcTransport& transport) noexcept = 0;
    // Server-wide counters; the transport adds every drop there and to its own.
    virtual DropCounters& drop_counters() noexcept = 0;
    // Our host candidate (announced address, port).
    virtual std::string local_candidate() const = 0;
  };

  struct Stats {
    std::uint64_t rtp_received = 0;
    std::uint64_t rtcp_received = 0;
    std::uint64_t rtp_sent = 0;
    std::uint64_t rtcp_sent = 0;
    std::uint64_t bytes_received = 0;  // every datagram handed to receive()
    std::uint64_t bytes_sent = 0;
    std::uint64_t stun_requests = 0;
    std::uint64_t dtls_datagrams_received = 0;
    std::uint64_t ice_restarts = 0;
  };

  // Registers the local ufrag with `host`. Throws (setup path) if the DTLS object cannot
  // be created or the ufrag is taken.
  WebRtcTransport(boost::asio::io_context& ioc, Host& host, const DtlsContext& dtls_context,
                  Listener& listener, Options options);
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;
  ~WebRtcTransport();  // close() if still open

  // ---- signalling (down) ----
  const ice::IceCredentials& local_ice() const noexcept { return ice_.local_credentials(); }
  const Fingerprint& local_fingerprint() const noexcept {
    return dtls_context_.local_fingerprint();
  }
  // "candidate:1 1 udp 2130706431 <ip> <port> typ host" (host_candidate.h).
  std::string local_candidate(std::string_view announced_ip, std::uint16_t port) const;
  // The same for the server's announced address and port.
  std::string local_candidate() const;
  // The peer's a=fingerprint value ("sha-256 AB:CD:..."). False if it does not parse.
  // Keys are released only once the DTLS peer certificate matches it; a mismatch closes
  // the transport (on_closed, CloseReason::dtls_failed).
  bool set_remote_fingerprint(std::string_view sdp_value) noexcept;
  void set_remote_ice_ufrag(std::string ufrag) { ice_.set_remote_ufrag(std::move(ufrag)); }
  // Applies the peer's a=setup (from its offer or answer) and returns ours for an answer
  // (policy in dtls_setup.h); nullopt if it demands a role change after DTLS started.
  std::optional<DtlsSetup> apply_remote_setup(DtlsSetup remote) noexcept;
  // Sets the role explicitly; false once the handshake has started (the role is frozen).
  bool set_dtls_role(DtlsRole role) noexcept;
  DtlsRole dtls_role() const noexcept { return dtls_->role(); }
  // ICE restart (RFC 8445 §9): new local ufrag/pwd, indexed in the server next to the old
  // ones, which keep working until the peer's first check with the new ones. DTLS and SRTP
  // are kept (WebRTC never restarts DTLS: rtcweb-wg/jsep#72).
  void restart_ice();
  void restart_ice(ice::IceCredentials fresh);  // given credentials (tests)
  // Sends close_notify, leaves the server's indexes, stops timers. Idempotent; no on_closed.
  void close() noexcept;

  // ---- media (down) ----
  // Protects `length` bytes of RTP at the start of `buffer` in place and sends them to the
  // selected tuple. `buffer` must have room for the SRTP trailer (length +
  // kSrtpMaxTrailer). False, counted in the drop counters, when not connected or on failure.
  bool send_rtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;
  bool send_rtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;

  // ---- from the Host (demultiplexer) ----
  // One datagram routed here: STUN by ufrag or 5-tuple, everything else by authenticated
  // 5-tuple. `data` may be decrypted in place. Never throws.
  void receive(const Tuple& from, PacketKind kind, std::span<std::uint8_t> data,
               Clock::time_point now) noexcept;
  // The host is going away: close without calling it again; on_closed (server_closed).
  void host_closed() noexcept;

  // ---- state ----
  State state() const noexcept { return state_; }
  bool connected() const noexcept { return state_ == State::connected; }
  ice::IceState ice_state() const noexcept { return ice_.state(); }
  DtlsState dtls_state() const noexcept { return dtls_->state(); }
  const std::optional<Tuple>& selected_tuple() const noexcept { return ice_.selected_tuple(); }
  std::optional<SrtpProfile> srtp_profile() const noexcept { return dtls_->srtp_profile(); }
  CloseReason close_reason() const noexcept { return close_reason_; }
  const std::string& failure_reason() const noexcept { return failure_reason_; }
  const Stats& stats() const noexcept { return stats_; }
  const DropCounters& dropped() const noexcept { return dropped_; }
  // Tuples currently indexed in the server (authenticated by ICE).
  const std::vector<Tuple>& authenticated_tuples() const noexcept { return indexed_tuples_; }
  const std::vector<std::string>& indexed_ufrags() const noexcept { return indexed_ufrags_; }

 private:
  struct IceEvents final : ice::IceLiteServer::Listener {
    explicit IceEvents(WebRtcTransport& t) : self(t) {}
    void on_selected_tuple(const Tuple& tuple) override;
    void on_connected() override;
    void on_disconnected() override;
    WebRtcTransport& self;
  };
  struct DtlsEvents final : DtlsTransport::Listener {
    explicit DtlsEvents(WebRtcTransport& t) : self(t) {}
    void send_datagram(std::span<const std::uint8_t> datagram) override;
    void on_connected(const SrtpKeys& keys) override;
    void on_failed(std::string_view reason) override;
    void on_closed() override;
    WebRtcTransport& self;
  };

  void handle_stun(const Tuple& from, std::span<const std::uint8_t> data, Clock::time_point now);
  void handle_dtls(const Tuple& from, std::span<const std::uint8_t> data);
  void handle_srtp(PacketKind kind, std::span<std::uint8_t> data);
  bool protect_and_send(PacketKind kind, std::span<std::uint8_t> buffer,
                        std::size_t length) noexcept;
  void sync_tuples(const std::optional<Tuple>& candidate);
  void retire_old_ufrags(std::span<const std::uint8_t> request);
  void maybe_start_dtls();
  void arm_dtls_timer();
  void arm_consent_timer();
  void on_consent_deadline();
  void enter_connected();
  void shutdown(CloseReason reason, bool notify_listener, bool leave_host) noexcept;
  bool send_datagram(const Tuple& to, std::span<const std::uint8_t> data) noexcept;
  void drop(DropReason reason) noexcept;

  boost::asio::io_context& ioc_;
  Host* host_;                  // null once closed
  DropCounters* server_drops_;  // the host's; null once closed
  const DtlsContext& dtls_context_;
  Listener& listener_;
  Options options_;
  IceEvents ice_events_{*this};
  DtlsEvents dtls_events_{*this};
  ice::IceLiteServer ice_;
  std::unique_ptr<DtlsTransport> dtls_;
  std::optional<Fingerprint> remote_fingerprint_;
  std::optional<SrtpSession> srtp_in_;
  std::optional<SrtpSession> srtp_out_;
  // The current ufrag and the two previous ones IceLiteServer still accepts.
  static constexpr std::size_t kMaxIndexedUfrags = 3;

  // Everything from the peer's authenticated tuples counts against rate_; first-contact
  // checks (STUN from a tuple not yet authenticated, routed here by ufrag) against
  // probe_rate_, so a flood of forged checks naming our ufrag costs the real peer nothing.
  RateLimiter rate_;
  RateLimiter probe_rate_;
  std::vector<std::string> indexed_ufrags_;  // current first
  std::vector<Tuple> indexed_tuples_;
  std::optional<Tuple> dtls_tuple_;  // last DTLS sender, the DTLS reply path before nomination
  bool ice_connected_ = false;
  State state_ = State::new_;
  CloseReason close_reason_ = CloseReason::none;
  std::string failure_reason_;
  Stats stats_;
  DropCounters dropped_;
  SafeTimer dtls_timer_;
  SafeTimer consent_timer_;
};

const char* to_string(WebRtcTransport::State state) noexcept;
const char* to_string(WebRtcTransport::CloseReason reason) noexcept;

}  // namespace haven::sfu
