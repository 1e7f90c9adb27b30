#include "api/mastodon/entities/comment_controls.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace kindred::api::entities {

namespace {

void write_rules(JsonWriter& w, std::initializer_list<std::string_view> always, bool me) {
  w.begin_object().key("always").begin_array();
  for (auto a : always) w.string(a);
  if (me) w.string("me");
  w.end_array().key("with_approval").raw("[]").end_object();
}

// The policy depends on five small facts; each combination's JSON is written once.
struct PolicyFacts {
  bool signed_in = false;
  bool can_reply = false;  // the viewer may reply
  bool viewer_is_author = false;
  social::ReplyPolicy reply_policy = social::ReplyPolicy::kEveryone;
  social::Visibility visibility = social::Visibility::kPublic;
};

void write_policy(JsonWriter& w, const PolicyFacts& f) {
  using social::ReplyPolicy;
  using social::Visibility;
  w.begin_object();
  // Anyone who may see a post may like it.
  w.key("can_favourite");
  write_rules(w, {"public"}, f.signed_in);
  // "public" is anyone who may see the post, its author included.
  w.key("can_reply");
  const bool me = f.signed_in && f.can_reply;
  switch (f.reply_policy) {
    case ReplyPolicy::kEveryone: write_rules(w, {"public"}, me); break;
    case ReplyPolicy::kFollowing: write_rules(w, {"author", "following"}, me); break;
    case ReplyPolicy::kFollowers: write_rules(w, {"author", "followers"}, me); break;
    case ReplyPolicy::kMentioned: write_rules(w, {"author", "mentioned"}, me); break;
    case ReplyPolicy::kNobody: write_rules(w, {"author"}, me); break;
  }
  // As ReblogService decides: public and unlisted posts by anyone, followers-only posts by their
  // author, direct ones by nobody.
  w.key("can_reblog");
  switch (f.visibility) {
    case Visibility::kPublic:
    case Visibility::kUnlisted:
      write_rules(w, {"public"}, f.signed_in);
      break;
    case Visibility::kPrivate:
      write_rules(w, {"author"}, f.viewer_is_author);
      break;
    case Visibility::kDirect: write_rules(w, {}, false); break;
  }
  w.end_object();
}

constexpr size_t kPolicies = 5, kVisibilities = 4;

size_t policy_index(const PolicyFacts& f) {
  return (((static_cast<size_t>(f.reply_policy) * kVisibilities +
            static_cast<size_t>(f.visibility)) *
               2 +
           f.signed_in) *
              2 +
          f.can_reply) *
             2 +
         f.viewer_is_author;
}

}  // namespace

void write_interaction_policy(JsonWriter& w, const social::PostView& v) {
  const PolicyFacts facts{v.viewer_signed_in, v.can_reply, v.viewer_is_author, v.post.reply_policy,
                          v.post.visibility};
  if (static_cast<size_t>(facts.reply_policy) >= kPolicies ||
      static_cast<size_t>(facts.visibility) >= kVisibilities) {
    write_policy(w, facts);  // not a value the table knows (never decoded so): written out
    return;
  }
  // Every status of every page writes one: a table of them all, made once, saves writing each.
  static const std::vector<std::string> table = [] {
    std::vector<std::string> out(kPolicies * kVisibilities * 8);
    for (size_t rp = 0; rp < kPolicies; ++rp)
      for (size_t vis = 0; vis < kVisibilities; ++vis)
        for (int bits = 0; bits < 8; ++bits) {
          const PolicyFacts f{(bits & 4) != 0, (bits & 2) != 0, (bits & 1) != 0,
                              static_cast<social::ReplyPolicy>(rp),
                              static_cast<social::Visibility>(vis)};
          JsonWriter tw(out[policy_index(f)]);
          write_policy(tw, f);
        }
    return out;
  }();
  w.raw(table[policy_index(facts)]);
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
