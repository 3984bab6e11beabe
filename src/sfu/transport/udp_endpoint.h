// One non-blocking UDP socket on the media io_context: the SFU's single port for every
// peer (ICE-lite host candidate), or a WebRtcClient's own socket.
//
// Threading: everything SFU runs on one thread, the one running the io_context; the
// endpoint has no locks and must only be touched from that thread.
//
// Receive path: wait for readability, then drain the socket with non-blocking recvmmsg(2)
// calls, each taking up to kReceiveBatch datagrams already queued into preallocated
// buffers, until it would block (a bounded number per turn, then a posted continuation,
// so timers and other sockets get their turn). No allocation per datagram; recvmmsg only
// returns what is already there, so batching never waits for a datagram.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct msghdr;

#include "sfu/ice/tuple.h"
#include "sfu/limits.h"
#include "sfu/transport/dwell_histogram.h"

namespace haven::sfu {

class UdpEndpoint {
 public:
  // A datagram larger than kMaxDatagram is delivered truncated to this size, so the
  // listener can tell it was oversized (the kernel discards the rest).
  static constexpr std::size_t kReceiveBufferSize = kMaxDatagram + 1;
  // Datagrams read per io_context turn before yielding.
  static constexpr int kMaxDatagramsPerTurn = 256;
  // Datagrams one recvmmsg(2) may take.
  static constexpr std::size_t kReceiveBatch = 16;

  class Listener {
   public:
    virtual ~Listener() = default;
    // One datagram from `from`. `data` points into the endpoint's receive buffer: valid
    // only during the call, and the listener may rewrite it in place (SRTP unprotect).
    // Must not throw; may call send(), but must not destroy the endpoint.
    virtual void on_datagram(const Tuple& from, std::span<std::uint8_t> data) noexcept = 0;
  };

  struct Stats {
    std::uint64_t datagrams_received = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t datagrams_sent = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t send_errors = 0;  // would block (socket buffer full) or refused
    std::uint64_t receive_errors = 0;
  };

  // Opens and binds `address` (an IP literal; "0.0.0.0", or "::" for dual-stack) on
  // `port` (0: the kernel picks a free one). Throws std::runtime_error when the address
  // does not parse or the bind fails (setup path). Call start() to begin receiving.
  UdpEndpoint(boost::asio::io_context& ioc, const std::string& address, std::uint16_t port,
              Listener& listener);
  UdpEndpoint(const UdpEndpoint&) = delete;
  UdpEndpoint& operator=(const UdpEndpoint&) = delete;
  ~UdpEndpoint();

  void start();
  // Asks the kernel to timestamp received datagrams (SO_TIMESTAMPNS) and records, per
  // datagram, the time from that stamp to the end of its fan-out's send in dwell().
  // Benchmarks only; false when the kernel refuses.
  bool measure_dwell() noexcept;
  const DwellHistogram& dwell() const noexcept { return dwell_; }
  // Stops receiving and closes the socket; sends fail afterwards. Idempotent.
  void close() noexcept;
  bool is_open() const noexcept { return socket_.is_open(); }

  // Queues one datagram (copied; `data` may be reused at once) and sends the queue with
  // one sendmmsg(2) once the received datagram being handled is done (or the current
  // handler returns, or the queue is full): a fan-out of one packet to many subscribers
  // costs one system call, not one each. False, counted in
  // send_errors, when the address family cannot be reached from this socket or the socket
  // is closed; a datagram the kernel refuses at the flush (buffer full) is counted there.
  // UDP media tolerates the loss and DTLS/STUN retransmit.
  bool send(const Tuple& to, std::span<const std::uint8_t> data) noexcept;
  // Sends what is queued now (also done by close() and the destructor).
  void flush() noexcept;

  std::uint16_t local_port() const noexcept { return local_port_; }
  // The bound address and port ("0.0.0.0" for a wildcard bind).
  const Tuple& local_tuple() const noexcept { return local_; }
  const Stats& stats() const noexcept { return stats_; }

 private:
  void wait_readable();
  void drain();
  // Hands datagram `i` of the last recvmmsg to the listener and sends its fan-out.
  void deliver(std::size_t i) noexcept;
  void record_dwell(const msghdr& received) noexcept;
  bool send_now(const Tuple& to, std::span<const std::uint8_t> data) noexcept;
  boost::asio::ip::udp::endpoint destination_of(const Tuple& to) const;

  boost::asio::io_context& ioc_;
  boost::asio::ip::udp::socket socket_;
  Listener& listener_;
  bool v6_ = false;
  std::uint16_t local_port_ = 0;
  Tuple local_;
  Stats stats_;
  // Handlers hold a weak reference: a completion already queued when the endpoint is
  // destroyed must not touch it.
  std::shared_ptr<char> guard_;
  // The receive batch: kReceiveBatch buffers of kReceiveBufferSize bytes and their senders.
  struct Incoming;
  std::unique_ptr<Incoming> in_;
  // The send queue: one slot per datagram, sent by flush() (at most kSendBatch at once).
  static constexpr std::size_t kSendBatch = 64;
  struct Outgoing;
  std::unique_ptr<Outgoing> out_;
  bool flush_posted_ = false;
  bool measure_dwell_ = false;
  DwellHistogram dwell_;
};

}  // namespace haven::sfu
