#include "social/model/models.h"

namespace kindred::social {

// Each record's bytes come from its field_list() (models.h); the names below are its value in
// errors ("stored <name> does not decode").
std::string Account::encode() const { return record::encode(*this); }
Result<Account> Account::decode(std::string_view b) {
  return record::decode<Account>(b, "account");
}
std::string_view role_name(Role r) {
  switch (r) {
    case Role::kModerator: return "moderator";
    case Role::kAdmin: return "admin";
    case Role::kUser: break;
  }
  return "user";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "user") return Role::kUser;
  if (name == "moderator") return Role::kModerator;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string Post::encode() const { return record::encode(*this); }
Result<Post> Post::decode(std::string_view b) { return record::decode<Post>(b, "status"); }
std::string PostVersion::encode() const { return record::encode(*this); }
Result<PostVersion> PostVersion::decode(std::string_view b) {
  return record::decode<PostVersion>(b, "status edit");
}
std::string Media::encode() const { return record::encode(*this); }
Result<Media> Media::decode(std::string_view b) { return record::decode<Media>(b, "media"); }
std::string App::encode() const { return record::encode(*this); }
Result<App> App::decode(std::string_view b) { return record::decode<App>(b, "app"); }
std::string Token::encode() const { return record::encode(*this); }
Result<Token> Token::decode(std::string_view b) { return record::decode<Token>(b, "token"); }
std::string WebSession::encode() const { return record::encode(*this); }
Result<WebSession> WebSession::decode(std::string_view b) {
  return record::decode<WebSession>(b, "web session");
}
std::string AuthCode::encode() const { return record::encode(*this); }
Result<AuthCode> AuthCode::decode(std::string_view b) {
  return record::decode<AuthCode>(b, "auth code");
}
std::string Preferences::encode() const { return record::encode(*this); }
Result<Preferences> Preferences::decode(std::string_view b) {
  return record::decode<Preferences>(b, "preferences");
}
std::string HiddenWords::encode() const { return record::encode(*this); }
Result<HiddenWords> HiddenWords::decode(std::string_view b) {
  return record::decode<HiddenWords>(b, "hidden words");
}
std::string HiddenRange::encode() const { return record::encode(*this); }
Result<HiddenRange> HiddenRange::decode(std::string_view b) {
  return record::decode<HiddenRange>(b, "hidden range");
}

std::string_view visibility_name(Visibility v) {
  switch (v) {
    case Visibility::kPublic: return "public";
    case Visibility::kUnlisted: return "unlisted";
    case Visibility::kPrivate: return "private";
    case Visibility::kDirect: return "direct";
  }
  return "public";
}

Result<Visibility> parse_visibility(std::string_view name) {
  if (name == "public") return Visibility::kPublic;
  if (name == "unlisted") return Visibility::kUnlisted;
  if (name == "private") return Visibility::kPrivate;
  if (name == "direct") return Visibility::kDirect;
  return Status::invalid_argument("Validation failed: Visibility is not included in the list");
}

std::string_view reply_policy_name(ReplyPolicy p) {
  switch (p) {
    case ReplyPolicy::kEveryone: return "everyone";
    case ReplyPolicy::kFollowing: return "following";
    case ReplyPolicy::kFollowers: return "followers";
    case ReplyPolicy::kMentioned: return "mentioned";
    case ReplyPolicy::kNobody: return "nobody";
  }
  return "everyone";
}

Result<ReplyPolicy> parse_reply_policy(std::string_view name) {
  for (auto p : {ReplyPolicy::kEveryone, ReplyPolicy::kFollowing, ReplyPolicy::kFollowers,
                 ReplyPolicy::kMentioned, ReplyPolicy::kNobody})
    if (reply_policy_name(p) == name) return p;
  return Status::invalid_argument(
      "Validation failed: Comment policy must be one of everyone, following, followers, mentioned, "
      "nobody");
}

std::string_view comment_hold_name(CommentHold h) {
  switch (h) {
    case CommentHold::kNone: return "none";
    case CommentHold::kHiddenWords: return "hidden_words";
    case CommentHold::kLimited: return "limits";
    case CommentHold::kRestricted: return "restricted";
    case CommentHold::kAuthorHidden: return "hidden_by_author";
  }
  return "none";
}

}  // namespace kindred::social
