// VP8 RTP payload descriptor (RFC 7741 §4.2) and key-frame detection (§4.3 payload header).
//
// The SFU reads it to switch simulcast layers only on a key frame of the target layer and
// to rewrite PictureID/TL0PICIDX so each subscriber sees continuous values across switches
// (interop notes §5). With SFrame end-to-end encryption the descriptor and the first
// payload byte stay in clear (the encrypted part starts after them), so this still works.
//
//       0 1 2 3 4 5 6 7
//      +-+-+-+-+-+-+-+-+
//      |X|R|N|S|R| PID | (REQUIRED)
//      +-+-+-+-+-+-+-+-+
// X:   |I|L|T|K| RSV   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// I:   |M| PictureID   | (OPTIONAL, second byte when M = 1)
//      +-+-+-+-+-+-+-+-+
// L:   |   TL0PICIDX   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// T/K: |TID|Y| KEYIDX  | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace haven::sfu::rtp {

struct Vp8Descriptor {
  bool non_reference = false;        // N
  bool start_of_partition = false;   // S
  std::uint8_t partition_index = 0;  // PID (3 bits)

  bool has_picture_id = false;    // I
  bool picture_id_15bit = false;  // M
  std::uint16_t picture_id = 0;   // 7 or 15 bits
  bool has_tl0_pic_idx = false;   // L
  std::uint8_t tl0_pic_idx = 0;
  bool has_tid = false;  // T
  std::uint8_t tid = 0;
  bool layer_sync = false;   // Y (meaningful only with T)
  bool has_key_idx = false;  // K
  std::uint8_t key_idx = 0;

  std::size_t size = 1;                // descriptor length in bytes; the VP8 payload starts here
  std::size_t picture_id_offset = 0;   // byte offset of PictureID (valid if has_picture_id)
  std::size_t tl0_pic_idx_offset = 0;  // byte offset of TL0PICIDX (valid if has_tl0_pic_idx)
};

// Parses the descriptor at the start of an RTP payload. nullopt when truncated or when
// no VP8 payload byte follows it (RFC 7741 requires at least one).
std::optional<Vp8Descriptor> parse_vp8_descriptor(std::span<const std::uint8_t> payload) noexcept;

// Key frame: first packet of the frame (S = 1, PID = 0) whose VP8 payload header has the
// inverse key-frame bit P (§4.3, least significant bit of the first byte) clear.
bool is_vp8_keyframe(const Vp8Descriptor& descriptor,
                     std::span<const std::uint8_t> payload) noexcept;
bool is_vp8_keyframe(std::span<const std::uint8_t> payload) noexcept;

// In-place rewrites for simulcast continuity. Each writes only when the field is present
// (returning false otherwise); a 7-bit PictureID keeps 7 bits (value masked).
bool set_vp8_picture_id(std::span<std::uint8_t> payload, const Vp8Descriptor& descriptor,
                        std::uint16_t picture_id) noexcept;
bool set_vp8_tl0_pic_idx(std::span<std::uint8_t> payload, const Vp8Descriptor& descriptor,
                         std::uint8_t tl0_pic_idx) noexcept;

}  // namespace haven::sfu::rtp
