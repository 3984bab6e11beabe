// The rooms' timers (Room::tick: receiver and sender reports, transport-wide feedback,
// NACK retries, active speaker) run every 20 ms, but not all in the same instant: the
// media thread's timer fires every 5 ms and ticks one of four phases, and each room
// belongs to one phase. While a tick runs, datagrams wait in the socket; ticking five
// 16-person rooms at once held them for about 150 µs, so one datagram in a hundred
// waited behind it (docs/PERFORMANCE.md "The latency tail").
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>

namespace haven::sfu::rooms {

class TickPhases {
 public:
  static constexpr unsigned kCount = 4;
  // How often each room ticks; Router timers want 20-50 ms.
  static constexpr std::chrono::milliseconds kPeriod{20};
  // How often the timer fires while any room is open (with none, it waits kPeriod).
  static constexpr std::chrono::milliseconds kStep{kPeriod / kCount};

  // Rooms open per phase.
  using Counts = std::array<std::size_t, kCount>;

  // The phase for a new room: the one with the fewest rooms (the lowest such on ties), so
  // rooms opened in the same instant still tick apart.
  static unsigned least_used(const Counts& open) noexcept {
    return static_cast<unsigned>(std::min_element(open.begin(), open.end()) - open.begin());
  }

  // The phase due at this firing; each phase comes round once every kCount firings.
  unsigned next() noexcept {
    const unsigned due = turn_;
    turn_ = (turn_ + 1) % kCount;
    return due;
  }

 private:
  unsigned turn_ = 0;
};

}  // namespace haven::sfu::rooms
