// The simulated clients of one haven-loadgen run, whichever server they talk to: their
// threads, the plans that say who publishes and who receives what, waiting until every
// client receives, and the measurement window (load_run.cpp for Haven's SFU in this
// process, janus_run.cpp for a Janus server). Keeping this in one place is what makes the
// two servers' figures comparable: the same clients, the same window, the same counting.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "load_run.h"
#include "sim_client.h"

namespace haven::loadgen {

struct Fleet {
  std::vector<std::unique_ptr<ClientThread>> threads;
  std::vector<std::shared_ptr<SimClient>> clients;
  std::vector<std::vector<SimClient*>> by_thread;

  // Starts `count` client threads ("lg-clients-N") with the options' SRTP profiles.
  void start_threads(const LoadOptions& options);
  // Creates a client for every plan, round-robin over the threads (not started).
  void add_clients(std::vector<ClientPlan> plans, sfu::rooms::MediaWorker* worker);
  ClientThread& thread_of(std::size_t client) { return *threads[client % threads.size()]; }
  double client_cpu() const;
  // Every client leaves (legs closed) on its thread. Call before stopping the server.
  void stop_clients();
  // Stops the threads and drops the clients.
  void stop_threads();
};

// Who publishes and who receives what, room by room; fills result.clients/receivers/streams.
std::vector<ClientPlan> make_plans(const LoadOptions& options, RunResult& result);

// Runs `work` on the client thread and waits for it.
void run_on(ClientThread& thread, const std::function<void()>& work);

// Waits until every client is ready; false (with what is missing) on a failure or timeout.
bool wait_ready(Fleet& fleet, double timeout, std::string& error);

// The warm-up, then the measurement window: packets, loss, latency and the clients' CPU;
// server_cpu() (CPU seconds of the server, however the caller measures it) is read at
// both ends of the window, and `at_edge` (when set) is called at its start (false) and end
// (true). Fills the window figures of `result`.
void measure_window(Fleet& fleet, const LoadOptions& options,
                    const std::function<double()>& server_cpu, RunResult& result,
                    const std::function<void(bool end)>& at_edge = {});

// CPU seconds (user + system) of this whole process.
double process_cpu_seconds();

}  // namespace haven::loadgen
