// The simulated clients of one run; see fleet.h.
#include "fleet.h"

#include <sys/resource.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <thread>

namespace haven::loadgen {

namespace {

using Steady = std::chrono::steady_clock;

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

std::chrono::duration<double> as_duration(double seconds) {
  return std::chrono::duration<double>(seconds);
}

}  // namespace

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto tv = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

void run_on(ClientThread& thread, const std::function<void()>& work) {
  std::promise<void> done;
  auto future = done.get_future();
  boost::asio::post(thread.ioc, [&] {
    work();
    done.set_value();
  });
  future.wait();
}

void Fleet::start_threads(const LoadOptions& options) {
  const std::size_t count = std::max<std::size_t>(1, options.client_threads);
  for (std::size_t t = 0; t < count; ++t) {
    std::vector<sfu::SrtpProfile> srtp;
    if (options.srtp_cm_only) srtp.push_back(sfu::SrtpProfile::aes128_cm_hmac_sha1_80);
    threads.push_back(std::make_unique<ClientThread>(std::move(srtp)));
    threads.back()->start("lg-clients-" + std::to_string(t));
  }
  by_thread.resize(count);
}

void Fleet::add_clients(std::vector<ClientPlan> plans, sfu::rooms::MediaWorker* worker) {
  for (auto& plan : plans) {
    const std::size_t i = clients.size();
    auto client = std::make_shared<SimClient>(thread_of(i), worker, std::move(plan));
    by_thread[i % threads.size()].push_back(client.get());
    clients.push_back(std::move(client));
  }
}

double Fleet::client_cpu() const {
  double total = 0;
  for (const auto& t : threads) total += t->cpu_seconds();
  return total;
}

void Fleet::stop_clients() {
  for (std::size_t t = 0; t < threads.size(); ++t) {
    run_on(*threads[t], [&] {
      for (SimClient* c : by_thread[t]) c->stop();
    });
  }
}

void Fleet::stop_threads() {
  for (auto& t : threads) t->stop();
  by_thread.clear();
  clients.clear();
}

std::vector<ClientPlan> make_plans(const LoadOptions& o, RunResult& result) {
  std::vector<ClientPlan> plans;
  const std::size_t total_publishers = o.rooms * o.publishers;
  const std::size_t tracks = (o.media.audio ? 1 : 0) + (o.media.video_kbps > 0 ? 1 : 0);
  for (std::size_t r = 0; r < o.rooms; ++r) {
    const std::string room = "loadgen-" + std::to_string(r);
    std::vector<std::uint16_t> room_publishers;
    for (std::size_t i = 0; i < o.publishers; ++i) {
      room_publishers.push_back(static_cast<std::uint16_t>(r * o.publishers + i));
    }
    for (std::size_t i = 0; i < o.publishers; ++i) {
      ClientPlan p;
      p.room_id = room;
      p.user_id = "r" + std::to_string(r) + "-pub" + std::to_string(i);
      p.publisher = room_publishers[i];
      p.receives = o.publishers_receive;
      if (p.receives) {
        for (auto other : room_publishers)
          if (other != *p.publisher) p.expected.push_back(other);
      }
      p.total_publishers = total_publishers;
      p.media = o.media;
      // Distinct levels, so the active speaker settles instead of flapping.
      p.media.audio_level = static_cast<std::uint8_t>(20 + (i * 7) % 60);
      plans.push_back(std::move(p));
    }
    for (std::size_t j = 0; j < o.subscribers; ++j) {
      ClientPlan p;
      p.room_id = room;
      p.user_id = "r" + std::to_string(r) + "-sub" + std::to_string(j);
      p.expected = room_publishers;
      p.total_publishers = total_publishers;
      p.media = o.media;
      plans.push_back(std::move(p));
    }
  }
  for (auto& p : plans) {
    p.local_address = o.client_address;
    if (!p.receives || p.expected.empty()) continue;
    ++result.receivers;
    result.streams += p.expected.size() * tracks;
  }
  result.clients = plans.size();
  return plans;
}

bool wait_ready(Fleet& fleet, double timeout, std::string& error) {
  const auto start = Steady::now();
  for (;;) {
    bool all = true, failed = false;
    for (const auto& c : fleet.clients) {
      all = all && c->ready();
      failed = failed || c->failed();
    }
    if (all) return true;
    if (failed || seconds_since(start) > timeout) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::size_t shown = 0, missing = 0;
  for (std::size_t t = 0; t < fleet.threads.size(); ++t) {
    run_on(*fleet.threads[t], [&] {
      for (SimClient* c : fleet.by_thread[t]) {
        if (c->ready() && !c->failed()) continue;
        ++missing;
        if (shown++ < 8) error += (error.empty() ? "" : "; ") + c->describe();
      }
    });
  }
  error = std::to_string(missing) + " of " + std::to_string(fleet.clients.size()) +
          " clients not ready after " + std::to_string(static_cast<int>(seconds_since(start))) +
          " s: " + error;
  return false;
}

void measure_window(Fleet& fleet, const LoadOptions& options,
                    const std::function<double()>& server_cpu, RunResult& result,
                    const std::function<void(bool end)>& at_edge) {
  std::this_thread::sleep_for(as_duration(options.warmup));
  for (std::size_t t = 0; t < fleet.threads.size(); ++t) {
    run_on(*fleet.threads[t], [&] {
      fleet.threads[t]->latency.clear();
      fleet.threads[t]->in_window = true;
      for (SimClient* c : fleet.by_thread[t]) c->begin_window();
    });
  }
  const auto t0 = Steady::now();
  const double server0 = server_cpu(), clients0 = fleet.client_cpu(),
               process0 = process_cpu_seconds();
  if (at_edge) at_edge(false);
  std::this_thread::sleep_for(as_duration(options.seconds));
  if (at_edge) at_edge(true);
  result.server_cpu_seconds = server_cpu() - server0;
  result.client_cpu_seconds = fleet.client_cpu() - clients0;
  result.process_cpu_seconds = process_cpu_seconds() - process0;
  result.window_seconds = seconds_since(t0);
  result.load_average = load_average();

  run_on(*fleet.threads[0], [&] {
    if (!fleet.by_thread[0].empty()) result.srtp = fleet.by_thread[0].front()->srtp_profiles();
  });
  LatencyHistogram latency;
  for (std::size_t t = 0; t < fleet.threads.size(); ++t) {
    run_on(*fleet.threads[t], [&] {
      fleet.threads[t]->in_window = false;
      latency.merge(fleet.threads[t]->latency);
      for (SimClient* c : fleet.by_thread[t]) {
        const ClientWindow w = c->end_window();
        result.forwarded += w.received.packets;
        result.expected += w.received.expected;
        result.lost += w.received.lost;
        result.unexpected += w.received.unexpected;
        if (w.received.streams_expected > 0 &&
            w.received.streams_delivered == w.received.streams_expected) {
          ++result.receivers_complete;
        }
        result.audio_sent += w.audio_sent;
        result.video_sent += w.video_sent;
        result.keyframes += w.keyframes;
        result.keyframe_requests += w.keyframe_requests;
        result.upstream_nacks += w.nacks;
        result.send_failures += w.send_failures;
        result.started_without_keyframe += w.started_without_keyframe;
        result.keyframe_wait_max_ns = std::max(result.keyframe_wait_max_ns, w.keyframe_wait_max_ns);
      }
    });
  }
  result.latency_samples = latency.count();
  result.p50_us = latency.percentile_us(0.50);
  result.p90_us = latency.percentile_us(0.90);
  result.p99_us = latency.percentile_us(0.99);
  result.p999_us = latency.percentile_us(0.999);
  result.max_us = latency.max_us();
  result.mean_us = latency.mean_us();
}

}  // namespace haven::loadgen
