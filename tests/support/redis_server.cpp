#include "support/redis_server.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "cluster/redis_state.h"

extern char** environ;

namespace kindred::testing {
namespace {

// A loopback port nobody listens on now (the kernel's pick for port 0).
uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

// Whether the server answers PING on its socket.
bool answers(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const char ping[] = "PING\r\n";
    char buf[16] = {};
    ok = ::write(fd, ping, sizeof ping - 1) == static_cast<ssize_t>(sizeof ping - 1) &&
         ::read(fd, buf, sizeof buf) > 0 && std::string_view(buf).starts_with("+PONG");
  }
  ::close(fd);
  return ok;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

RedisServer::RedisServer(bool tcp) : tcp_(tcp) {
  if (tcp_) port_ = free_port();
}

RedisServer::~RedisServer() { kill(); }

Status RedisServer::start() {
  if (pid_ > 0) return Status::ok();
  std::vector<std::string> args = {"redis-server", "--port", std::to_string(tcp_ ? port_ : 0),
                                   "--bind", "127.0.0.1", "--unixsocket", socket_path(),
                                   "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
                                   "--dir", dir_.path().string(), "--daemonize", "no"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = dir_.sub("redis.log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    return Status::internal(std::string("cannot run redis-server (scripts/setup.sh installs it): ") +
                            std::strerror(rc));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!answers(socket_path())) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::internal("redis-server exited:\n" + read_file(log));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill();
      return Status::internal("redis-server did not answer within 5 s:\n" + read_file(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::ok();
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  std::error_code ec;
  std::filesystem::remove(socket_path(), ec);
}

std::unique_ptr<SharedState> RedisServer::open_state() const {
  cluster::RedisOptions o;
  o.url = url();
  auto opened = cluster::open_redis_state(o);
  if (!opened.has_value()) {
    ADD_FAILURE() << opened.status().to_string();
    return nullptr;
  }
  return std::move(*opened);
}

void TwoSharedStates::SetUp() {
  ASSERT_TRUE(server.start().is_ok());
  a = server.open_state();
  b = server.open_state();
  ASSERT_TRUE(a && b);
}

std::string RedisServer::url() const {
  return tcp_ ? "redis://127.0.0.1:" + std::to_string(port_) : "unix://" + socket_path();
}

}  // namespace kindred::testing
