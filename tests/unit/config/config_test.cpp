#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "../test_support.h"

namespace haven {
namespace {

std::string write(const testing::TempDir& dir, const std::string& text) {
  auto path = dir.file("haven.toml");
  std::ofstream(path) << text;
  return path;
}

TEST(Config, DefaultsAreValid) {
  Config cfg;
  EXPECT_FALSE(load_config(cfg, "", {}));
  EXPECT_EQ(cfg.listen, "127.0.0.1:8443");
  EXPECT_EQ(cfg.effective_public_url(), "https://localhost:8443");
  EXPECT_EQ(cfg.public_origin(), "https://localhost:8443");
  EXPECT_FALSE(config_defaults().empty());
}

TEST(Config, FileThenOverrides) {
  testing::TempDir dir;
  auto file = write(
      dir,
      "[server]\nlisten = \"0.0.0.0:9443\"\nthreads = 4\n[storage]\ndata_dir = \"/srv/haven\"\n");
  Config cfg;
  EXPECT_FALSE(load_config(cfg, file, {{"server.listen", "127.0.0.1:7443"}}));
  EXPECT_EQ(cfg.listen, "127.0.0.1:7443");  // flag wins over file
  EXPECT_EQ(cfg.threads, 4);
  EXPECT_EQ(cfg.data_dir, "/srv/haven");
}

TEST(Config, UnknownKeyIsNamed) {
  testing::TempDir dir;
  Config cfg;
  auto err = load_config(cfg, write(dir, "[server]\nlisen = \"x\"\n"), {});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "server.lisen");
}

TEST(Config, WrongTypeAndRangeAreNamed) {
  testing::TempDir dir;
  Config cfg;
  auto err = load_config(cfg, write(dir, "[server]\nthreads = \"many\"\n"), {});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "server.threads");
  err = load_config(cfg, "", {{"server.threads", "0"}});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "server.threads");
  err = load_config(cfg, "", {{"log.level", "loud"}});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "log.level");
}

TEST(Config, BadTomlIsReported) {
  testing::TempDir dir;
  Config cfg;
  auto err = load_config(cfg, write(dir, "[server\nlisten=\n"), {});
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("TOML"), std::string::npos);
}

TEST(Config, AuditRetentionMustOutliveClinicalRetention) {
  Config cfg;
  auto err = load_config(
      cfg, "", {{"retention.clinical_record_years", "7"}, {"audit.retention_years", "6"}});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "audit.retention_years");
  EXPECT_NE(err->message.find("at least retention.clinical_record_years (7)"), std::string::npos);

  Config keep_all;
  EXPECT_FALSE(load_config(keep_all, "", {{"audit.retention_years", "0"}}));
  Config longer;
  EXPECT_FALSE(load_config(longer, "", {{"audit.retention_years", "10"}}));
  EXPECT_EQ(longer.audit_retention_years, 10);
}

TEST(Config, BackupScheduleDefaultsAndOverrides) {
  Config cfg;
  ASSERT_FALSE(load_config(cfg, "", {{"storage.data_dir", "/srv/haven"}}));
  EXPECT_EQ(cfg.effective_backup_directory(), "/srv/haven/backups");
  EXPECT_EQ(cfg.backup_interval_seconds(), 24 * 3600);
  ASSERT_FALSE(load_config(cfg, "", {{"backup.every_seconds", "5"}, {"backup.directory", "/b"}}));
  EXPECT_EQ(cfg.backup_interval_seconds(), 5);
  EXPECT_EQ(cfg.effective_backup_directory(), "/b");
  Config off;
  ASSERT_FALSE(load_config(off, "", {{"backup.every_hours", "0"}}));
  EXPECT_EQ(off.backup_interval_seconds(), 0);
}

TEST(Config, EnvironmentOverridesFile) {
  testing::TempDir dir;
  auto file = write(dir, "[log]\nlevel = \"warn\"\n");
  ::setenv("HAVEN_LOG_LEVEL", "debug", 1);
  Config cfg;
  auto err = load_config(cfg, file, {});
  ::unsetenv("HAVEN_LOG_LEVEL");
  EXPECT_FALSE(err);
  EXPECT_EQ(cfg.log_level, "debug");
}

TEST(Config, UnknownEnvironmentVariableIsRefused) {
  ::setenv("HAVEN_SERVER_LISTN", "x", 1);
  Config cfg;
  auto err = load_config(cfg, "", {});
  ::unsetenv("HAVEN_SERVER_LISTN");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "HAVEN_SERVER_LISTN");
}

TEST(Config, VariablesOutsideOurSectionsAreIgnored) {
  ::setenv("HAVEN_SOMETOOL_FLAG", "x", 1);
  Config cfg;
  auto err = load_config(cfg, "", {});
  ::unsetenv("HAVEN_SOMETOOL_FLAG");
  EXPECT_FALSE(err);
}

TEST(Config, HostPortParsing) {
  EXPECT_TRUE(parse_host_port("127.0.0.1:8443"));
  EXPECT_TRUE(parse_host_port("localhost:1"));
  auto v6 = parse_host_port("[::1]:8443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
  for (auto bad : {"", "8443", "host:", ":80", "h:0", "h:65536", "h:80x", "a b:80", "::1:80"}) {
    EXPECT_FALSE(parse_host_port(bad)) << bad;
  }
}

TEST(Config, AuditCheckpointSettings) {
  Config cfg;
  EXPECT_FALSE(load_config(cfg, "", {}));
  EXPECT_EQ(cfg.audit_checkpoint_every_entries, 100);
  EXPECT_EQ(cfg.audit_checkpoint_every_minutes, 10);
  testing::TempDir dir;
  auto file = write(dir, "[audit]\ncheckpoint_every_entries = 5\ncheckpoint_every_minutes = 1\n");
  EXPECT_FALSE(load_config(cfg, file, {}));
  EXPECT_EQ(cfg.audit_checkpoint_every_entries, 5);
  EXPECT_EQ(cfg.audit_checkpoint_every_minutes, 1);
  auto err = load_config(cfg, "", {{"audit.checkpoint_every_entries", "0"}});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "audit.checkpoint_every_entries");
}

TEST(Config, ExampleFileDocumentsEveryKey) {
  std::ifstream in(HAVEN_SOURCE_DIR "/haven.example.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string section;
  std::set<std::string> documented;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("[", 0) == 0) section = line.substr(1, line.find(']') - 1);
    auto eq = line.find(" = ");
    if (eq != std::string::npos && line[0] != '#')
      documented.insert(section + "." + line.substr(0, eq));
  }
  for (auto& [key, value] : config_defaults()) EXPECT_TRUE(documented.count(key)) << key;
}

TEST(Config, ExampleFileLoads) {
  // The documented example must stay in step with the settings table.
  Config cfg;
  auto err = load_config(cfg, HAVEN_SOURCE_DIR "/haven.example.toml", {});
  EXPECT_FALSE(err) << (err ? err->to_string() : "");
}

}  // namespace
}  // namespace haven
