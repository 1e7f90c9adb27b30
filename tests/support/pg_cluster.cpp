#include "support/pg_cluster.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <system_error>

extern char** environ;

namespace kindred::testing {
namespace {

const std::string kBin = "/usr/lib/postgresql/15/bin/";
constexpr const char* kServerUser = "postgres";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The shared cluster and what starting it said. Test-only process state, behind its mutex.
std::mutex g_mutex;
std::unique_ptr<PgCluster> g_cluster;
std::optional<Status> g_start_failure;
std::atomic<int> g_next_database{1};

}  // namespace

Result<PgCluster*> PgCluster::shared() {
  std::scoped_lock lock(g_mutex);
  if (g_start_failure) return *g_start_failure;
  if (!g_cluster) {
    std::unique_ptr<PgCluster> cluster(new PgCluster());
    Status s = cluster->start();
    if (!s.is_ok()) {
      g_start_failure = s;
      return s;
    }
    g_cluster = std::move(cluster);
  }
  return g_cluster.get();
}

void PgCluster::stop_shared() {
  std::scoped_lock lock(g_mutex);
  g_cluster.reset();
}

PgCluster::~PgCluster() { stop(); }

Status PgCluster::run(const std::vector<std::string>& args, bool as_server_user,
                      const std::string& log) {
  std::vector<std::string> full;
  if (as_server_user && ::geteuid() == 0) full = {"runuser", "-u", kServerUser, "--"};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Status::internal("cannot run " + full[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::internal("waitpid failed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::internal(args[0] + " failed:\n" + read_file(log));
  }
  return Status::ok();
}

Status PgCluster::start() {
  std::string pattern = (std::filesystem::temp_directory_path() / "kindred-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return Status::internal("mkdtemp failed");
  dir_ = pattern;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam(kServerUser);
    if (pw == nullptr) {
      return Status::internal("no `postgres` user: install postgresql-15 (scripts/setup.sh)");
    }
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Status::internal("cannot hand " + dir_.string() + " to postgres");
    }
  }
  const std::string data = (dir_ / "data").string();
  const std::string log = (dir_ / "setup.log").string();
  KINDRED_RETURN_IF_ERROR(run({kBin + "initdb", "-D", data, "-A", "trust", "-U", "postgres",
                               "--no-sync", "-E", "UTF8", "--locale=C"},
                              true, log));
  {
    std::ofstream conf(dir_ / "data" / "postgresql.conf", std::ios::app);
    conf << "\n# kindred test cluster\n"
         << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << dir_.string() << "'\n"
         << "fsync = off\nfull_page_writes = off\nsynchronous_commit = on\n"
         << "max_connections = 200\n";
    if (!conf) return Status::internal("cannot write postgresql.conf");
  }
  KINDRED_RETURN_IF_ERROR(run({kBin + "pg_ctl", "-D", data, "-l", (dir_ / "server.log").string(),
                               "-w", "-t", "60", "start"},
                              true, log));
  running_ = true;
  return Status::ok();
}

void PgCluster::stop() {
  if (dir_.empty()) return;
  if (running_) {
    Status s =
        run({kBin + "pg_ctl", "-D", (dir_ / "data").string(), "-m", "immediate", "-w", "stop"},
            true, (dir_ / "setup.log").string());
    if (!s.is_ok()) ADD_FAILURE() << s.to_string();
    running_ = false;
  }
  std::error_code ec;  // best effort: a leftover temp dir must not fail a test
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
}

Result<std::string> PgCluster::create_database() {
  const std::string name = "t" + std::to_string(g_next_database++);
  KINDRED_RETURN_IF_ERROR(run({kBin + "createdb", "-h", dir_.string(), "-U", "postgres", name},
                              false, (dir_ / "setup.log").string()));
  return "host=" + dir_.string() + " user=postgres dbname=" + name;
}

Status PgCluster::psql(const std::string& conninfo, const std::string& sql) {
  return run({kBin + "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql}, false,
             (dir_ / "setup.log").string());
}

std::string fresh_database_url() {
  auto cluster = PgCluster::shared();
  if (!cluster.has_value()) {
    ADD_FAILURE() << cluster.error().to_string();
    return "host=/nonexistent-kindred-cluster dbname=none";
  }
  auto url = (*cluster)->create_database();
  if (!url.has_value()) {
    ADD_FAILURE() << url.error().to_string();
    return "host=/nonexistent-kindred-cluster dbname=none";
  }
  return *url;
}

}  // namespace kindred::testing
