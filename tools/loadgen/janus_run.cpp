// haven-loadgen's Janus mode; see janus_run.h.
#include "janus_run.h"

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "fleet.h"
#include "janus_api.h"

namespace haven::loadgen {

namespace {

using namespace std::chrono_literals;
constexpr auto kRequestTimeout = 15s;

// Feed ids are ours to choose (the join's "id"), so subscribers can name every publisher
// of the plan without waiting for Janus's "publishers" notifications.
std::uint64_t feed_id(std::uint16_t probe) {
  return 1000 + probe;
}

// Room ids unique to this process: repeated runs against one long-lived Janus never meet
// a room left over from an earlier run.
std::uint64_t room_id(std::size_t room) {
  return static_cast<std::uint64_t>(getpid()) * 1000 + room + 1;
}

std::size_t room_index(const std::string& room) {
  return static_cast<std::size_t>(std::stoul(room.substr(room.rfind('-') + 1)));
}

template <class T, class F>
T on_thread(ClientThread& thread, F&& work) {
  T value{};
  run_on(thread, [&] { value = work(); });
  return value;
}

// Publishes one client: join as publisher with its feed id, publish its offer, apply the
// answer (the SEND leg then checks Janus and answers Janus's checks). Returns the handle.
std::uint64_t publish(JanusApi& api, ClientThread& thread, SimClient& client) {
  const auto& plan = client.plan();
  const std::uint64_t handle = api.attach_videoroom();
  api.request_async(handle,
                    {{"request", "join"},
                     {"ptype", "publisher"},
                     {"room", room_id(room_index(plan.room_id))},
                     {"id", feed_id(*plan.publisher)},
                     {"display", plan.user_id}},
                    nullptr, kRequestTimeout);
  const auto offer = on_thread<std::string>(thread, [&] { return client.publish_offer(); });
  if (offer.empty()) return handle;
  const auto event = api.request_async(handle, {{"request", "publish"}},
                                       {{"type", "offer"}, {"sdp", offer}}, kRequestTimeout);
  const std::string answer = event.value("jsep", nlohmann::json::object()).value("sdp", "");
  if (answer.empty()) throw JanusError(plan.user_id + ": the publish event has no SDP answer");
  run_on(thread, [&] { client.apply_publish_answer(answer); });
  api.end_of_candidates(handle);
  return handle;
}

// Subscribes one client to every publisher it expects, on one handle (Janus 1.x
// multistream: one PeerConnection for all, as Haven's RECV leg).
void subscribe(JanusApi& api, ClientThread& thread, SimClient& client) {
  const auto& plan = client.plan();
  nlohmann::json streams = nlohmann::json::array();
  for (const std::uint16_t p : plan.expected) streams.push_back({{"feed", feed_id(p)}});
  const std::uint64_t handle = api.attach_videoroom();
  const auto event = api.request_async(handle,
                                       {{"request", "join"},
                                        {"ptype", "subscriber"},
                                        {"room", room_id(room_index(plan.room_id))},
                                        {"streams", streams}},
                                       nullptr, kRequestTimeout);
  const std::string offer = event.value("jsep", nlohmann::json::object()).value("sdp", "");
  if (offer.empty()) throw JanusError(plan.user_id + ": the subscriber join has no SDP offer");
  const auto answer =
      on_thread<std::optional<std::string>>(thread, [&] { return client.answer_offer(offer); });
  if (!answer) throw JanusError(plan.user_id + ": " + client.describe());
  api.request_async(handle, {{"request", "start"}}, {{"type", "answer"}, {"sdp", *answer}},
                    kRequestTimeout);
  run_on(thread, [&] { client.start_receiving(); });
  api.end_of_candidates(handle);
}

}  // namespace

double process_cpu_seconds_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  // comm may hold spaces and parentheses: the fields start after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  double utime = -1, stime = -1;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state (proc(5) numbering)
    if (i == 14) utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      break;
    }
  }
  if (utime < 0 || stime < 0) return -1;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::int64_t resident_bytes_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      std::int64_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
    in.ignore(4096, '\n');
  }
  return -1;
}

int find_process(const std::string& name) {
  DIR* proc = opendir("/proc");
  if (!proc) return 0;
  int found = 0, count = 0;
  while (const dirent* entry = readdir(proc)) {
    const std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream comm("/proc/" + pid + "/comm");
    std::string value;
    if (std::getline(comm, value) && value == name) {
      found = std::stoi(pid);
      ++count;
    }
  }
  closedir(proc);
  return count == 1 ? found : 0;
}

RunResult run_janus(const LoadOptions& options) {
  std::string error;
  auto url = JanusUrl::parse(options.janus_url, error);
  if (!url) throw std::runtime_error(error);
  const int pid = options.janus_pid != 0 ? options.janus_pid : find_process("janus");
  if (pid == 0) {
    throw std::runtime_error(
        "cannot tell which process is Janus (none or several named 'janus'): give --janus-pid");
  }
  if (process_cpu_seconds_of(pid) < 0) {
    throw std::runtime_error("cannot read /proc/" + std::to_string(pid) + "/stat");
  }

  RunResult result;
  result.options = options;
  result.server = "janus";
  Fleet fleet;
  fleet.start_threads(options);
  std::this_thread::sleep_for(200ms);
  result.rss_baseline_bytes =
      options.janus_rss_baseline > 0 ? options.janus_rss_baseline : resident_bytes_of(pid);
  const std::int64_t own_baseline = resident_bytes();

  const auto setup_start = std::chrono::steady_clock::now();
  auto plans = make_plans(options, result);
  for (auto& p : plans) p.full_ice_server = true;
  fleet.add_clients(std::move(plans), nullptr);

  JanusApi api(*url);
  std::uint64_t admin = 0;
  try {
    api.create_session();
    admin = api.attach_videoroom();
    for (std::size_t r = 0; r < options.rooms; ++r) {
      api.request(admin, {{"request", "create"},
                          {"room", room_id(r)},
                          {"description", "haven-loadgen"},
                          {"publishers", 256},
                          {"bitrate", 0},
                          {"audiocodec", "opus"},
                          {"videocodec", "vp8"},
                          {"permanent", false}});
    }
    std::vector<std::pair<std::uint64_t, std::size_t>> publishers;  // handle, client index
    for (std::size_t i = 0; i < fleet.clients.size(); ++i) {
      SimClient& c = *fleet.clients[i];
      run_on(fleet.thread_of(i), [&] { c.set_joined(); });
      if (c.plan().publisher) publishers.emplace_back(publish(api, fleet.thread_of(i), c), i);
    }
    const auto setup_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(options.setup_timeout));
    for (const auto& [handle, i] : publishers) {
      if (api.wait_webrtcup(handle, setup_timeout)) continue;
      SimClient& c = *fleet.clients[i];
      throw JanusError("Janus never reported the publisher's PeerConnection up (webrtcup): " +
                       on_thread<std::string>(fleet.thread_of(i), [&] { return c.describe(); }));
    }
    // Every feed is live now, so each subscriber can name all of its publishers at once.
    for (std::size_t i = 0; i < fleet.clients.size(); ++i) {
      SimClient& c = *fleet.clients[i];
      if (c.plan().receives && !c.plan().expected.empty()) subscribe(api, fleet.thread_of(i), c);
    }
    result.setup_ok = wait_ready(fleet, options.setup_timeout, result.setup_error);
  } catch (const std::exception& e) {
    result.setup_ok = false;
    result.setup_error = e.what();
  }
  result.setup_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();

  if (result.setup_ok) {
    measure_window(
        fleet, options, [pid] { return process_cpu_seconds_of(pid); }, result);
    result.rss_loaded_bytes = resident_bytes_of(pid);
    result.client_rss_growth_bytes = resident_bytes() - own_baseline;
  }

  fleet.stop_clients();
  if (admin != 0) {
    for (std::size_t r = 0; r < options.rooms; ++r) {
      try {
        api.request(admin, {{"request", "destroy"}, {"room", room_id(r)}});
      } catch (const std::exception&) {
        // The room never came up; nothing to remove.
      }
    }
  }
  api.destroy_session();
  fleet.stop_threads();
  return result;
}

}  // namespace haven::loadgen
