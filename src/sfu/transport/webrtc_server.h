// The SFU's single UDP port (mediasoup's WebRtcServer): owns the UdpEndpoint, indexes
// WebRtcTransports by local ICE ufrag and by authenticated remote 5-tuple, and
// demultiplexes every datagram (RFC 7983 first byte, packet_kind.h):
//   - from a tuple a transport has authenticated → that transport, whatever the kind;
//   - STUN from an unknown tuple → the transport whose ufrag opens USERNAME (the
//     transport's IceLiteServer authenticates it; success indexes the tuple);
//   - anything else from an unknown tuple → dropped (unknown_tuple).
// Every drop is counted by reason (DropCounters: haven_sfu_dropped_packets_total{reason}).
// Never throws on the data plane.
//
// Threading: everything runs on the io_context passed in (the media thread); no locks.
// Ownership: create_transport() returns the transport to its owner (unique_ptr); the
// server only indexes it (plain pointers) until the transport closes or is destroyed.
// Destroying the server closes every transport still open (their on_closed runs with
// CloseReason::server_closed); their owners destroy them afterwards. The DtlsContext
// must outlive the server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "sfu/dtls/dtls_context.h"
#include "sfu/ice/tuple.h"
#include "sfu/transport/drop_counters.h"
#include "sfu/transport/udp_endpoint.h"
#include "sfu/transport/webrtc_transport.h"

namespace haven {
struct Config;
}

namespace haven::sfu {

struct WebRtcServerOptions {
  // sfu.listen_address: an IP literal; "0.0.0.0" (or "::") in production.
  std::string listen_address = "127.0.0.1";
  // sfu.port; 0 = a free port (tests).
  std::uint16_t port = 10000;
  // sfu.announced_address: the IP put in a=candidate; empty = listen_address.
  std::string announced_address;
  // Defaults for every transport (sfu.consent_timeout_seconds,
  // sfu.max_packets_per_second_per_peer).
  std::chrono::milliseconds consent_timeout{30000};
  std::uint32_t max_packets_per_second_per_peer = 2000;
  // sfu.announced_port: the port put in a=candidate when a NAT or port mapping forwards a
  // different one to `port` (a container publishing 40000 → 10000); 0 = the bound port.
  std::uint16_t announced_port = 0;
  // Benchmarks (haven-loadgen): record how long datagrams stay in the server
  // (UdpEndpoint::measure_dwell). Never set by `haven serve`.
  bool measure_dwell = false;

  static WebRtcServerOptions from_config(const Config& config);
};

class WebRtcServer final : private UdpEndpoint::Listener, private WebRtcTransport::Host {
 public:
  using Clock = std::chrono::steady_clock;

  struct Stats {
    std::uint64_t datagrams_received = 0;
    std::uint64_t datagrams_routed = 0;  // handed to a transport
    std::uint64_t transports_created = 0;
  };

  // Binds the UDP port and starts receiving. Throws std::runtime_error if it cannot bind
  // (setup path). `dtls_context` must outlive the server and its transports.
  WebRtcServer(boost::asio::io_context& ioc, const DtlsContext& dtls_context,
               WebRtcServerOptions options);
  WebRtcServer(const WebRtcServer&) = delete;
  WebRtcServer& operator=(const WebRtcServer&) = delete;
  // Closes the socket, then every transport still open (their on_closed runs).
  ~WebRtcServer() override;

  // A transport for one peer connection, indexed under its fresh ufrag. Options default
  // from the server's (consent timeout, rate limit); pass them to override.
  std::unique_ptr<WebRtcTransport> create_transport(WebRtcTransport::Listener& listener);
  std::unique_ptr<WebRtcTransport> create_transport(WebRtcTransport::Listener& listener,
                                                    WebRtcTransportOptions options);
  WebRtcTransportOptions default_transport_options() const;

  std::uint16_t port() const noexcept { return endpoint_.local_port(); }
  // The port browsers send to (a=candidate): sfu.announced_port, else port().
  std::uint16_t announced_port() const noexcept {
    return options_.announced_port != 0 ? options_.announced_port : port();
  }
  const std::string& announced_address() const noexcept { return announced_; }
  // "candidate:1 1 udp 2130706431 <announced> <port> typ host".
  std::string local_candidate() const override;
  const Fingerprint& local_fingerprint() const noexcept {
    return dtls_context_.local_fingerprint();
  }

  const DropCounters& dropped() const noexcept { return dropped_; }
  const Stats& stats() const noexcept { return stats_; }
  const UdpEndpoint::Stats& socket_stats() const noexcept { return endpoint_.stats(); }
  // Any thread (relaxed atomics); empty unless options.measure_dwell.
  const DwellHistogram& dwell() const noexcept { return endpoint_.dwell(); }
  std::size_t transport_count() const noexcept { return transports_.size(); }
  std::size_t indexed_tuple_count() const noexcept { return by_tuple_.size(); }
  std::size_t indexed_ufrag_count() const noexcept { return by_ufrag_.size(); }

 private:
  // UdpEndpoint::Listener
  void on_datagram(const Tuple& from, std::span<std::uint8_t> data) noexcept override;
  void route_unknown_tuple(const Tuple& from, PacketKind kind, std::span<std::uint8_t> data,
                           Clock::time_point now) noexcept;

  // WebRtcTransport::Host
  bool send(const Tuple& to, std::span<const std::uint8_t> datagram) noexcept override;
  void on_ufrag_added(WebRtcTransport& transport, const std::string& ufrag) override;
  void on_ufrag_removed(WebRtcTransport& transport, const std::string& ufrag) noexcept override;
  void on_tuple_added(WebRtcTransport& transport, const Tuple& tuple) override;
  void on_tuple_removed(WebRtcTransport& transport, const Tuple& tuple) noexcept override;
  void on_transport_closed(WebRtcTransport& transport) noexcept override;
  DropCounters& drop_counters() noexcept override { return dropped_; }

  boost::asio::io_context& ioc_;
  const DtlsContext& dtls_context_;
  WebRtcServerOptions options_;
  std::string announced_;
  DropCounters dropped_;
  Stats stats_;
  // Non-owning indexes; every entry is removed by the transport before it goes away.
  std::unordered_set<WebRtcTransport*> transports_;
  std::unordered_map<std::string, WebRtcTransport*> by_ufrag_;
  std::unordered_map<Tuple, WebRtcTransport*, TupleHash> by_tuple_;
  UdpEndpoint endpoint_;  // last: destroyed (socket closed) first
};

}  // namespace haven::sfu
