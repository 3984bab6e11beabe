// Open connections that graceful shutdown must reach. Holds weak pointers only: a
// connection is owned by its own pending operations (the Asio way), never by the registry.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

namespace haven {

class Drainable {
 public:
  virtual ~Drainable() = default;
  // Finish what is in flight, then close (HTTP: after the current response; WebSocket:
  // a close frame with "going away").
  virtual void drain() = 0;
};

class ConnectionRegistry {
 public:
  void add(const std::shared_ptr<Drainable>& connection);
  void drain_all();
  bool draining() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::weak_ptr<Drainable>> connections_;
  bool draining_ = false;
};

}  // namespace haven
