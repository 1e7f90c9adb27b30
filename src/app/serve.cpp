#include "app/serve.h"

#include <iostream>

#include "api/mastodon/api.h"
#include "app/instance.h"

namespace kindred::app {

int serve(const ServeConfig& config) {
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
