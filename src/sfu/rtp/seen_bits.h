// One bit per index for the last size() indices of a sliding window (slot = index mod
// size()): whether that index was seen. The bookkeeping under rtp::ArrivalWindow (which
// sequence numbers arrived) and gcm_rtp::ReplayWindow (which SRTP indices were used);
// each decides how its window moves.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace haven::sfu {

class SeenBits {
 public:
  // Allocates the bits (may throw std::bad_alloc); `size` > 0.
  explicit SeenBits(std::size_t size) : size_(size), words_((size + 63) / 64) {}
  std::size_t size() const noexcept { return size_; }
  bool test(std::uint64_t index) const noexcept {
    const std::uint64_t bit = index % size_;
    return (words_[bit / 64] >> (bit % 64) & 1) != 0;
  }
  void set(std::uint64_t index, bool value) noexcept {
    const std::uint64_t bit = index % size_;
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    words_[bit / 64] = value ? words_[bit / 64] | mask : words_[bit / 64] & ~mask;
  }
  void clear() noexcept { std::fill(words_.begin(), words_.end(), 0); }

 private:
  std::size_t size_;
  std::vector<std::uint64_t> words_;
};

}  // namespace haven::sfu
