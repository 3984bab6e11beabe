// Issue 4 figure (reported, never asserted): sealing throughput of PHI fields and blobs
// with XChaCha20-Poly1305 (goal: at least 500 MB/s per core for blobs).
#include <benchmark/benchmark.h>

#include <vector>

#include "crypto/field_cipher.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

void BM_FieldSeal(benchmark::State& state) {
  init_sodium();
  FieldCipher cipher(std::vector<std::uint8_t>(32, 7), "bench");
  std::vector<std::uint8_t> plain(static_cast<std::size_t>(state.range(0)), 0x42);
  for (auto _ : state) benchmark::DoNotOptimize(cipher.seal(plain, "row-0123456789abcdef"));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FieldSeal)->Arg(64)->Arg(4096)->Arg(1 << 20);

void BM_FieldOpen(benchmark::State& state) {
  init_sodium();
  FieldCipher cipher(std::vector<std::uint8_t>(32, 7), "bench");
  std::vector<std::uint8_t> plain(static_cast<std::size_t>(state.range(0)), 0x42);
  auto sealed = cipher.seal(plain, "row-0123456789abcdef");
  for (auto _ : state) benchmark::DoNotOptimize(cipher.open(sealed, "row-0123456789abcdef"));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FieldOpen)->Arg(64)->Arg(4096)->Arg(1 << 20);

}  // namespace
}  // namespace haven

BENCHMARK_MAIN();
