// Fuzz target: GcmRtpProtector against libsrtp, the implementation it stands in for. The
// input is split into RTP packets (a 2-byte length before each) that one sender protects
// in turn; for every packet both must give the same status and, when ok, the same bytes
// (header parsing, rollover-counter estimate, sender replay window, IV and tag).
// `make fuzz` runs it under libFuzzer; `make test` replays tests/fuzz/corpus/gcm_rtp.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfu/limits.h"
#include "sfu/srtp/srtp_session.h"

namespace {

using namespace haven::sfu;

SrtpSession sender(bool openssl_gcm) {
  std::array<std::uint8_t, 28> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 29 + 3);
  SrtpSession::Options options;
  options.openssl_gcm = openssl_gcm;
  auto made =
      SrtpSession::create(SrtpDirection::outbound, SrtpProfile::aead_aes_128_gcm, key, options);
  if (!made) __builtin_trap();
  return std::move(*made);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (!gcm_supported()) return 0;
  SrtpSession ours = sender(true);
  SrtpSession libsrtp = sender(false);
  std::size_t at = 0;
  for (int packets = 0; packets < 64 && at + 2 <= size; ++packets) {
    const std::size_t length = std::min<std::size_t>(
        static_cast<std::size_t>(data[at] << 8 | data[at + 1]) % (kMaxDatagram + 1), size - at - 2);
    at += 2;
    std::vector<std::uint8_t> a(data + at, data + at + length);
    std::vector<std::uint8_t> b = a;
    at += length;
    const SrtpStatus sa = ours.protect_rtp(a);
    const SrtpStatus sb = libsrtp.protect_rtp(b);
    if (sa != sb) __builtin_trap();
    if (sa == SrtpStatus::ok && a != b) __builtin_trap();
  }
  return 0;
}
