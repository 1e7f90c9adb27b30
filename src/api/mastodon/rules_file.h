#pragma once

#include <sys/types.h>

#include <ctime>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "social/safety/rules.h"

// The server's rules as the file rules.json in the data directory, which `kindred admin rules`
// writes and an admin may edit by hand:
//   [{"id": "1", "text": "Be kind", "hint": "No insults, no harassment"},
//    {"id": "2", "text": "...", "hint": "", "removed": true}]
// "id" is a decimal string (or number) of at least 1; "hint" and "removed" may be left out.
// No file: no rules (Kindred ships none).
namespace kindred::api {

// Errors: InvalidArgument naming what is wrong (bad JSON, a bad field, or validate_rules's).
Result<std::vector<social::InstanceRule>> rules_from_json(std::string_view text);
// One rule a line, in the form rules_from_json reads.
std::string rules_to_json(const std::vector<social::InstanceRule>& all);

class RulesFile final : public social::RuleSource {
 public:
  explicit RulesFile(std::string path) : path_(std::move(path)) {}

  // The rules as the file is now, read again whenever it changed (an admin's edit shows at
  // once, no restart): none when there is no file; none when it cannot be read or parsed, with
  // one line on stderr for each such version of the file. Thread-safe.
  std::vector<social::InstanceRule> rules() const override;
  // For the admin command: no file is no rules; a file that cannot be read or parsed is an
  // error (InvalidArgument or Unavailable, naming the file), so it is never overwritten blindly.
  Result<std::vector<social::InstanceRule>> load() const;
  // Replaces the file atomically (write_text_file). Errors: Unavailable.
  Status save(const std::vector<social::InstanceRule>& all) const;

 private:
  struct Version {
    bool present = false;
    ino_t inode = 0;
    off_t size = 0;
    timespec mtime{};
    bool operator==(const Version& o) const {
      return present == o.present && inode == o.inode && size == o.size &&
             mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
    }
  };
  Version version_now() const;

  std::string path_;
  mutable std::mutex mu_;
  mutable bool read_once_ = false;
  mutable Version seen_;                            // guarded by mu_
  mutable std::vector<social::InstanceRule> rules_;  // guarded by mu_: as of seen_
};

}  // namespace kindred::api
