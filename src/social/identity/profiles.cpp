#include "social/identity/profiles.h"

#include "social/model/text.h"

namespace kindred::social {

namespace {

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// `verified`: whether the account carries Kindred's verified mark.
Status check(const ProfileEdit& e, bool verified) {
  // Names and fields count literally (a URL in a name is its length); a bio gives links the
  // status allowance, as Mastodon's NoteLengthValidator.
  if (e.display_name) {
    KINDRED_RETURN_IF_ERROR(check_length("Display name", *e.display_name, kMaxDisplayNameChars));
    // A name must show something: an invisible one makes a post seem to come from nobody.
    if (only_invisible(*e.display_name))
      return Status::invalid_argument(
          "Validation failed: Display name can't be only invisible characters");
    // A check mark beside a name reads as Kindred's verified mark: only verified accounts may
    // wear one, so nobody can pass as a verified public figure by name and mark.
    if (!verified && has_check_mark(*e.display_name))
      return Status::invalid_argument(
          "Validation failed: Display name can't contain a check mark (Kindred shows one beside "
          "verified accounts)");
  }
  if (e.note) KINDRED_RETURN_IF_ERROR(check_length("Note", *e.note, kMaxNoteChars, Counting::kLinksAs23));
  if (e.fields) {
    if (e.fields->size() > kMaxProfileFields)
      return Status::invalid_argument("Validation failed: Fields are too many (maximum is " +
                                      std::to_string(kMaxProfileFields) + ")");
    for (const auto& f : *e.fields) {
      KINDRED_RETURN_IF_ERROR(check_length("Field name", f.name, kMaxFieldChars));
      KINDRED_RETURN_IF_ERROR(check_length("Field value", f.value, kMaxFieldChars));
    }
  }
  return Status::ok();
}

}  // namespace

Result<Account> ProfileService::update(Id account_id, const ProfileEdit& edit) {
  KINDRED_ASSIGN_OR_RETURN(const Account before, accounts_.get(account_id));
  KINDRED_RETURN_IF_ERROR(check(edit, before.verified));
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
    // Names and fields are shown as plain text inside other text: direction controls left open
    // would turn what follows them (balance_bidi closes them).
    if (edit.display_name) a.display_name = balance_bidi(*edit.display_name);
    if (edit.note) a.note = *edit.note;
    if (edit.locked) a.locked = *edit.locked;
    if (edit.bot) a.bot = *edit.bot;
    if (edit.indexable) a.indexable = *edit.indexable;
    if (edit.fields) {
      a.fields.clear();
      for (const auto& f : *edit.fields)
        if (!blank(f.name) || !blank(f.value))
          a.fields.push_back({balance_bidi(f.name), balance_bidi(f.value)});
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
