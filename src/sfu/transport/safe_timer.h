// A steady_timer whose callback can never reach a destroyed or re-armed owner.
//
// Destroying or cancelling an asio timer does not stop a completion that the io_context
// has already queued: that handler still runs, with a success code, after the owner may
// be gone. The SFU's transports are destroyed from ordinary handlers on the media thread,
// so every timer they own goes through this wrapper: the handler holds a weak reference
// to a guard the owner destroys, plus the arming generation, and calls back only when
// both are still current.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>

namespace haven::sfu {

class SafeTimer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SafeTimer(boost::asio::io_context& ioc)
      : timer_(ioc), guard_(std::make_shared<Guard>()) {}
  SafeTimer(const SafeTimer&) = delete;
  SafeTimer& operator=(const SafeTimer&) = delete;
  ~SafeTimer() {
    guard_.reset();  // queued handlers find the guard expired
    timer_.cancel();
  }

  // Calls f() once at `at` unless cancel() or another arm comes first. f may re-arm.
  template <class F>
  void arm_at(Clock::time_point at, F f) {
    const std::uint64_t generation = ++guard_->generation;
    guard_->armed = true;
    guard_->expiry = at;
    timer_.expires_at(at);  // aborts a previous wait
    timer_.async_wait([weak = std::weak_ptr<Guard>(guard_), generation,
                       f = std::move(f)](const boost::system::error_code& ec) mutable {
      auto guard = weak.lock();
      if (!guard || ec || guard->generation != generation) return;
      guard->armed = false;
      f();
    });
  }
  template <class F>
  void arm_after(Clock::duration delay, F f) {
    arm_at(Clock::now() + delay, std::move(f));
  }

  void cancel() noexcept {
    ++guard_->generation;
    guard_->armed = false;
    timer_.cancel();
  }

  bool armed() const noexcept { return guard_->armed; }
  // Meaningful while armed().
  Clock::time_point expiry() const noexcept { return guard_->expiry; }

 private:
  struct Guard {
    std::uint64_t generation = 0;
    bool armed = false;
    Clock::time_point expiry{};
  };

  boost::asio::steady_timer timer_;
  std::shared_ptr<Guard> guard_;
};

}  // namespace haven::sfu
