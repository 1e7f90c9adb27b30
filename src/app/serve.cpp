#include "app/serve.h"

#include <sys/resource.h>

#include <iostream>

#include "api/mastodon/api.h"
#include "app/instance.h"

namespace kindred::app {

size_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? size_t{1} << 20 : static_cast<size_t>(limit.rlim_cur);
}

int serve(const ServeConfig& config) {
  // Every connection holds a descriptor: take all the system allows (the usual soft limit is
  // 1,024), and cap connections below it (Instance::start).
  raise_open_file_limit();
  Instance instance(config);
  Status s = instance.start(&std::cout);
  if (!s.is_ok()) {
    std::cerr << "kindred: " << s.to_string() << '\n';
    return 1;
  }
  std::cout << "Kindred " << api::kKindredVersion << " listening on " << instance.url() << std::endl;
  instance.wait_for_signal();
  std::cerr << "kindred: shutting down" << std::endl;
  instance.stop();
  return 0;
}

}  // namespace kindred::app
