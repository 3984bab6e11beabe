#include "sfu/rooms/lobby.h"

#include <algorithm>

namespace haven::sfu::rooms {

bool Lobby::waiting(std::uint64_t channel) const noexcept {
  return std::any_of(waiters_.begin(), waiters_.end(),
                     [&](const Waiter& w) { return w.channel == channel; });
}

std::vector<Waiter> Lobby::take_user(const std::string& user_id) {
  std::vector<Waiter> taken;
  std::vector<Waiter> kept;
  for (auto& w : waiters_) (w.join.user_id == user_id ? taken : kept).push_back(std::move(w));
  waiters_ = std::move(kept);
  return taken;
}

bool Lobby::take_channel(std::uint64_t channel) {
  auto it = std::find_if(waiters_.begin(), waiters_.end(),
                         [&](const Waiter& w) { return w.channel == channel; });
  if (it == waiters_.end()) return false;
  waiters_.erase(it);
  return true;
}

std::vector<Waiter> Lobby::take_all() {
  return std::exchange(waiters_, {});
}

std::vector<std::uint64_t> Lobby::channels() const {
  std::vector<std::uint64_t> out;
  for (const auto& w : waiters_) out.push_back(w.channel);
  return out;
}

nlohmann::json Lobby::summary() const {
  nlohmann::json people = nlohmann::json::array();
  for (const auto& w : waiters_) {
    auto same = std::find_if(people.begin(), people.end(), [&](const nlohmann::json& p) {
      return p["user_id"] == w.join.user_id;
    });
    if (same != people.end()) {
      (*same)["tabs"] = (*same)["tabs"].get<int>() + 1;
      continue;
    }
    people.push_back({{"user_id", w.join.user_id},
                      {"display_name", w.join.display_name},
                      {"guest", w.join.guest},
                      {"since", w.since},
                      {"tabs", 1}});
  }
  return {{"type", "room.lobby"}, {"locked", locked}, {"waiting", people}};
}

}  // namespace haven::sfu::rooms
