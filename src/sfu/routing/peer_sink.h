// The boundary between routing and the per-peer transports (ICE/DTLS/SRTP), which another
// module owns: the transport hands the Router decrypted RTP/RTCP (Router::receive_rtp,
// Router::receive_rtcp) and the Router hands plaintext RTP/RTCP back through a PeerSink
// that protects and sends it. Routing never sees sockets or keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/limits.h"

namespace haven::sfu::routing {

// Identifiers. Peers are named by the signaling layer; producer and consumer ids are
// handed out by the Router (never reused within one Router).
using PeerId = std::uint64_t;
using ProducerId = std::uint64_t;
using ConsumerId = std::uint64_t;

// libsrtp's SRTP_MAX_TRAILER_LEN: the most srtp_protect() appends (auth tag, MKI).
inline constexpr std::size_t kSrtpTrailerHeadroom = 144;
// Every RTP buffer handed to PeerSink::send_rtp has this many bytes: a packet of at most
// kMaxDatagram plus room to protect it in place.
inline constexpr std::size_t kSendBufferSize = kMaxDatagram + kSrtpTrailerHeadroom;
// Outgoing compound RTCP stays below this (one datagram with SRTCP trailer and headers).
inline constexpr std::size_t kMaxRtcpCompound = 1200;

// One per peer, registered with Router::set_sink. Both calls happen on the media worker
// thread, synchronously from receive_rtp/receive_rtcp/tick, and must not throw or call
// back into the Router.
class PeerSink {
 public:
  virtual ~PeerSink() = default;
  // `buffer` holds kSendBufferSize bytes, the first `len` a plaintext RTP packet. The sink
  // may protect in place (SRTP grows the packet into the headroom). The buffer is reused
  // for the next packet as soon as this returns: a sink that queues must copy.
  virtual void send_rtp(std::span<std::uint8_t> buffer, std::size_t len) = 0;
  // A plaintext compound RTCP packet (SR/RR first when present, RFC 5506 reduced-size
  // feedback otherwise). Copy to protect: the span is read-only.
  virtual void send_rtcp(std::span<const std::uint8_t> compound) = 0;
};

}  // namespace haven::sfu::routing
