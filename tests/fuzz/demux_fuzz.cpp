// Fuzz target: first-byte demultiplexing (sfu/packet_kind.h). classify() must never
// crash, and every verdict must be justified by the first bytes and the size.
#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/packet_kind.h"
#include "sfu/stun/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace haven::sfu;
  const std::span<const std::uint8_t> input(data, size);
  const PacketKind kind = classify(input);
  const int first = size > 0 ? data[0] : -1;
  const int second = size > 1 ? data[1] : -1;
  const bool rtcp_pt = second >= 192 && second <= 223;
  bool justified = false;
  switch (kind) {
    case PacketKind::stun:
      justified = size >= kMinStunSize && first >= 0 && first <= 3;
      break;
    case PacketKind::dtls:
      justified = size >= kMinDtlsSize && first >= 20 && first <= 63;
      break;
    case PacketKind::rtp:
      justified = size >= kMinRtpSize && first >= 128 && first <= 191 && !rtcp_pt;
      break;
    case PacketKind::rtcp:
      justified = size >= kMinRtcpSize && first >= 128 && first <= 191 && rtcp_pt;
      break;
    case PacketKind::unknown:
      justified = !(size >= kMinStunSize && first >= 0 && first <= 3) &&
                  !(size >= kMinDtlsSize && first >= 20 && first <= 63) &&
                  !(first >= 128 && first <= 191 && size >= (rtcp_pt ? kMinRtcpSize : kMinRtpSize));
      break;
  }
  if (!justified) __builtin_trap();
  if (classify(input) != kind) __builtin_trap();  // pure function

  // Anything the STUN parser accepts has the top two bits clear, so it can never be taken
  // for RTP/RTCP; with a first byte of 0–3 it must be routed to STUN.
  if (stun::parse(input)) {
    if (kind == PacketKind::rtp || kind == PacketKind::rtcp) __builtin_trap();
    if (first <= 3 && kind != PacketKind::stun) __builtin_trap();
  }
  return 0;
}
