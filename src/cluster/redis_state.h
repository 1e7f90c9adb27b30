#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/shared_state.h"

namespace kindred::cluster {

struct RedisOptions {
  // redis://[:PASSWORD@]HOST[:PORT][/DB] (port 6379 by default) or unix:///PATH/TO/SOCKET.
  std::string url;
  // Connecting and each command give up after these (then the call answers Unavailable).
  std::chrono::milliseconds connect_timeout{100};
  std::chrono::milliseconds command_timeout{100};
  // While Redis is unreachable, a background thread tries to reconnect this often; calls made
  // meanwhile answer Unavailable at once.
  std::chrono::milliseconds retry_interval{250};
  // Command connections (calls from several threads run on different ones); subscriptions have
  // one more of their own.
  size_t connections = 4;
};

// SharedState over Redis (hiredis, blocking connections with short timeouts). Counters are one
// Lua script (INCR and PEXPIRE together), locks SET NX PX with a random token and a
// compare-and-delete script, publish PUBLISH; subscriptions run on a thread of their own.
// Redis down: every call answers Unavailable without waiting (after the one that found it gone,
// which waited at most command_timeout), and connections are remade in the background.
// Errors: InvalidArgument for a malformed URL. Redis need not be up at start: the state starts
// unavailable and connects when it can.
Result<std::unique_ptr<SharedState>> open_redis_state(const RedisOptions& options);

// Whether `state` (from open_redis_state) has its command connections up now (tests, logs).
bool redis_state_connected(const SharedState& state);

}  // namespace kindred::cluster
