// Kindred's comment controls: the parameters of POST /api/v1/statuses that set them,
// PUT /api/v1/kindred/statuses/:id/comment_controls (who may comment, hidden like count) and
// DELETE /api/v1/kindred/statuses/:id/comments/:comment_id (the post's author removes a comment).
#include "api/kindred/comment_controls.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "api/mastodon/handler.h"
#include "social/care/comment_controls.h"

namespace kindred::api {

namespace {

Status unsupported_policy() {
  return Status::invalid_argument(
      "Validation failed: Kindred can limit who may comment (interaction_policy[can_reply][always] "
      "of public; author with following, followers or mentioned; or author alone), not likes, "
      "boosts or approvals");
}

// GoToSocial's interaction_policy, flattened to "[can_reply][always]" -> {"author", ...}, mapped
// onto a ReplyPolicy when it says exactly what one of them says; nullopt when it names no
// can_reply rule.
Result<std::optional<social::ReplyPolicy>> read_interaction_policy(const Input& in) {
  std::map<std::string, std::set<std::string>> rules;
  for (auto& [path, value] : in.flattened("interaction_policy")) {
    std::string group = path;
    if (auto open = group.rfind('['); open != std::string::npos && open > 0 &&
                                      std::all_of(group.begin() + static_cast<std::ptrdiff_t>(open) + 1,
                                                  group.end() - 1,
                                                  [](char c) { return c >= '0' && c <= '9'; }))
      group.resize(open);  // "[can_reply][always][0]" -> "[can_reply][always]"
    std::string v = value;
    if (v.rfind("urn:mastodon:", 0) == 0) v = v.substr(13);  // GoToSocial's newer spelling
    rules[group].insert(v);
  }
  if (rules.empty()) return std::optional<social::ReplyPolicy>();
  std::optional<social::ReplyPolicy> policy;
  using social::ReplyPolicy;
  for (const auto& [group, values] : rules) {
    if (group == "[can_favourite][always]" || group == "[can_reblog][always]") {
      if (values != std::set<std::string>{"public"}) return unsupported_policy();
    } else if (group == "[can_reply][always]") {
      std::set<std::string> rest = values;
      rest.erase("author");
      const bool with_author = values.count("author") > 0;
      if (rest == std::set<std::string>{"public"}) {
        policy = ReplyPolicy::kEveryone;
      } else if (rest == std::set<std::string>{"following"}) {
        policy = ReplyPolicy::kFollowing;
      } else if (rest == std::set<std::string>{"followers"}) {
        policy = ReplyPolicy::kFollowers;
      } else if (rest == std::set<std::string>{"mentioned"}) {
        policy = ReplyPolicy::kMentioned;
      } else if (rest.empty() && with_author) {
        policy = ReplyPolicy::kNobody;
      } else {
        return unsupported_policy();
      }
    } else {
      return unsupported_policy();  // with_approval rules, unknown keys
    }
  }
  return policy;
}

Result<std::optional<social::ReplyPolicy>> read_policy(const Input& in, std::string_view name) {
  KINDRED_ASSIGN_OR_RETURN(auto text, in.string(name));
  if (!text) return std::optional<social::ReplyPolicy>();
  KINDRED_ASSIGN_OR_RETURN(auto policy, social::parse_reply_policy(*text));
  return std::optional<social::ReplyPolicy>(policy);
}

}  // namespace

Status read_new_post_comment_controls(const Input& in, const ApiServices& s, Id author,
                                      social::NewPost& p) {
  KINDRED_ASSIGN_OR_RETURN(auto policy, read_policy(in, "kindred_comment_policy"));
  KINDRED_ASSIGN_OR_RETURN(auto gts, read_interaction_policy(in));
  KINDRED_ASSIGN_OR_RETURN(auto hide, in.boolean("kindred_hide_favourites_count"));
  if (policy && gts && *policy != *gts)
    return Status::invalid_argument(
        "Validation failed: kindred_comment_policy and interaction_policy disagree");
  if (!policy) policy = gts;
  if (!policy) {
    KINDRED_ASSIGN_OR_RETURN(social::Preferences prefs, s.preferences.get(author));
    policy = prefs.default_reply_policy;
  }
  p.reply_policy = *policy;
  p.hide_favourites_count = hide.value_or(false);
  return Status::ok();
}

void register_kindred_comment_control_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kPut, "/api/v1/kindred/statuses/:id/comment_controls",
             [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto policy, read_policy(in, "comment_policy"));
    API_TRY(auto hide, in.boolean("hide_favourites_count"));
    const social::Viewer viewer = caller.viewer();
    API_TRY(social::Post updated, social::set_comment_controls(s.posts, viewer, id, policy, hide));
    API_TRY(social::PostView v, s.posts.view_of(viewer, std::move(updated)));
    return json_text_response(entities::status_json(v, s.config));
  });

  router.add(http::Method::kDelete, "/api/v1/kindred/statuses/:id/comments/:comment_id",
             [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Id id, path_id(req));
    auto comment_id = Id::parse(req.param("comment_id"));
    if (!comment_id) return error_response(Status::not_found("Record not found"));
    API_TRY(social::PostView v, s.posts.remove_comment(caller.viewer(), id, *comment_id));
    return json_text_response(entities::status_json(v, s.config));
  });
}

}  // namespace kindred::api
