#include "http/connection_registry.h"

#include <algorithm>

namespace haven {

void ConnectionRegistry::add(const std::shared_ptr<Drainable>& connection) {
  {
    std::lock_guard lock(mutex_);
    if (!draining_) {
      // Forget closed connections as we go, so the list stays the size of the open set.
      std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
      connections_.push_back(connection);
      return;
    }
  }
  connection->drain();  // arrived during shutdown: serve nothing more
}

void ConnectionRegistry::drain_all() {
  std::vector<std::shared_ptr<Drainable>> live;
  {
    std::lock_guard lock(mutex_);
    draining_ = true;
    for (auto& weak : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
    connections_.clear();
  }
  for (auto& c : live) c->drain();
}

bool ConnectionRegistry::draining() const {
  std::lock_guard lock(mutex_);
  return draining_;
}

}  // namespace haven
