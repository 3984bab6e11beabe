// One haven-loadgen run; see load_run.h.
#include "load_run.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "fleet.h"
#include "sfu/rooms/media_worker.h"

namespace haven::loadgen {

namespace {

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

double ClientThread::cpu_seconds() const noexcept {
  return thread.cpu_seconds();
}

double load_average() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  return in >> one ? one : 0;
}

namespace {

// The SFU's socket belongs to the network namespace of the thread that creates it, so the
// worker is built (and started) on a short-lived thread that first enters `netns`; the
// rest of the process, its clients included, stays where it is. This puts Haven behind
// the same veth path as Janus (scripts/bench-janus.sh) without a second process.
std::unique_ptr<sfu::rooms::MediaWorker> make_worker(const sfu::WebRtcServerOptions& server,
                                                     const std::string& netns) {
  if (netns.empty()) {
    auto worker = std::make_unique<sfu::rooms::MediaWorker>(server);
    worker->start();
    return worker;
  }
  std::unique_ptr<sfu::rooms::MediaWorker> worker;
  std::string error;
  std::thread([&] {
    const std::string path = "/var/run/netns/" + netns;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = "cannot open " + path + ": " + std::strerror(errno);
      return;
    }
    const int rc = setns(fd, CLONE_NEWNET);
    const int saved = errno;
    close(fd);
    if (rc != 0) {
      error =
          "cannot enter network namespace " + netns + ": " + std::strerror(saved) + " (needs root)";
      return;
    }
    try {
      worker = std::make_unique<sfu::rooms::MediaWorker>(server);
      worker->start();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }).join();
  if (!worker) throw std::runtime_error(error);
  return worker;
}

}  // namespace

RunResult run_load(const LoadOptions& options) {
  RunResult result;
  result.options = options;
  sfu::WebRtcServerOptions server;
  server.listen_address = options.server_address;
  server.port = 0;
  server.measure_dwell = true;
  // Named threads: perf and top tell the media thread ("sfu-media") from the client
  // threads ("lg-clients-N") and this one.
  auto worker = make_worker(server, options.netns);
  pthread_setname_np(pthread_self(), "lg-main");

  Fleet fleet;
  fleet.start_threads(options);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  result.rss_baseline_bytes = resident_bytes();

  const auto setup_start = std::chrono::steady_clock::now();
  fleet.add_clients(make_plans(options, result), worker.get());
  for (std::size_t i = 0; i < fleet.clients.size(); ++i) {
    boost::asio::post(fleet.thread_of(i).ioc, [client = fleet.clients[i]] { client->start(); });
  }
  result.setup_ok = wait_ready(fleet, options.setup_timeout, result.setup_error);
  result.setup_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();

  if (result.setup_ok) {
    sfu::DwellHistogram::Counts dwell_start{};
    measure_window(
        fleet, options, [&] { return worker->cpu_seconds(); }, result,
        [&](bool end) {
          if (!end) {
            dwell_start = worker->dwell_snapshot();
            return;
          }
          const auto dwell_end = worker->dwell_snapshot();
          const auto us = [&](double q) {
            const std::int64_t ns = sfu::DwellHistogram::quantile_ns(dwell_start, dwell_end, q);
            return ns < 0 ? -1.0 : static_cast<double>(ns) / 1000.0;
          };
          result.server_dwell_p50_us = us(0.5);
          result.server_dwell_p99_us = us(0.99);
        });
    result.rss_loaded_bytes = resident_bytes();
    result.sfu_drops = sfu_drops(worker->render_metrics());
  }

  // Teardown: everyone leaves, the SFU stops (its last messages still reach the client
  // threads' queues), then the client threads stop and the clients go.
  fleet.stop_clients();
  worker->stop();
  fleet.stop_threads();
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

double RunResult::client_kb_per_stream() const {
  if (streams == 0) return 0;
  return static_cast<double>(client_rss_growth_bytes) / 1024.0 / static_cast<double>(streams);
}

bool RunResult::delivered() const {
  return setup_ok && receivers > 0 && receivers_complete == receivers;
}

}  // namespace haven::loadgen
