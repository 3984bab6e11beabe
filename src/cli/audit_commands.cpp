// `haven audit ...`: check and export the tamper-evident audit log. Every subcommand opens
// the database read-only, so it can run beside a live server (WAL readers do not block).
//   verify       recompute every leaf, the tree and every checkpoint (audit/verifier.h)
//   checkpoint   print the newest signed checkpoint, for storage off the host
//   prove        an inclusion proof (RFC 9162 §2.1.3) as JSON
//   consistency  a consistency proof (RFC 9162 §2.1.4) as JSON
//   public-key   the signed-note verifier key of the log
#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "audit/proof_json.h"
#include "audit/verifier.h"
#include "cli/commands.h"
#include "cli/runtime.h"
#include "store/sqlite_audit.h"

namespace haven::cli {
namespace {

const std::vector<FlagSpec> kAuditFlags = {{"--config", nullptr}, {"--data", "storage.data_dir"}};

struct AuditArgs {
  std::optional<std::int64_t> seq, size, from, to;
  std::string checkpoint_file;
};

struct Failure {
  std::string message;
};

std::int64_t positive(const std::string& flag, const std::string& text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 1) {
    throw Failure{"flag " + flag + " expects a positive integer"};
  }
  return v;
}

// Splits our own flags off; the rest (--config, --data) go to the config loader.
std::vector<std::string> take_audit_flags(const std::vector<std::string>& args, AuditArgs& out) {
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    static const std::vector<std::string> ours = {"--seq", "--size", "--from", "--to",
                                                  "--checkpoint"};
    if (std::find(ours.begin(), ours.end(), name) == ours.end()) {
      rest.push_back(args[i]);
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) throw Failure{"flag " + name + " needs a value"};
      value = args[++i];
    }
    if (name == "--checkpoint") out.checkpoint_file = value;
    if (name == "--seq") out.seq = positive(name, value);
    if (name == "--size") out.size = positive(name, value);
    if (name == "--from") out.from = positive(name, value);
    if (name == "--to") out.to = positive(name, value);
  }
  return rest;
}

struct OpenLog {
  std::string db;
  audit::AuditKey key;
  std::unique_ptr<SqliteAuditLedger> ledger;
};

OpenLog open_log(const Config& cfg) {
  const std::string db = cfg.data_dir + "/haven.db";
  if (!std::filesystem::exists(db)) throw Failure{"no database at " + db};
  auto key = audit::AuditKey::load(cfg.data_dir + "/" + audit::kAuditKeyFile, /*create=*/false);
  auto ledger = std::make_unique<SqliteAuditLedger>(db, static_cast<int>(cfg.busy_timeout_ms),
                                                    sql::OpenMode::read_only);
  return {db, std::move(key), std::move(ledger)};
}

std::string read_note_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure{"cannot read " + path};
  std::string text(audit::kMaxNoteBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// An off-host checkpoint (--checkpoint FILE) must verify and match the recomputed tree.
std::optional<std::string> check_external(const std::string& path, const audit::LogVerifier& v,
                                          const audit::AuditKey& key) {
  auto opened = audit::open_checkpoint(read_note_file(path), key.public_key());
  if (!opened.checkpoint) return "the checkpoint in " + path + ": " + opened.error;
  const auto& cp = *opened.checkpoint;
  const auto n = v.tree().size();
  if (cp.size > n) {
    return "entry seq " + std::to_string(n + 1) + " is missing: the checkpoint in " + path +
           " covers " + std::to_string(cp.size) + " entries but only " + std::to_string(n) +
           " exist";
  }
  if (!audit::hash_equal(v.tree().root(cp.size), cp.root)) {
    return "the checkpoint in " + path + " does not match the entries: one of seq 1.." +
           std::to_string(cp.size) + " was changed";
  }
  return std::nullopt;
}

int verify(const Config& cfg, const AuditArgs& a) {
  const auto started = std::chrono::steady_clock::now();
  auto log = open_log(cfg);
  audit::LogVerifier verifier(log.key);
  std::vector<audit::StoredCheckpoint> checkpoints;
  log.ledger->scan([&](auto cps) { checkpoints = std::move(cps); },
                   [&](const audit::StoredEntry& e) { return verifier.add_entry(e); });
  verifier.check_checkpoints(checkpoints);
  std::optional<std::string> external;
  if (verifier.result().ok && !a.checkpoint_file.empty()) {
    external = check_external(a.checkpoint_file, verifier, log.key);
  }
  if (!verifier.result().ok || external) {
    std::cerr << "haven audit verify: " << (external ? "FAILED: " + *external : verifier.summary())
              << "\n";
    return 1;
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::ostringstream secs;
  secs.precision(2);
  secs << std::fixed << took.count();
  std::cout << "haven audit verify: " << verifier.summary()
            << (a.checkpoint_file.empty() ? "" : "; matches the given checkpoint") << " ("
            << secs.str() << " s)\n";
  return 0;
}

int print_checkpoint(const Config& cfg) {
  auto log = open_log(cfg);
  auto latest = log.ledger->latest_checkpoint();
  if (!latest) throw Failure{"the audit log has no checkpoint yet"};
  auto opened = audit::open_checkpoint(latest->note, log.key.public_key());
  if (!opened.checkpoint) {
    throw Failure{"the newest checkpoint does not verify (" + opened.error +
                  "); run haven audit verify"};
  }
  std::cout << latest->note;
  return 0;
}

int print_public_key(const Config& cfg) {
  auto log = open_log(cfg);
  auto latest = log.ledger->latest_checkpoint();
  auto body =
      latest ? audit::parse_checkpoint_body(latest->note.substr(0, latest->note.find("\n\n") + 1))
             : std::nullopt;
  std::cout << audit::verifier_key(body ? body->origin : audit_origin(cfg), log.key.public_key())
            << "\n";
  return 0;
}

// The tree of the whole log, checked as the server checks it before it signs.
std::unique_ptr<audit::AuditLog> load_tree(OpenLog& log) {
  auto tree = std::make_unique<audit::AuditLog>(*log.ledger, log.key, audit::AuditLogOptions{},
                                                static_cast<std::int64_t>(std::time(nullptr)));
  if (!tree->healthy()) throw Failure{"the audit log does not verify; run haven audit verify"};
  return tree;
}

std::optional<nlohmann::json> checkpoint_json_of(SqliteAuditLedger& ledger, std::int64_t size) {
  auto found = ledger.checkpoint_of_size(size);
  if (!found) return std::nullopt;
  return audit::checkpoint_json(*found);
}

int prove(const Config& cfg, const AuditArgs& a) {
  if (!a.seq) throw Failure{"flag --seq is required"};
  auto log = open_log(cfg);
  auto tree = load_tree(log);
  std::int64_t size = 0;
  if (a.size) {
    size = *a.size;
  } else {
    auto latest = log.ledger->latest_checkpoint();
    size = latest ? latest->tree_size : 0;
    if (*a.seq > size) {
      throw Failure{"entry " + std::to_string(*a.seq) +
                    " is newer than the newest checkpoint (size " + std::to_string(size) +
                    "); pass --size"};
    }
  }
  auto proof = tree->prove_inclusion(*a.seq, static_cast<std::uint64_t>(size));
  if (!proof) {
    throw Failure{"no entry " + std::to_string(*a.seq) + " in a log of size " +
                  std::to_string(size) + " (the log has " + std::to_string(tree->size()) + ")"};
  }
  std::cout << audit::inclusion_json(*proof, checkpoint_json_of(*log.ledger, size)).dump(2) << "\n";
  return 0;
}

int consistency(const Config& cfg, const AuditArgs& a) {
  if (!a.from || !a.to) throw Failure{"flags --from and --to are required"};
  auto log = open_log(cfg);
  auto tree = load_tree(log);
  auto proof = tree->prove_consistency(static_cast<std::uint64_t>(*a.from),
                                       static_cast<std::uint64_t>(*a.to));
  if (!proof) {
    throw Failure{"need 1 <= --from <= --to <= " + std::to_string(tree->size())};
  }
  std::cout << audit::consistency_json(*proof, checkpoint_json_of(*log.ledger, *a.from),
                                       checkpoint_json_of(*log.ledger, *a.to))
                   .dump(2)
            << "\n";
  return 0;
}

}  // namespace

int run_audit(const std::vector<std::string>& args) {
  static const std::vector<std::string> subcommands = {"verify", "checkpoint", "prove",
                                                       "consistency", "public-key"};
  if (args.empty() ||
      std::find(subcommands.begin(), subcommands.end(), args[0]) == subcommands.end()) {
    std::cerr << "haven audit: expects verify, checkpoint, prove, consistency or public-key\n";
    return 2;
  }
  const std::string command = "audit " + args[0];
  AuditArgs audit_args;
  std::vector<std::string> rest;
  try {
    rest = take_audit_flags({args.begin() + 1, args.end()}, audit_args);
  } catch (const Failure& f) {
    std::cerr << "haven " << command << ": " << f.message << "\n";
    return 2;
  }
  auto cfg = load_for_command(command.c_str(), rest, kAuditFlags);
  if (!cfg) return 2;
  try {
    if (args[0] == "verify") return verify(*cfg, audit_args);
    if (args[0] == "checkpoint") return print_checkpoint(*cfg);
    if (args[0] == "prove") return prove(*cfg, audit_args);
    if (args[0] == "consistency") return consistency(*cfg, audit_args);
    return print_public_key(*cfg);
  } catch (const Failure& f) {
    std::cerr << "haven " << command << ": " << f.message << "\n";
  } catch (const std::exception& e) {
    std::cerr << "haven " << command << ": " << e.what() << "\n";
  }
  return 1;
}

}  // namespace haven::cli
