#include "util/io_thread.h"

#include <pthread.h>
#include <time.h>

#include <exception>

#include "log/logger.h"

namespace haven {

IoThread::~IoThread() { join(); }

void IoThread::start(boost::asio::io_context& ioc, std::string name, std::string error_event) {
  thread_ = std::thread([&ioc, name = std::move(name), error_event = std::move(error_event)] {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        log::error(error_event, {{"what", e.what()}});
      }
    }
  });
}

void IoThread::join() {
  if (thread_.joinable()) thread_.join();
}

double IoThread::cpu_seconds() const noexcept {
  if (!thread_.joinable()) return 0;
  clockid_t clock{};
  timespec ts{};
  if (pthread_getcpuclockid(const_cast<std::thread&>(thread_).native_handle(), &clock) != 0 ||
      clock_gettime(clock, &ts) != 0) {
    return 0;
  }
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace haven
