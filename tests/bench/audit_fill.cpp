// Fills a data folder's audit log with N entries through the store (seq, authentication
// code) and signs checkpoints as the server would, for timing `haven audit verify`
// (scripts/bench-audit-verify.sh). Prints the append rate. Not a test: no assertions.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "audit/audit_log.h"
#include "store/sqlite_audit.h"
#include "store/sqlite_store.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATA_DIR ENTRIES\n", argv[0]);
    return 2;
  }
  using namespace haven;
  const std::string dir = argv[1], db = dir + "/haven.db";
  const long n = std::atol(argv[2]);
  auto key = std::make_shared<const audit::AuditKey>(
      audit::AuditKey::load(dir + "/" + audit::kAuditKeyFile, false));
  SqliteStore store(db, 5000);
  store.set_audit_key(key);
  SqliteAuditLedger ledger(db, 5000, sql::OpenMode::read_write);
  audit::AuditLog log(ledger, *key, {"localhost:8443", 100, 600}, 0);
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    store.append_audit({1700000000 + i, "a1b2c3d4e5f60718293a4b5c6d7e8f90", "patient.record_read",
                        "user", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "success",
                        "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "therapist", "192.0.2.10"});
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  log.tick(1);  // checkpoints at every 100, as the server's ticker would sign them
  log.checkpoint_now(2);
  std::printf("appended %ld entries in %.2f s (%.0f single appends/s), %llu in the tree\n", n,
              took.count(), static_cast<double>(n) / took.count(),
              static_cast<unsigned long long>(log.size()));
  return 0;
}
