#include "social/identity/profiles.h"

#include "social/model/text.h"

namespace kindred::social {

namespace {

Status too_long(std::string_view what, size_t max) {
  return Status::invalid_argument("Validation failed: " + std::string(what) +
                                  " is too long (maximum is " + std::to_string(max) +
                                  " characters)");
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Status check(const ProfileEdit& e) {
  if (e.display_name && count_status_chars(*e.display_name) > kMaxDisplayNameChars)
    return too_long("Display name", kMaxDisplayNameChars);
  if (e.note && count_status_chars(*e.note) > kMaxNoteChars) return too_long("Note", kMaxNoteChars);
  if (e.fields) {
    if (e.fields->size() > kMaxProfileFields)
      return Status::invalid_argument("Validation failed: Fields are too many (maximum is " +
                                      std::to_string(kMaxProfileFields) + ")");
    for (const auto& f : *e.fields) {
      if (count_status_chars(f.name) > kMaxFieldChars) return too_long("Field name", kMaxFieldChars);
      if (count_status_chars(f.value) > kMaxFieldChars)
        return too_long("Field value", kMaxFieldChars);
    }
  }
  return Status::ok();
}

}  // namespace

Result<Account> ProfileService::update(Id account_id, const ProfileEdit& edit) {
  KINDRED_RETURN_IF_ERROR(check(edit));
  KINDRED_ASSIGN_OR_RETURN(const Account before, accounts_.get(account_id));
  // On failure, drop a new reference, but not one the profile already had (the same file again).
  auto undo = [&](const std::string& blob) {
    if (blob.empty() || blob == before.avatar || blob == before.header) return;
    Status ignored = media_.drop_reference(account_id, blob);
    (void)ignored;
  };
  // Images first (the slow part, on the processing threads); each comes back already counted as
  // used by the account, so a failure below must drop that reference again.
  std::string avatar, header;
  if (edit.avatar && !edit.avatar->empty()) {
    KINDRED_ASSIGN_OR_RETURN(avatar, media_.store_avatar(account_id, *edit.avatar));
  }
  if (edit.header && !edit.header->empty()) {
    auto stored = media_.store_header(account_id, *edit.header);
    if (!stored.has_value()) {
      undo(avatar);
      return stored.error();
    }
    header = std::move(*stored);
  }

  std::vector<std::string> replaced;
  auto updated = accounts_.update(account_id, [&](Account& a, store::Batch& b) -> Status {
    if (edit.display_name) a.display_name = *edit.display_name;
    if (edit.note) a.note = *edit.note;
    if (edit.locked) a.locked = *edit.locked;
    if (edit.bot) a.bot = *edit.bot;
    if (edit.fields) {
      a.fields.clear();
      for (const auto& f : *edit.fields)
        if (!blank(f.name) || !blank(f.value)) a.fields.push_back(f);
    }
    // A picture replaced by the very same file keeps its one reference.
    auto swap_image = [&](const std::optional<std::string>& requested, const std::string& stored,
                          std::string& current) {
      if (!requested || stored == current) return;
      if (!current.empty()) {
        media_.add_reference_removal(b, a.id, current);
        replaced.push_back(current);
      }
      current = stored;
    };
    swap_image(edit.avatar, avatar, a.avatar);
    swap_image(edit.header, header, a.header);
    return Status::ok();
  });
  if (!updated.has_value()) {
    undo(avatar);
    undo(header);
    return updated.error();
  }
  KINDRED_RETURN_IF_ERROR(media_.collect_files(replaced));
  return updated;
}

}  // namespace kindred::social
