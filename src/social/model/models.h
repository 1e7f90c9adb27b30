#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/record.h"
#include "core/status.h"

namespace kindred::social {

// A name and value shown on a profile ("Pronouns: she/her").
struct ProfileField {
  std::string name;
  std::string value;
  bool operator==(const ProfileField&) const = default;
  template <class V>
  void field_list(V& v) {
    v(name, value);
  }
};

// Stored records. Each lists its fields once, in field_list() (core/record.h), which drives both
// encode() and decode(). A field added later goes at the end of the list, after a
// v.may_end_here(), so records written before it still decode (with the field's default).
// tests/social/model/records_test.cpp holds the bytes of each record as written today.

// Who may moderate: Mastodon's default roles (the "everyone" role, Moderator and Admin). Values
// are stored; never renumber.
enum class Role : uint8_t { kUser = 0, kModerator = 1, kAdmin = 2 };
std::string_view role_name(Role r);  // "user", "moderator", "admin"
// "user", "moderator", "admin"; nullopt for anything else.
std::optional<Role> parse_role(std::string_view name);

struct Account {
  Id id;
  std::string username;  // as registered (case kept); unique case-insensitively
  std::string display_name;
  std::string note;      // plain text as written
  std::string email;
  std::string password_hash;  // argon2id encoded string (libsodium), empty for load-test accounts
  std::string locale;
  int64_t created_at_ms = 0;
  bool locked = false;
  bool bot = false;
  bool verified = false;   // an admin-set mark for public figures (Kindred extension)
  bool approved = true;    // false while awaiting approval (--registrations approval)
  bool memorial = false;
  bool load_test = false;  // created by `kindred admin seed-load`
  // Profile pictures: blob names (media::BlobStore), empty for the default image.
  std::string avatar;
  std::string header;
  std::vector<ProfileField> fields;  // at most 4, shown on the profile
  bool admin = false;  // may use the admin API (`kindred admin role`)
  // Opted in to search-engine indexing (Mastodon 4.2's `indexable`); off by default, so web
  // pages carry a robots noindex tag unless the account said yes. Appended last.
  bool indexable = false;
  // The moderator role (`kindred admin role --role moderator`). `admin` above stays the admin
  // role, as records written before roles have it; role_of() is the account's role. Appended last.
  Role role = Role::kUser;
  // Moderation (Mastodon's admin actions) and deletion; appended last. Each mark is also an edge
  // of kModeratedAccounts, so AccountService holds every marked account in memory.
  int64_t suspended_at_ms = 0;  // suspended since (0: not): gone from every answer, restorable
  bool silenced = false;        // limited: its posts leave public and hashtag timelines
  bool sensitized = false;      // its photos are always marked sensitive
  bool disabled = false;        // cannot sign in; its tokens and sessions stop working
  int64_t deleted_at_ms = 0;    // deletion started (0: not): gone for good; the name stays taken

  bool operator==(const Account&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, username, display_name, note, email, password_hash, locale, created_at_ms, locked, bot,
      verified, approved, memorial, load_test);
    v.may_end_here();  // written before profile pictures
    v(avatar, header, record::at_most(fields, 64));
    v.may_end_here();  // written before the admin role
    v(admin);
    v.may_end_here();  // written before the indexing preference
    v(indexable);
    v.may_end_here();  // written before the moderator role
    v(record::upto(role, Role::kAdmin));
    v.may_end_here();  // written before moderation
    v(suspended_at_ms, silenced, sensitized, disabled, deleted_at_ms);
  }
  std::string encode() const;
  static Result<Account> decode(std::string_view bytes);
};

// The account's role: admin if `admin` is set (whatever `role` says), else `role`.
inline Role role_of(const Account& a) { return a.admin ? Role::kAdmin : a.role; }
// Whether the account may review reports (the admin API's reports routes): moderators and admins.
inline bool is_staff(const Account& a) { return role_of(a) != Role::kUser; }
// Whether the account is gone from every answer: suspended, or deleted (or being deleted).
inline bool is_hidden(const Account& a) { return a.suspended_at_ms != 0 || a.deleted_at_ms != 0; }
// Whether the account carries any moderation or deletion mark (kModeratedAccounts).
inline bool is_marked(const Account& a) {
  return is_hidden(a) || a.silenced || a.sensitized || a.disabled;
}

enum class Visibility : uint8_t { kPublic = 0, kUnlisted = 1, kPrivate = 2, kDirect = 3 };
std::string_view visibility_name(Visibility v);
// Errors: InvalidArgument for anything but public, unlisted, private, direct.
Result<Visibility> parse_visibility(std::string_view name);

// Who may reply to (comment on) a post: the post's own setting, or the author's default.
enum class ReplyPolicy : uint8_t {
  kEveryone = 0,
  kFollowing = 1,  // accounts the author follows
  kFollowers = 2,  // accounts following the author
  kMentioned = 3,  // only accounts mentioned in the post
  kNobody = 4,     // comments off (the author may still reply)
};
std::string_view reply_policy_name(ReplyPolicy p);
// Errors: InvalidArgument for anything but everyone, following, followers, mentioned, nobody.
Result<ReplyPolicy> parse_reply_policy(std::string_view name);

// Why a reply is hidden from everyone but its writer (and held for its parent's author to
// review), or kNone when it shows as usual.
enum class CommentHold : uint8_t {
  kNone = 0,
  kHiddenWords = 1,   // it matched the parent author's hidden words
  kLimited = 2,       // written during the parent author's Limits by an account the limit covers
  kRestricted = 3,    // its writer is restricted by the parent's author
  kAuthorHidden = 4,  // the parent's author hid it
};
std::string_view comment_hold_name(CommentHold h);

struct Post {
  Id id;
  Id account_id;
  std::string text;          // as written; returned by delete and /source
  std::string content_html;  // rendered once at creation: escaped, paragraphs, links, mentions
  Id in_reply_to_id;
  Id in_reply_to_account_id;
  bool sensitive = false;
  std::string spoiler_text;
  Visibility visibility = Visibility::kPublic;
  std::string language;      // ISO 639-1, or empty
  int64_t created_at_ms = 0;
  Id app_id;                 // the application that posted it, or none
  std::vector<Id> mention_ids;  // local accounts mentioned, in order of first mention
  std::vector<std::string> tags;  // lower-cased hashtags, in order of first use
  std::vector<Id> media_ids;      // attached photos, in the order given (at most 4)
  // Set on a reblog: the post it shares and that post's author. A reblog has no text, media,
  // mentions, tags or reply of its own; it is listed as its reblogger's post.
  Id reblog_of_id;
  Id reblog_of_account_id;
  // Comment controls (appended; older records decode with the defaults).
  ReplyPolicy reply_policy = ReplyPolicy::kEveryone;
  bool hide_favourites_count = false;  // the like count is shown to the author only
  CommentHold hold = CommentHold::kNone;  // on a reply: hidden from all but its writer
  bool approved = false;  // on a reply: its parent's author showed it again (no automatic hold)
  // When its author last edited it (PUT /api/v1/statuses/:id), 0 if never (appended).
  int64_t edited_at_ms = 0;
  // Its poll (social::Poll, ObjectType::kPoll), or none (appended).
  Id poll_id;

  bool operator==(const Post&) const = default;
  bool is_reblog() const { return !reblog_of_id.is_none(); }
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, account_id, text, content_html, in_reply_to_id, in_reply_to_account_id, sensitive,
      spoiler_text, record::upto(visibility, Visibility::kDirect), language, created_at_ms, app_id,
      mention_ids, tags);
    v.may_end_here();  // written before photos
    v(media_ids);
    v.may_end_here();  // written before reblogs
    v(reblog_of_id, reblog_of_account_id);
    v.may_end_here();  // written before comment controls
    v(record::upto(reply_policy, ReplyPolicy::kNobody), hide_favourites_count,
      record::upto(hold, CommentHold::kAuthorHidden), approved);
    v.may_end_here();  // written before edits
    v(edited_at_ms);
    v.may_end_here();  // written before polls
    v(poll_id);
  }
  std::string encode() const;
  static Result<Post> decode(std::string_view bytes);
};

// One version of an edited post (Mastodon's StatusEdit): the original, then each edit. Kept as
// the data of the post's kStatusEdits edge (position: this version's id, so oldest first reads
// them in order).
struct PostVersion {
  std::string text;
  std::string content_html;
  std::string spoiler_text;
  bool sensitive = false;
  int64_t created_at_ms = 0;  // when this version was written
  std::vector<Id> media_ids;  // its photos, in order
  std::vector<std::string> media_descriptions;  // their alt text then, aligned with media_ids
  bool operator==(const PostVersion&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(text, content_html, spoiler_text, sensitive, created_at_ms, media_ids, media_descriptions);
  }
  std::string encode() const;
  static Result<PostVersion> decode(std::string_view bytes);
};

// One stored image file of an upload (a blob in media::BlobStore).
struct MediaFile {
  std::string blob;       // "<sha256>.jpg"
  std::string mime_type;  // "image/jpeg", "image/png"
  int width = 0;
  int height = 0;
  int64_t bytes = 0;
  bool operator==(const MediaFile&) const = default;
  template <class V>
  void field_list(V& v) {
    v(blob, mime_type, record::upto(width, 1 << 30), record::upto(height, 1 << 30), bytes);
  }
};

enum class MediaState : uint8_t { kProcessing = 0, kReady = 1, kFailed = 2 };

// An uploaded photo: processing until its files exist, then ready to attach to one post.
struct Media {
  Id id;
  Id account_id;  // the uploader
  Id status_id;   // the post it is attached to, none while unattached
  MediaState state = MediaState::kProcessing;
  MediaFile original;  // capped size, no metadata
  MediaFile preview;
  std::string blurhash;
  std::string description;  // alt text
  double focus_x = 0;       // -1 (left) .. 1 (right)
  double focus_y = 0;       // -1 (bottom) .. 1 (top)
  int64_t created_at_ms = 0;
  std::string error;        // why processing failed (kFailed)

  bool operator==(const Media&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, account_id, status_id, record::upto(state, MediaState::kFailed), original, preview,
      blurhash, description, record::hundredths(focus_x), record::hundredths(focus_y),
      created_at_ms, error);
  }
  std::string encode() const;
  static Result<Media> decode(std::string_view bytes);
};

struct App {
  Id id;
  std::string name;
  std::string website;
  std::vector<std::string> redirect_uris;
  std::string scopes;  // space-separated, as registered
  std::string client_id;
  std::string client_secret;
  int64_t created_at_ms = 0;

  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, name, website, record::at_most(redirect_uris, 100), scopes, client_id, client_secret,
      created_at_ms);
  }
  bool operator==(const App&) const = default;
  std::string encode() const;
  static Result<App> decode(std::string_view bytes);
};

// An access token. The token text itself is never stored: only its hash names it in the store.
struct Token {
  Id id;
  Id app_id;
  Id account_id;  // none for client_credentials tokens
  std::string scopes;
  int64_t created_at_ms = 0;
  std::string hash;  // hex of the token's hash; lets revocation release the key

  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, app_id, account_id, scopes, created_at_ms, hash);
  }
  bool operator==(const Token&) const = default;
  std::string encode() const;
  static Result<Token> decode(std::string_view bytes);
};

// A browser signed in to Kindred's own pages. The cookie's secret is never stored: only its
// hash names the session. `csrf` is the token every form and cookie-authenticated API call of the
// session carries (a random value, useless without the cookie).
struct WebSession {
  Id id;
  Id account_id;
  std::string hash;  // hex of the cookie secret's hash
  std::string csrf;
  int64_t created_at_ms = 0;
  int64_t last_seen_ms = 0;  // updated at most every few minutes
  std::string user_agent;    // as the browser sent it at sign-in, cut to 200 bytes
  std::string ip;            // the address it signed in from

  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, account_id, hash, csrf, created_at_ms, last_seen_ms, user_agent, ip);
  }
  bool operator==(const WebSession&) const = default;
  std::string encode() const;
  static Result<WebSession> decode(std::string_view bytes);
};

// A one-time OAuth authorization code (stored by hash), valid for a few minutes.
struct AuthCode {
  Id id;
  Id app_id;
  Id account_id;
  std::string scopes;
  std::string redirect_uri;
  std::string code_challenge;         // PKCE; empty if none was sent
  std::string code_challenge_method;  // "S256" or "plain"
  int64_t expires_at_ms = 0;
  std::string hash;

  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, app_id, account_id, scopes, redirect_uri, code_challenge, code_challenge_method,
      expires_at_ms, hash);
  }
  bool operator==(const AuthCode&) const = default;
  std::string encode() const;
  static Result<AuthCode> decode(std::string_view bytes);
};

// A person's Kindred preferences (GET/PATCH /api/v1/kindred/preferences), one record per
// account keyed by its id; an account without one has the defaults.
struct Preferences {
  bool memories = true;           // show "this day in earlier years"
  bool support_resources = true;  // show support cards with posts about loss
  std::string region;             // ISO 3166-1 alpha-2, upper-case; empty: the instance's
  std::string time_zone;          // IANA name; empty: UTC
  // Comment controls (appended).
  ReplyPolicy default_reply_policy = ReplyPolicy::kEveryone;  // for new posts without their own
  // Limits: until this time, replies to the person's posts from accounts the limit covers are
  // held for review; 0 when no limit is on.
  int64_t limit_until_ms = 0;
  bool limit_recent_followers = true;  // the limit also covers accounts following for < 1 week
  bool operator==(const Preferences&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(memories, support_resources, region, time_zone);
    v.may_end_here();  // written before comment controls
    v(record::upto(default_reply_policy, ReplyPolicy::kNobody), limit_until_ms,
      limit_recent_followers);
  }

  std::string encode() const;
  static Result<Preferences> decode(std::string_view bytes);
};

// An author's hidden words: comments on their posts containing one are hidden from everyone but
// their writer and held for the author's review. Keyed by the account id; none = no words.
struct HiddenWords {
  std::vector<std::string> words;          // words and phrases as the author wrote them
  std::vector<std::string> builtin_lists;  // shipped lists in use, by language ("en")
  bool operator==(const HiddenWords&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(words, builtin_lists);
  }

  std::string encode() const;
  static Result<HiddenWords> decode(std::string_view bytes);
};

// A span of days (both ends included, in the person's time zone) whose posts never show as
// memories, until its owner deletes it. Stored as the data of a kMemoryHiddenRanges edge.
struct HiddenRange {
  Id id;
  std::string start_date;  // "YYYY-MM-DD"
  std::string end_date;    // "YYYY-MM-DD", not before start_date
  std::string note;        // the person's own words, optional
  bool operator==(const HiddenRange&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, start_date, end_date, note);
  }

  std::string encode() const;
  static Result<HiddenRange> decode(std::string_view bytes);
};

}  // namespace kindred::social
