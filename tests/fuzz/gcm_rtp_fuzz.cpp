// Fuzz target: GcmRtpProtector and GcmRtpUnprotector against libsrtp, the implementation
// they stand in for. The input is split into RTP packets (a 2-byte length before each).
// Each is protected by both senders, which must agree (status, and bytes when ok); what was
// protected and the raw input itself then go to both receivers, which must agree too
// (header parsing, rollover-counter estimate, replay windows, IV, tag, and the order of the
// checks). `make fuzz` runs it under libFuzzer; `make test` replays tests/fuzz/corpus/gcm_rtp.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfu/limits.h"
#include "sfu/srtp/srtp_session.h"

namespace {

using namespace haven::sfu;
using Bytes = std::vector<std::uint8_t>;

SrtpSession make(SrtpDirection direction, bool openssl_gcm) {
  std::array<std::uint8_t, 28> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 29 + 3);
  SrtpSession::Options options;
  options.openssl_gcm = openssl_gcm;
  auto made = SrtpSession::create(direction, SrtpProfile::aead_aes_128_gcm, key, options);
  if (!made) __builtin_trap();
  return std::move(*made);
}

struct Pair {
  SrtpSession ours;
  SrtpSession libsrtp;
};

// Both sessions of `pair` handle a copy of `packet` with `op`; they must agree.
template <typename Op>
Bytes agree(Pair& pair, const Bytes& packet, Op op) {
  Bytes a = packet;
  Bytes b = packet;
  const SrtpStatus sa = (pair.ours.*op)(a);
  const SrtpStatus sb = (pair.libsrtp.*op)(b);
  if (sa != sb) __builtin_trap();
  if (sa != SrtpStatus::ok) return {};
  if (a != b) __builtin_trap();
  return a;
}

using VectorOp = SrtpStatus (SrtpSession::*)(std::vector<std::uint8_t>&) noexcept;
constexpr VectorOp kProtect = &SrtpSession::protect_rtp;
constexpr VectorOp kUnprotect = &SrtpSession::unprotect_rtp;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (!gcm_supported()) return 0;
  Pair senders{make(SrtpDirection::outbound, true), make(SrtpDirection::outbound, false)};
  Pair receivers{make(SrtpDirection::inbound, true), make(SrtpDirection::inbound, false)};
  std::size_t at = 0;
  for (int packets = 0; packets < 64 && at + 2 <= size; ++packets) {
    const std::size_t length = std::min<std::size_t>(
        static_cast<std::size_t>(data[at] << 8 | data[at + 1]) % (kMaxDatagram + 1), size - at - 2);
    at += 2;
    const Bytes packet(data + at, data + at + length);
    at += length;
    const Bytes wire = agree(senders, packet, kProtect);
    if (!wire.empty()) {
      const Bytes plain = agree(receivers, wire, kUnprotect);
      if (!plain.empty() && plain != packet) __builtin_trap();
    }
    agree(receivers, packet, kUnprotect);  // forged: refused alike, and changes nothing
  }
  return 0;
}
