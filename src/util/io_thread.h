// One thread running one io_context (the SFU's media thread, the load generator's client
// threads): named for perf and top, and kept serving when a handler throws — a throw
// there is a setup bug, logged under `error_event`, never a reason to stop every room.
#pragma once

#include <boost/asio/io_context.hpp>
#include <string>
#include <thread>

namespace haven {

class IoThread {
 public:
  IoThread() = default;
  ~IoThread();  // joins
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  // `name`: at most 15 characters are kept (pthread_setname_np).
  void start(boost::asio::io_context& ioc, std::string name, std::string error_event);
  void join();
  bool running() const { return thread_.joinable(); }
  // CPU time this thread has used (its own clock), 0 when it is not running.
  double cpu_seconds() const noexcept;

 private:
  std::thread thread_;
};

}  // namespace haven
