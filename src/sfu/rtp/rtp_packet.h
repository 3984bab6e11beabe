// RtpPacket: a non-owning, mutable view over one RTP packet in the caller's buffer.
//
// The forwarding path parses every packet it relays, so the view never allocates and never
// throws: parse() validates the whole header once (RFC 3550 §5.1 fixed header, CSRC list,
// padding, RFC 8285 header-extension elements), after which the accessors and in-place
// setters are plain loads and stores. Rewrites that change the header length (a longer MID,
// dropped or added extensions) go through rewrite_extensions() in header_extensions.h,
// which writes a new packet into a second caller buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace haven::sfu::rtp {

inline constexpr std::size_t kFixedHeaderSize = 12;       // RFC 3550 §5.1
inline constexpr std::uint16_t kOneByteProfile = 0xBEDE;  // RFC 8285 §4.2
inline constexpr std::uint16_t kTwoByteProfile = 0x1000;  // RFC 8285 §4.3 (low 4 bits: appbits)
inline constexpr std::uint8_t kMaxOneByteId = 14;         // 15 is reserved (§4.2)
inline constexpr std::size_t kMaxOneByteValue = 16;       // 4-bit length field + 1

enum class ExtensionForm : std::uint8_t {
  none,      // X bit clear
  one_byte,  // 0xBEDE
  two_byte,  // 0x100X
  other,     // a non-RFC 8285 profile: opaque, no id lookup
};

// One header-extension element. `value` points into the packet; `offset` is the position
// of the element's id byte within the packet (for in-place id rewrites).
struct HeaderExtension {
  std::uint8_t id = 0;
  std::span<std::uint8_t> value;
  std::size_t offset = 0;
};

// Walks the elements of an RFC 8285 extension block, skipping padding bytes. Stops at the
// end of the block, at id 15 in the one-byte form (§4.2: "processing ... should terminate")
// or a one-byte id 0 with non-zero length (as libwebrtc does), and at any element that
// would overrun the block (parse() rejects those up front). Never yields id 0.
class ExtensionReader {
 public:
  ExtensionReader() = default;
  ExtensionReader(std::span<std::uint8_t> packet, std::size_t begin, std::size_t end,
                  ExtensionForm form) noexcept
      : packet_(packet), pos_(begin), end_(end), form_(form) {}

  std::optional<HeaderExtension> next() noexcept;
  // True when the reader stopped on an element that overran the block.
  bool malformed() const noexcept { return malformed_; }

 private:
  std::span<std::uint8_t> packet_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  ExtensionForm form_ = ExtensionForm::none;
  bool malformed_ = false;
};

class RtpPacket {
 public:
  // Validates `packet` and returns a view over it, or nullopt when it is not a well-formed
  // RTP packet: shorter than the fixed header, longer than kMaxDatagram, version != 2,
  // CSRC list or extension block beyond the end, padding count 0 or beyond the payload,
  // or an RFC 8285 element whose length runs past the extension block.
  static std::optional<RtpPacket> parse(std::span<std::uint8_t> packet) noexcept;

  // --- RFC 3550 §5.1 fixed header ---
  std::uint8_t version() const noexcept { return data_[0] >> 6; }
  bool padding() const noexcept { return (data_[0] & 0x20) != 0; }
  bool has_extension() const noexcept { return (data_[0] & 0x10) != 0; }
  std::size_t csrc_count() const noexcept { return data_[0] & 0x0F; }
  bool marker() const noexcept { return (data_[1] & 0x80) != 0; }
  std::uint8_t payload_type() const noexcept { return data_[1] & 0x7F; }
  std::uint16_t sequence_number() const noexcept;
  std::uint32_t timestamp() const noexcept;
  std::uint32_t ssrc() const noexcept;
  std::uint32_t csrc(std::size_t index) const noexcept;  // index < csrc_count()

  // --- layout ---
  std::size_t size() const noexcept { return data_.size(); }
  std::span<std::uint8_t> data() const noexcept { return data_; }
  // Fixed header + CSRC list + extension block (including its 4-byte preamble).
  std::size_t header_size() const noexcept { return header_size_; }
  std::span<std::uint8_t> payload() const noexcept {
    return data_.subspan(header_size_, data_.size() - header_size_ - padding_size_);
  }
  std::size_t padding_size() const noexcept { return padding_size_; }

  // --- RFC 8285 header extensions ---
  ExtensionForm extension_form() const noexcept { return form_; }
  std::uint16_t extension_profile() const noexcept;  // 0 when has_extension() is false
  // The extension data after the 4-byte preamble (elements and padding).
  std::span<std::uint8_t> extension_block() const noexcept {
    return data_.subspan(ext_begin_, ext_end_ - ext_begin_);
  }
  ExtensionReader extensions() const noexcept {
    return ExtensionReader(data_, ext_begin_, ext_end_, form_);
  }
  // Value of the first element with `id` (1..14 one-byte, 1..255 two-byte), if present.
  std::optional<std::span<std::uint8_t>> extension(std::uint8_t id) const noexcept;

  // --- in-place setters (never change the packet length) ---
  void set_marker(bool marker) noexcept;
  void set_payload_type(std::uint8_t pt) noexcept;  // pt < 128
  void set_sequence_number(std::uint16_t seq) noexcept;
  void set_timestamp(std::uint32_t ts) noexcept;
  void set_ssrc(std::uint32_t ssrc) noexcept;
  // Renames the element `old_id` to `new_id`. False when old_id is absent, new_id does not
  // fit the packet's form (one-byte: 1..14, two-byte: 1..255) or is already used by another
  // element (two elements with one id would make lookups ambiguous).
  bool set_extension_id(std::uint8_t old_id, std::uint8_t new_id) noexcept;
  // Overwrites the value of element `id` with `value` of the same length (e.g. a subscriber
  // MID as long as the publisher's, a fresh transport-wide sequence number). False when the
  // element is absent or the length differs.
  bool set_extension_value(std::uint8_t id, std::span<const std::uint8_t> value) noexcept;

 private:
  RtpPacket() = default;

  std::span<std::uint8_t> data_;
  std::uint16_t header_size_ = 0;
  std::uint16_t padding_size_ = 0;
  std::uint16_t ext_begin_ = 0;  // first byte after the extension preamble
  std::uint16_t ext_end_ = 0;    // one past the extension block
  ExtensionForm form_ = ExtensionForm::none;
};

}  // namespace haven::sfu::rtp
