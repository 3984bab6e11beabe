// Issue 4 figures (reported, never asserted): durable audit appends on SQLite WAL, one
// per transaction (the latency an API action pays) and batched, through the real store.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "crypto/key_files.h"
#include "crypto/keyring.h"
#include "store/sqlite_store.h"
#include "store/unit_of_work.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

struct TempStore {
  TempStore() {
    dir = std::filesystem::temp_directory_path() / ("haven-bench-" + random_id());
    std::filesystem::create_directories(dir);
    init_sodium();
    ensure_master_key((dir / "master.key").string());
    keyring = std::make_unique<Keyring>(dir.string());
    store = std::make_unique<SqliteStore>((dir / "bench.db").string(), 5000, *keyring);
  }
  ~TempStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  std::unique_ptr<Keyring> keyring;
  std::unique_ptr<SqliteStore> store;
};

AuditRecord sample(std::int64_t i) {
  return {1'700'000'000 + i,
          "0123456789abcdef0123456789abcdef",
          "patient.record_read",
          "patient",
          "fedcba9876543210fedcba9876543210",
          "success",
          "req-0123456789abcdef"};
}

// One append per unit of work, as a request makes it: reports p50/p99 latency too.
void BM_AuditAppendSingle(benchmark::State& state) {
  TempStore t;
  std::vector<double> micros;
  std::int64_t i = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    UnitOfWork unit(*t.store);
    t.store->append_audit(sample(i++));
    unit.commit();
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuditAppendSingle)->Iterations(5000);

// Appends batched N to a transaction (background writers, imports).
void BM_AuditAppendBatched(benchmark::State& state) {
  TempStore t;
  const auto batch = state.range(0);
  std::int64_t i = 0;
  for (auto _ : state) {
    UnitOfWork unit(*t.store);
    for (std::int64_t k = 0; k < batch; ++k) t.store->append_audit(sample(i++));
    unit.commit();
  }
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_AuditAppendBatched)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace haven

BENCHMARK_MAIN();
