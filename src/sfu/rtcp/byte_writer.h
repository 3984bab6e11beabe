// Appending big-endian fields to a growing buffer: RTCP is control plane, so its
// serializers may allocate (the RTP forwarding path never comes here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfu/rtp/byte_order.h"

namespace haven::sfu::rtcp {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  std::size_t size() const noexcept { return out_.size(); }
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    grow(2, [&](std::uint8_t* p) { store_be16(p, v); });
  }
  void u24(std::uint32_t v) {
    grow(3, [&](std::uint8_t* p) { store_be24(p, v); });
  }
  void u32(std::uint32_t v) {
    grow(4, [&](std::uint8_t* p) { store_be32(p, v); });
  }
  void u64(std::uint64_t v) {
    grow(8, [&](std::uint8_t* p) { store_be64(p, v); });
  }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  // Zero bytes up to the next multiple of 4 counted from `origin`.
  void pad32(std::size_t origin) {
    while ((out_.size() - origin) % 4 != 0) out_.push_back(0);
  }
  // Overwrites a 16-bit field written earlier (RTCP length, patched once the body is known).
  void patch16(std::size_t at, std::uint16_t v) { store_be16(out_.data() + at, v); }

 private:
  template <typename Fn>
  void grow(std::size_t n, Fn&& store) {
    const std::size_t at = out_.size();
    out_.resize(at + n);
    store(out_.data() + at);
  }

  std::vector<std::uint8_t>& out_;
};

}  // namespace haven::sfu::rtcp
