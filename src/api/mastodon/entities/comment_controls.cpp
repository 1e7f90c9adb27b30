#include "api/mastodon/entities/comment_controls.h"

#include <initializer_list>
#include <string_view>

namespace kindred::api::entities {

namespace {

void write_rules(JsonWriter& w, std::initializer_list<std::string_view> always, bool me) {
  w.begin_object().key("always").begin_array();
  for (auto a : always) w.string(a);
  if (me) w.string("me");
  w.end_array().key("with_approval").raw("[]").end_object();
}

}  // namespace

void write_interaction_policy(JsonWriter& w, const social::PostView& v) {
  using social::ReplyPolicy;
  using social::Visibility;
  const social::Post& p = v.post;
  const bool signed_in = v.viewer_signed_in;
  w.begin_object();
  // Anyone who may see a post may like it.
  w.key("can_favourite");
  write_rules(w, {"public"}, signed_in);
  // "public" is anyone who may see the post, its author included.
  w.key("can_reply");
  const bool me = signed_in && v.can_reply;
  switch (p.reply_policy) {
    case ReplyPolicy::kEveryone: write_rules(w, {"public"}, me); break;
    case ReplyPolicy::kFollowing: write_rules(w, {"author", "following"}, me); break;
    case ReplyPolicy::kFollowers: write_rules(w, {"author", "followers"}, me); break;
    case ReplyPolicy::kMentioned: write_rules(w, {"author", "mentioned"}, me); break;
    case ReplyPolicy::kNobody: write_rules(w, {"author"}, me); break;
  }
  // As ReblogService decides: public and unlisted posts by anyone, followers-only posts by their
  // author, direct ones by nobody.
  w.key("can_reblog");
  switch (p.visibility) {
    case Visibility::kPublic:
    case Visibility::kUnlisted: write_rules(w, {"public"}, signed_in); break;
    case Visibility::kPrivate: write_rules(w, {"author"}, v.viewer_is_author); break;
    case Visibility::kDirect: write_rules(w, {}, false); break;
  }
  w.end_object();
}

namespace {

bool limited(const social::PostView& v) {
  return v.post.reply_policy != social::ReplyPolicy::kEveryone;
}
// Shown where it can be false: comments limited on the post or in its thread.
bool show_can_reply(const social::PostView& v) {
  return v.viewer_signed_in && (limited(v) || !v.can_reply);
}

}  // namespace

bool has_comment_controls_extension(const social::PostView& v) {
  return limited(v) || show_can_reply(v) || v.post.hide_favourites_count;
}

void write_comment_controls_extension(JsonWriter& w, const social::PostView& v) {
  if (limited(v)) w.member("comment_policy", social::reply_policy_name(v.post.reply_policy));
  if (show_can_reply(v)) w.member("can_reply", v.can_reply);
  if (v.post.hide_favourites_count) w.member("favourites_count_hidden", true);
}

}  // namespace kindred::api::entities
