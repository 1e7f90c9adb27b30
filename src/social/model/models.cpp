#include "social/model/models.h"

#include "core/codec.h"

namespace kindred::social {
namespace {

constexpr uint64_t kVersion = 1;

Status corrupt(std::string_view what) {
  return Status::corruption("stored " + std::string(what) + " does not decode");
}

void put_ids(RecordWriter& w, const std::vector<Id>& ids) {
  w.put_u64(ids.size());
  for (Id id : ids) w.put_u64(id.value);
}

bool get_ids(RecordReader& r, std::vector<Id>& ids) {
  uint64_t n = 0;
  if (!r.get_u64(n) || n > 10'000) return false;
  ids.resize(n);
  for (auto& id : ids)
    if (!r.get_u64(id.value)) return false;
  return true;
}

void put_strings(RecordWriter& w, const std::vector<std::string>& strings) {
  w.put_u64(strings.size());
  for (const auto& s : strings) w.put_str(s);
}

bool get_strings(RecordReader& r, std::vector<std::string>& strings) {
  uint64_t n = 0;
  if (!r.get_u64(n) || n > 10'000) return false;
  strings.resize(n);
  for (auto& s : strings)
    if (!r.get_str(s)) return false;
  return true;
}

bool get_version(RecordReader& r) {
  uint64_t v = 0;
  return r.get_u64(v) && v == kVersion;
}

}  // namespace

std::string Account::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  w.put_u64(id.value);
  w.put_str(username);
  w.put_str(display_name);
  w.put_str(note);
  w.put_str(email);
  w.put_str(password_hash);
  w.put_str(locale);
  w.put_i64(created_at_ms);
  w.put_bool(locked);
  w.put_bool(bot);
  w.put_bool(verified);
  w.put_bool(approved);
  w.put_bool(memorial);
  w.put_bool(load_test);
  w.put_str(avatar);
  w.put_str(header);
  w.put_u64(fields.size());
  for (const auto& f : fields) {
    w.put_str(f.name);
    w.put_str(f.value);
  }
  w.put_bool(admin);
  return std::move(w).bytes();
}

Result<Account> Account::decode(std::string_view bytes) {
  RecordReader r(bytes);
  Account a;
  if (!get_version(r) || !r.get_u64(a.id.value) || !r.get_str(a.username) ||
      !r.get_str(a.display_name) || !r.get_str(a.note) || !r.get_str(a.email) ||
      !r.get_str(a.password_hash) || !r.get_str(a.locale) || !r.get_i64(a.created_at_ms) ||
      !r.get_bool(a.locked) || !r.get_bool(a.bot) || !r.get_bool(a.verified) ||
      !r.get_bool(a.approved) || !r.get_bool(a.memorial) || !r.get_bool(a.load_test))
    return corrupt("account");
  if (r.at_end()) return a;  // written before profile pictures existed
  uint64_t n = 0;
  if (!r.get_str(a.avatar) || !r.get_str(a.header) || !r.get_u64(n) || n > 64)
    return corrupt("account");
  a.fields.resize(n);
  for (auto& f : a.fields)
    if (!r.get_str(f.name) || !r.get_str(f.value)) return corrupt("account");
  if (r.at_end()) return a;  // written before the admin role existed
  if (!r.get_bool(a.admin)) return corrupt("account");
  return a;
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

std::string Post::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  w.put_u64(id.value);
  w.put_u64(account_id.value);
  w.put_str(text);
  w.put_str(content_html);
  w.put_u64(in_reply_to_id.value);
  w.put_u64(in_reply_to_account_id.value);
  w.put_bool(sensitive);
  w.put_str(spoiler_text);
  w.put_u64(static_cast<uint64_t>(visibility));
  w.put_str(language);
  w.put_i64(created_at_ms);
  w.put_u64(app_id.value);
  put_ids(w, mention_ids);
  put_strings(w, tags);
  put_ids(w, media_ids);
  w.put_u64(reblog_of_id.value);
  w.put_u64(reblog_of_account_id.value);
  w.put_u64(static_cast<uint64_t>(reply_policy));
  w.put_bool(hide_favourites_count);
  w.put_u64(static_cast<uint64_t>(hold));
  w.put_bool(approved);
  return std::move(w).bytes();
}

Result<Post> Post::decode(std::string_view bytes) {
  RecordReader r(bytes);
  Post p;
  uint64_t vis = 0;
  if (!get_version(r) || !r.get_u64(p.id.value) || !r.get_u64(p.account_id.value) ||
      !r.get_str(p.text) || !r.get_str(p.content_html) || !r.get_u64(p.in_reply_to_id.value) ||
      !r.get_u64(p.in_reply_to_account_id.value) || !r.get_bool(p.sensitive) ||
      !r.get_str(p.spoiler_text) || !r.get_u64(vis) || vis > 3 || !r.get_str(p.language) ||
      !r.get_i64(p.created_at_ms) || !r.get_u64(p.app_id.value) || !get_ids(r, p.mention_ids))
    return corrupt("status");
  if (!get_strings(r, p.tags)) return corrupt("status");
  p.visibility = static_cast<Visibility>(vis);
  if (r.at_end()) return p;  // written before photos
  if (!get_ids(r, p.media_ids)) return corrupt("status");
  if (r.at_end()) return p;  // written before reblogs
  if (!r.get_u64(p.reblog_of_id.value) || !r.get_u64(p.reblog_of_account_id.value))
    return corrupt("status");
  if (r.at_end()) return p;  // written before comment controls
  uint64_t policy = 0, hold = 0;
  if (!r.get_u64(policy) || policy > 4 || !r.get_bool(p.hide_favourites_count) ||
      !r.get_u64(hold) || hold > 4 || !r.get_bool(p.approved))
    return corrupt("status");
  p.reply_policy = static_cast<ReplyPolicy>(policy);
  p.hold = static_cast<CommentHold>(hold);
  return p;
}

namespace {

void put_media_file(RecordWriter& w, const MediaFile& f) {
  w.put_str(f.blob);
  w.put_str(f.mime_type);
  w.put_i64(f.width);
  w.put_i64(f.height);
  w.put_i64(f.bytes);
}

bool get_int(RecordReader& r, int& v) {
  int64_t x = 0;
  if (!r.get_i64(x) || x < 0 || x > (1 << 30)) return false;
  v = static_cast<int>(x);
  return true;
}

bool get_media_file(RecordReader& r, MediaFile& f) {
  return r.get_str(f.blob) && r.get_str(f.mime_type) && get_int(r, f.width) &&
         get_int(r, f.height) && r.get_i64(f.bytes);
}

// Focus points keep two decimals, as Mastodon does.
int64_t to_hundredths(double v) { return static_cast<int64_t>(v * 100.0 + (v < 0 ? -0.5 : 0.5)); }

}  // namespace

std::string Media::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  w.put_u64(id.value);
  w.put_u64(account_id.value);
  w.put_u64(status_id.value);
  w.put_u64(static_cast<uint64_t>(state));
  put_media_file(w, original);
  put_media_file(w, preview);
  w.put_str(blurhash);
  w.put_str(description);
  w.put_i64(to_hundredths(focus_x));
  w.put_i64(to_hundredths(focus_y));
  w.put_i64(created_at_ms);
  w.put_str(error);
  return std::move(w).bytes();
}

Result<Media> Media::decode(std::string_view bytes) {
  RecordReader r(bytes);
  Media m;
  uint64_t state = 0;
  int64_t fx = 0, fy = 0;
  if (!get_version(r) || !r.get_u64(m.id.value) || !r.get_u64(m.account_id.value) ||
      !r.get_u64(m.status_id.value) || !r.get_u64(state) || state > 2 ||
      !get_media_file(r, m.original) || !get_media_file(r, m.preview) || !r.get_str(m.blurhash) ||
      !r.get_str(m.description) || !r.get_i64(fx) || !r.get_i64(fy) ||
      !r.get_i64(m.created_at_ms) || !r.get_str(m.error))
    return corrupt("media");
  m.state = static_cast<MediaState>(state);
  m.focus_x = static_cast<double>(fx) / 100.0;
  m.focus_y = static_cast<double>(fy) / 100.0;
  return m;
}

std::string App::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  w.put_u64(id.value);
  w.put_str(name);
  w.put_str(website);
  w.put_u64(redirect_uris.size());
  for (const auto& uri : redirect_uris) w.put_str(uri);
  w.put_str(scopes);
  w.put_str(client_id);
  w.put_str(client_secret);
  w.put_i64(created_at_ms);
  return std::move(w).bytes();
}

Result<App> App::decode(std::string_view bytes) {
  RecordReader r(bytes);
  App a;
  uint64_t n = 0;
  if (!get_version(r) || !r.get_u64(a.id.value) || !r.get_str(a.name) || !r.get_str(a.website) ||
      !r.get_u64(n) || n > 100)
    return corrupt("app");
  a.redirect_uris.resize(n);
  for (auto& uri : a.redirect_uris)
    if (!r.get_str(uri)) return corrupt("app");
  if (!r.get_str(a.scopes) || !r.get_str(a.client_id) || !r.get_str(a.client_secret) ||
      !r.get_i64(a.created_at_ms))
    return corrupt("app");
  return a;
}

std::string Token::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  w.put_u64(id.value);
  w.put_u64(app_id.value);
  w.put_u64(account_id.value);
  w.put_str(scopes);
  w.put_i64(created_at_ms);
  w.put_str(hash);
  return std::move(w).bytes();
}

Result<Token> Token::decode(std::string_view bytes) {
  RecordReader r(bytes);
  Token t;
  if (!get_version(r) || !r.get_u64(t.id.value) || !r.get_u64(t.app_id.value) ||
      !r.get_u64(t.account_id.value) || !r.get_str(t.scopes) || !r.get_i64(t.created_at_ms) ||
      !r.get_str(t.hash))
    return corrupt("token");
  return t;
}

std::string AuthCode::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  w.put_u64(id.value);
  w.put_u64(app_id.value);
  w.put_u64(account_id.value);
  w.put_str(scopes);
  w.put_str(redirect_uri);
  w.put_str(code_challenge);
  w.put_str(code_challenge_method);
  w.put_i64(expires_at_ms);
  w.put_str(hash);
  return std::move(w).bytes();
}

Result<AuthCode> AuthCode::decode(std::string_view bytes) {
  RecordReader r(bytes);
  AuthCode c;
  if (!get_version(r) || !r.get_u64(c.id.value) || !r.get_u64(c.app_id.value) ||
      !r.get_u64(c.account_id.value) || !r.get_str(c.scopes) || !r.get_str(c.redirect_uri) ||
      !r.get_str(c.code_challenge) || !r.get_str(c.code_challenge_method) ||
      !r.get_i64(c.expires_at_ms) || !r.get_str(c.hash))
    return corrupt("auth code");
  return c;
}

std::string Preferences::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  w.put_bool(memories);
  w.put_bool(support_resources);
  w.put_str(region);
  w.put_str(time_zone);
  w.put_u64(static_cast<uint64_t>(default_reply_policy));
  w.put_i64(limit_until_ms);
  w.put_bool(limit_recent_followers);
  return std::move(w).bytes();
}

Result<Preferences> Preferences::decode(std::string_view bytes) {
  RecordReader r(bytes);
  Preferences p;
  if (!get_version(r) || !r.get_bool(p.memories) || !r.get_bool(p.support_resources) ||
      !r.get_str(p.region) || !r.get_str(p.time_zone))
    return corrupt("preferences");
  if (r.at_end()) return p;  // written before comment controls
  uint64_t policy = 0;
  if (!r.get_u64(policy) || policy > 4 || !r.get_i64(p.limit_until_ms) ||
      !r.get_bool(p.limit_recent_followers))
    return corrupt("preferences");
  p.default_reply_policy = static_cast<ReplyPolicy>(policy);
  return p;
}

std::string HiddenWords::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  put_strings(w, words);
  put_strings(w, builtin_lists);
  return std::move(w).bytes();
}

Result<HiddenWords> HiddenWords::decode(std::string_view bytes) {
  RecordReader r(bytes);
  HiddenWords h;
  if (!get_version(r) || !get_strings(r, h.words) || !get_strings(r, h.builtin_lists))
    return corrupt("hidden words");
  return h;
}

std::string HiddenRange::encode() const {
  RecordWriter w;
  w.put_u64(kVersion);
  w.put_u64(id.value);
  w.put_str(start_date);
  w.put_str(end_date);
  w.put_str(note);
  return std::move(w).bytes();
}

Result<HiddenRange> HiddenRange::decode(std::string_view bytes) {
  RecordReader r(bytes);
  HiddenRange h;
  if (!get_version(r) || !r.get_u64(h.id.value) || !r.get_str(h.start_date) ||
      !r.get_str(h.end_date) || !r.get_str(h.note))
    return corrupt("hidden range");
  return h;
}

}  // namespace kindred::social
