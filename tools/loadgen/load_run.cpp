// One haven-loadgen run; see load_run.h.
#include "load_run.h"

#include <pthread.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <thread>

#include "log/logger.h"
#include "sfu/rooms/media_worker.h"
#include "sim_client.h"

namespace haven::loadgen {

namespace {

using Steady = std::chrono::steady_clock;

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto tv = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

// Runs `work` on the client thread and waits for it.
void run_on(ClientThread& thread, const std::function<void()>& work) {
  std::promise<void> done;
  auto future = done.get_future();
  boost::asio::post(thread.ioc, [&] {
    work();
    done.set_value();
  });
  future.wait();
}

std::chrono::duration<double> as_duration(double seconds) {
  return std::chrono::duration<double>(seconds);
}

struct Fleet {
  std::vector<std::unique_ptr<ClientThread>> threads;
  std::vector<std::shared_ptr<SimClient>> clients;
  std::vector<std::vector<SimClient*>> by_thread;

  double client_cpu() const {
    double total = 0;
    for (const auto& t : threads) total += t->cpu_seconds();
    return total;
  }
};

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
  for (const auto& p : plans) {
    if (!p.receives || p.expected.empty()) continue;
    ++result.receivers;
    result.streams += p.expected.size() * tracks;
  }
  result.clients = plans.size();
  return plans;
}

// Waits until every client is ready; false (with what is missing) on a failure or timeout.
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

// haven_sfu_dropped_packets_total{reason="x"} N lines of the worker's metrics.
std::vector<std::pair<std::string, std::uint64_t>> sfu_drops(const std::string& metrics) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  const std::string prefix = "haven_sfu_dropped_packets_total{reason=\"";
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    const auto end = line.find('"', prefix.size());
    const auto space = line.rfind(' ');
    if (end == std::string::npos || space == std::string::npos) continue;
    const std::uint64_t n = std::strtoull(line.c_str() + space + 1, nullptr, 10);
    if (n > 0) out.emplace_back(line.substr(prefix.size(), end - prefix.size()), n);
  }
  return out;
}

}  // namespace

std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
}

ClientThread::ClientThread(std::vector<sfu::SrtpProfile> srtp)
    : work(boost::asio::make_work_guard(ioc)),
      certificate(sfu::DtlsCertificate::generate()),
      dtls(certificate, sfu::DtlsContext::Options{.srtp_profiles = std::move(srtp)}) {}

ClientThread::~ClientThread() {
  stop();
}

void ClientThread::start(const std::string& name) {
  thread.start(ioc, name, "loadgen.client_thread_error");
}

void ClientThread::stop() {
  work.reset();
  ioc.stop();
  thread.join();
}

double ClientThread::cpu_seconds() const noexcept { return thread.cpu_seconds(); }

double load_average() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  return in >> one ? one : 0;
}

RunResult run_load(const LoadOptions& options) {
  RunResult result;
  result.options = options;
  sfu::WebRtcServerOptions server;
  server.listen_address = "127.0.0.1";
  server.port = 0;
  sfu::rooms::MediaWorker worker(server);
  // Named threads: perf and top tell the media thread ("sfu-media") from the client
  // threads ("lg-clients-N") and this one.
  worker.start();
  pthread_setname_np(pthread_self(), "lg-main");

  Fleet fleet;
  const std::size_t thread_count = std::max<std::size_t>(1, options.client_threads);
  for (std::size_t t = 0; t < thread_count; ++t) {
    std::vector<sfu::SrtpProfile> srtp;
    if (options.srtp_cm_only) srtp.push_back(sfu::SrtpProfile::aes128_cm_hmac_sha1_80);
    fleet.threads.push_back(std::make_unique<ClientThread>(std::move(srtp)));
    fleet.threads.back()->start("lg-clients-" + std::to_string(t));
  }
  fleet.by_thread.resize(thread_count);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  result.rss_baseline_bytes = resident_bytes();

  const auto setup_start = Steady::now();
  auto plans = make_plans(options, result);
  for (std::size_t i = 0; i < plans.size(); ++i) {
    ClientThread& thread = *fleet.threads[i % thread_count];
    auto client = std::make_shared<SimClient>(thread, worker, std::move(plans[i]));
    fleet.by_thread[i % thread_count].push_back(client.get());
    fleet.clients.push_back(client);
    boost::asio::post(thread.ioc, [client] { client->start(); });
  }
  result.setup_ok = wait_ready(fleet, options.setup_timeout, result.setup_error);
  result.setup_seconds = seconds_since(setup_start);

  if (result.setup_ok) {
    std::this_thread::sleep_for(as_duration(options.warmup));
    for (std::size_t t = 0; t < thread_count; ++t) {
      run_on(*fleet.threads[t], [&] {
        fleet.threads[t]->latency.clear();
        fleet.threads[t]->in_window = true;
        for (SimClient* c : fleet.by_thread[t]) c->begin_window();
      });
    }
    const auto t0 = Steady::now();
    const double server0 = worker.cpu_seconds(), clients0 = fleet.client_cpu(),
                 process0 = process_cpu_seconds();
    std::this_thread::sleep_for(as_duration(options.seconds));
    result.server_cpu_seconds = worker.cpu_seconds() - server0;
    result.client_cpu_seconds = fleet.client_cpu() - clients0;
    result.process_cpu_seconds = process_cpu_seconds() - process0;
    result.window_seconds = seconds_since(t0);
    result.load_average = load_average();

    LatencyHistogram latency;
    for (std::size_t t = 0; t < thread_count; ++t) {
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
          result.keyframe_wait_max_ns =
              std::max(result.keyframe_wait_max_ns, w.keyframe_wait_max_ns);
        }
      });
    }
    result.rss_loaded_bytes = resident_bytes();
    result.sfu_drops = sfu_drops(worker.render_metrics());
    result.latency_samples = latency.count();
    result.p50_us = latency.percentile_us(0.50);
    result.p90_us = latency.percentile_us(0.90);
    result.p99_us = latency.percentile_us(0.99);
    result.p999_us = latency.percentile_us(0.999);
    result.max_us = latency.max_us();
    result.mean_us = latency.mean_us();
  }

  // Teardown: everyone leaves, the SFU stops (its last messages still reach the client
  // threads' queues), then the client threads stop and the clients go.
  for (std::size_t t = 0; t < thread_count; ++t) {
    run_on(*fleet.threads[t], [&] {
      for (SimClient* c : fleet.by_thread[t]) c->stop();
    });
  }
  worker.stop();
  for (auto& t : fleet.threads) t->stop();
  fleet.by_thread.clear();
  fleet.clients.clear();
  return result;
}

double RunResult::forwarded_per_second() const {
  return window_seconds > 0 ? static_cast<double>(forwarded) / window_seconds : 0;
}

double RunResult::server_cpu_per_million() const {
  return forwarded > 0 ? server_cpu_seconds / static_cast<double>(forwarded) * 1e6 : 0;
}

double RunResult::forwarded_per_core_second() const {
  return server_cpu_seconds > 0 ? static_cast<double>(forwarded) / server_cpu_seconds : 0;
}

double RunResult::server_load() const {
  return window_seconds > 0 ? server_cpu_seconds / window_seconds : 0;
}

double RunResult::loss_percent() const {
  return expected > 0 ? static_cast<double>(lost) / static_cast<double>(expected) * 100.0 : 0;
}

double RunResult::kb_per_stream() const {
  if (streams == 0) return 0;
  return static_cast<double>(rss_loaded_bytes - rss_baseline_bytes) / 1024.0 /
         static_cast<double>(streams);
}

bool RunResult::delivered() const {
  return setup_ok && receivers > 0 && receivers_complete == receivers;
}

}  // namespace haven::loadgen
