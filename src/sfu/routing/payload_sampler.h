// Tests only (sfu.test_payload_sample_file, off by default): the first bytes of payloads
// the SFU forwards, so a browser test can check from the server's side that what passes
// through is SFrame ciphertext behind the codec's clear prefix and never a plaintext frame
// (docs/E2EE.md "What the server sees"). The samples are copies of what the server is
// handed anyway; with E2EE they hold no media a person could see or hear.
//
// Media thread only: producers offer every packet into a fixed ring (no allocation on the
// packet path); the MediaWorker drains it on its tick and appends JSON lines to the file.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sfu/routing/codec_info.h"
#include "sfu/rtp_parameters.h"

namespace haven::sfu::routing {

class PayloadSampler {
 public:
  static constexpr std::size_t kHeadBytes = 48;
  static constexpr std::size_t kCapacity = 1024;

  struct Sample {
    MediaKind kind = MediaKind::audio;
    CodecKind codec = CodecKind::other;
    std::uint32_t ssrc = 0;
    std::uint16_t size = 0;   // the whole payload
    std::uint8_t length = 0;  // bytes kept in head
    std::array<std::uint8_t, kHeadBytes> head{};
  };

  void offer(MediaKind kind, CodecKind codec, std::uint32_t ssrc,
             std::span<const std::uint8_t> payload) noexcept;
  // The samples offered since the last drain, oldest first, as JSON lines
  // {"kind","codec","ssrc","size","head" (hex)}; at most kCapacity (older ones were
  // overwritten) — a sample, not a record.
  std::string drain_json_lines();

 private:
  std::vector<Sample> ring_ = std::vector<Sample>(kCapacity);
  std::uint64_t written_ = 0;
  std::uint64_t drained_ = 0;
};

}  // namespace haven::sfu::routing
