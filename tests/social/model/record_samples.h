#pragma once

// One sample of each stored record kind with every field set away from its default, for the
// format test (records_test.cpp): the bytes these encode to are checked in there, so the stored
// format cannot change by accident.

#include "social/care/filters.h"
#include "social/graph/notifications.h"
#include "social/graph/relationships.h"
#include "social/model/models.h"

namespace kindred::social::samples {

inline Account account() {
  Account a;
  a.id = Id(113000000000000001);
  a.username = "Lena";
  a.display_name = "Lena Okafor ✨";
  a.note = "Photos, mostly of the sea.";
  a.email = "lena@example.org";
  a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  a.locale = "en";
  a.created_at_ms = 1700000000123;
  a.locked = true;
  a.bot = true;
  a.verified = true;
  a.approved = false;
  a.memorial = true;
  a.load_test = true;
  a.avatar = "0123abcd.jpg";
  a.header = "4567ef01.jpg";
  a.fields = {{"Pronouns", "she/her"}, {"Site", "https://example.org"}};
  a.admin = true;
  a.indexable = true;
  a.role = Role::kAdmin;
  a.silenced = true;
  return a;
}

inline Post post() {
  Post p;
  p.id = Id(113000000000000002);
  p.account_id = Id(113000000000000001);
  p.text = "A year ago today. #Iris @sam";
  p.content_html = "<p>A year ago today.</p>";
  p.in_reply_to_id = Id(113000000000000003);
  p.in_reply_to_account_id = Id(113000000000000004);
  p.sensitive = true;
  p.spoiler_text = "loss";
  p.visibility = Visibility::kPrivate;
  p.language = "en";
  p.created_at_ms = 1700000000456;
  p.app_id = Id(5);
  p.mention_ids = {Id(113000000000000004), Id(7)};
  p.tags = {"iris", "grief"};
  p.media_ids = {Id(8), Id(9), Id(10)};
  p.reblog_of_id = Id(11);
  p.reblog_of_account_id = Id(12);
  p.reply_policy = ReplyPolicy::kMentioned;
  p.hide_favourites_count = true;
  p.hold = CommentHold::kRestricted;
  p.approved = true;
  return p;
}

inline Media media() {
  Media m;
  m.id = Id(113000000000000020);
  m.account_id = Id(113000000000000001);
  m.status_id = Id(113000000000000002);
  m.state = MediaState::kFailed;
  m.original = {"aa.jpg", "image/jpeg", 2048, 1536, 912345};
  m.preview = {"bb.jpg", "image/png", 640, 480, 45678};
  m.blurhash = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";
  m.description = "A hospital bed by a window.";
  m.focus_x = -0.25;
  m.focus_y = 0.75;
  m.created_at_ms = 1700000000789;
  m.error = "not an image";
  return m;
}

inline App app() {
  App a;
  a.id = Id(21);
  a.name = "Tusky";
  a.website = "https://tusky.app";
  a.redirect_uris = {"oauth2redirect://com.keylesspalace.tusky/", "urn:ietf:wg:oauth:2.0:oob"};
  a.scopes = "read write push";
  a.client_id = "cid";
  a.client_secret = "secret";
  a.created_at_ms = 1700000001000;
  return a;
}

inline Token token() {
  Token t;
  t.id = Id(22);
  t.app_id = Id(21);
  t.account_id = Id(113000000000000001);
  t.scopes = "read write";
  t.created_at_ms = 1700000002000;
  t.hash = "9f86d081884c7d65";
  return t;
}

inline AuthCode auth_code() {
  AuthCode c;
  c.id = Id(23);
  c.app_id = Id(21);
  c.account_id = Id(113000000000000001);
  c.scopes = "read";
  c.redirect_uri = "urn:ietf:wg:oauth:2.0:oob";
  c.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  c.code_challenge_method = "S256";
  c.expires_at_ms = 1700000003000;
  c.hash = "60303ae22b998861";
  return c;
}

inline Preferences preferences() {
  Preferences p;
  p.memories = false;
  p.support_resources = false;
  p.region = "DE";
  p.time_zone = "Europe/Berlin";
  p.default_reply_policy = ReplyPolicy::kFollowers;
  p.limit_until_ms = 1700000004000;
  p.limit_recent_followers = false;
  return p;
}

inline HiddenWords hidden_words() {
  HiddenWords h;
  h.words = {"cruel", "get over it"};
  h.builtin_lists = {"en", "de"};
  return h;
}

inline HiddenRange hidden_range() {
  HiddenRange h;
  h.id = Id(24);
  h.start_date = "2025-11-30";
  h.end_date = "2025-12-03";
  h.note = "Iris";
  return h;
}

inline Filter filter() {
  Filter f;
  f.id = Id(25);
  f.account_id = Id(113000000000000001);
  f.title = "Spoilers";
  f.context = 0b10101;
  f.action = FilterAction::kBlur;
  f.expires_at_ms = 1700000005000;
  f.created_at_ms = 1700000000000;
  f.keywords = {{Id(26), "finale", false}, {Id(27), "ending", true}};
  f.statuses = {{Id(28), Id(113000000000000002)}};
  return f;
}

inline Notification notification() {
  Notification n;
  n.id = Id(29);  // not stored: the key of the notification's edge
  n.type = NotificationType::kReblog;
  n.from_account = Id(113000000000000004);
  n.status_id = Id(113000000000000002);
  return n;
}

inline Mute mute() {
  Mute m;
  m.notifications = false;
  m.expires_at_ms = 1700000006000;
  return m;
}

}  // namespace kindred::social::samples
