#pragma once

#include <optional>
#include <string>
#include <vector>

#include "social/identity/accounts.h"
#include "social/photos/media.h"

namespace kindred::social {

inline constexpr size_t kMaxDisplayNameChars = 30;
inline constexpr size_t kMaxNoteChars = 500;
inline constexpr size_t kMaxProfileFields = 4;
inline constexpr size_t kMaxFieldChars = 255;

// What PATCH update_credentials may change; absent members stay as they are.
struct ProfileEdit {
  std::optional<std::string> display_name;
  std::optional<std::string> note;
  std::optional<bool> locked;
  std::optional<bool> bot;
  std::optional<bool> indexable;  // opts in to (true) or out of search-engine indexing
  std::optional<std::vector<ProfileField>> fields;  // replaces all fields; blank pairs dropped
  std::optional<std::string> avatar;  // an uploaded image file; "" removes the avatar
  std::optional<std::string> header;
};

// Profiles: display name, bio, fields, avatar and header. Everything is checked before
// anything is written, and a profile is written whole or not at all.
class ProfileService {
 public:
  ProfileService(AccountService& accounts, MediaService& media) : accounts_(accounts), media_(media) {}

  // Errors: InvalidArgument naming the first bad field (lengths, more than 4 fields, an image
  // that is not one); TooLarge for an image over the limit; NotFound for an unknown account.
  Result<Account> update(Id account_id, const ProfileEdit& edit);

 private:
  AccountService& accounts_;
  MediaService& media_;
};

}  // namespace kindred::social
