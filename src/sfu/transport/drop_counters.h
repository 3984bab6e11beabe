// Why the SFU dropped a datagram, counted per reason. One DropCounters lives in the
// WebRtcServer (all peers: the source of haven_sfu_dropped_packets_total{reason}) and one in
// every WebRtcTransport / WebRtcClient (that peer only).
//
// Threading: the counters are written only by the media thread (the io_context that runs
// the SFU) and may be read from any thread (the metrics endpoint). Single-writer relaxed
// atomics give exactly that without a lock or a locked instruction on the packet path:
// add() is a plain load + store, snapshot() a set of relaxed loads.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "sfu/srtp/srtp_session.h"

namespace haven::sfu {

enum class DropReason : std::uint8_t {
  unknown_tuple,    // not STUN, from a 5-tuple no transport has authenticated
  unknown_ufrag,    // STUN Binding request naming a ufrag no transport owns
  malformed,        // unclassifiable (RFC 7983), oversized, or unparseable after decryption
  stun_rejected,    // Binding request answered with an error or ignored (bad creds, role)
  unauthenticated,  // DTLS/SRTP from a tuple whose ICE authentication has lapsed
  rate_limited,     // over the peer's max_packets_per_second
  not_connected,    // SRTP/SRTCP before the SRTP sessions exist, or a send with no path
  srtp_auth,        // SRTP/SRTCP authentication failed (wrong key, tampered, ROC mismatch)
  srtp_replay,      // SRTP/SRTCP replayed or older than the replay window
  srtp_error,       // any other libsrtp failure (including protect)
  send_failed,      // the socket refused the datagram (buffer full, unreachable)
  closed,           // arrived for, or was sent by, a closed transport
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::closed) + 1;

// "unknown_tuple", ... — the Prometheus label value.
const char* to_string(DropReason reason) noexcept;

// Why libsrtp refused a packet, as a drop reason (the transport and the test client).
DropReason srtp_drop_reason(SrtpStatus status) noexcept;

// A plain copy of the counters, for tests and rendering.
struct DropSnapshot {
  std::array<std::uint64_t, kDropReasonCount> by_reason{};

  std::uint64_t operator[](DropReason r) const noexcept {
    return by_reason[static_cast<std::size_t>(r)];
  }
  std::uint64_t total() const noexcept;
};

class DropCounters {
 public:
  DropCounters() = default;
  DropCounters(const DropCounters&) = delete;
  DropCounters& operator=(const DropCounters&) = delete;

  // Media thread only (single writer).
  void add(DropReason r) noexcept {
    auto& c = counts_[static_cast<std::size_t>(r)];
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // Any thread.
  std::uint64_t operator[](DropReason r) const noexcept {
    return counts_[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
  }
  DropSnapshot snapshot() const noexcept;
  std::uint64_t total() const noexcept { return snapshot().total(); }

 private:
  std::array<std::atomic<std::uint64_t>, kDropReasonCount> counts_{};
};

}  // namespace haven::sfu
