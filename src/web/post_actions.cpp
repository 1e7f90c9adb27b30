// What a signed-in person does to a post from its page, as plain forms: like, save, comment,
// delete; and, as the post's author, who may comment, the like count, pins, hiding and the review
// of held comments. Each answers 303 back to where the form was, so a reload posts nothing again.
#include "core/utf8.h"
#include "social/care/comment_controls.h"
#include "web/page.h"
#include "web/session.h"

namespace kindred::web {

namespace {

std::optional<Id> path_id(const PageContext& c) {
  auto id = Id::parse(std::string(c.req.param("id")));
  if (!id || id->is_none()) return std::nullopt;
  return *id;
}

std::optional<Id> field_id(const PageContext& c, std::string_view name) {
  auto id = Id::parse(c.field(name));
  if (!id || id->is_none()) return std::nullopt;
  return *id;
}

// The page of the post `id` (its parent's when it is a comment: that is where its forms are).
std::string page_of(const PageContext& c, Id id) {
  auto v = c.s.posts.get(c.viewer(), id);
  if (!v.has_value()) return "/home";
  if (!v->post.in_reply_to_id.is_none()) {
    auto parent = c.s.posts.get(c.viewer(), v->post.in_reply_to_id);
    if (parent.has_value())
      return post_path(parent->author.account, parent->post.id) + "#c-" + id.to_string();
  }
  return post_path(v->author.account, v->post.id);
}

// Runs `act` on the post the path names and goes back; a post that is gone or hidden is the
// 404 page, as on its page.
template <class F>
http::Response on_post(const PageContext& c, F act) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  Status st = act(*id);
  if (!st.is_ok()) return failure(c, st);
  return see_other(return_path(c, page_of(c, *id)));
}

}  // namespace

http::Response like_post(const PageContext& c) {
  return on_post(c, [&](Id id) { return c.s.likes.favourite(c.viewer(), id).status(); });
}
http::Response unlike_post(const PageContext& c) {
  return on_post(c, [&](Id id) { return c.s.likes.unfavourite(c.viewer(), id).status(); });
}
http::Response save_post(const PageContext& c) {
  return on_post(c, [&](Id id) { return c.s.likes.bookmark(c.viewer(), id).status(); });
}
http::Response unsave_post(const PageContext& c) {
  return on_post(c, [&](Id id) { return c.s.likes.unbookmark(c.viewer(), id).status(); });
}

http::Response vote_post(const PageContext& c) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  auto v = c.s.posts.get(c.viewer(), *id);
  if (!v.has_value()) return failure(c, v.error());
  if (!v->poll) return not_found(c);
  std::vector<int64_t> choices;
  for (const auto& f : c.form.get_all("choice")) {
    auto n = Id::parse(f);  // a decimal index; anything else names no option
    choices.push_back(n && n->value < 64 ? static_cast<int64_t>(n->value) : -1);
  }
  Status st = choices.empty() ? Status::invalid_argument(c.t("post.poll_choose_first"))
                              : c.s.polls.vote(c.viewer(), v->poll->poll.id, choices).status();
  if (st.code() == StatusCode::kInvalidArgument) {
    // The page again, with the reason beside the poll (Mastodon's sentence, without its prefix).
    constexpr std::string_view kPrefix = "Validation failed: ";
    std::string why = st.message();
    if (why.rfind(kPrefix, 0) == 0) why = why.substr(kPrefix.size());
    CommentDraft draft;
    draft.post_id = *id;
    draft.poll_error = std::move(why);
    draft.status = 422;
    return post_page_with(c, draft);
  }
  if (!st.is_ok()) return failure(c, st);
  return see_other(return_path(c, post_path(v->author.account, v->post.id)) + "#poll");
}

http::Response comment_post(const PageContext& c) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  CommentDraft draft;
  draft.post_id = *id;
  draft.text = c.field("status");
  if (auto r = field_id(c, "in_reply_to_id")) draft.in_reply_to_id = *r;
  // A reply to a comment must answer a comment of this post (nested one level).
  Id parent = *id;
  if (!draft.in_reply_to_id.is_none()) {
    auto target = c.s.posts.get(c.viewer(), draft.in_reply_to_id);
    if (target.has_value() && target->post.in_reply_to_id == *id) parent = draft.in_reply_to_id;
  }
  auto again = [&](std::string error) {
    draft.error = std::move(error);
    draft.status = 422;
    return post_page_with(c, draft);
  };
  std::string text = draft.text;
  if (normalize_and_check_text(text) != TextProblem::kNone)
    return again(c.t("post_actions.your_comment_has_characters_that"));
  if (text.find_first_not_of(" \n\t") == std::string::npos) return again(c.t("post_actions.write_something_before_posting"));
  social::NewPost p;
  p.text = text;
  p.in_reply_to_id = parent;
  p.visibility = social::Visibility::kPublic;
  auto parent_view = c.s.posts.get(c.viewer(), parent);
  if (!parent_view.has_value()) return failure(c, parent_view.error());
  // A comment is seen by those who see the post: never wider than it.
  p.visibility = parent_view->post.visibility == social::Visibility::kDirect
                     ? social::Visibility::kDirect
                     : parent_view->post.visibility;
  auto made = c.s.posts.create(c.me->account, p);
  if (!made.has_value()) {
    const Status& e = made.error();
    if (e.code() == StatusCode::kPermissionDenied) return again(e.message());
    if (e.code() == StatusCode::kInvalidArgument) {
      if (e.message().find("character limit") != std::string::npos)
        return again(c.t("post_actions.your_comment_is_longer_than",
                         {{"max", c.number(static_cast<int64_t>(c.s.config.max_status_chars))}}));
      return again(c.t("post_actions.your_comment_could_not_be", {{"reason", e.message()}}));
    }
    return failure(c, e);
  }
  // Back to the post with the newest comments first, so the person sees theirs at once (under
  // "top" it may rank on a later page).
  std::string back = return_path(c, page_of(c, *id));
  back = back.substr(0, back.find('#'));
  back += (back.find('?') == std::string::npos ? "?" : "&") + std::string("order=recent#c-") +
          made->post.id.to_string();
  return see_other(back);
}

// GET /statuses/:id/delete: are you sure? (The form that follows does it.)
http::Response delete_confirm_page(const PageContext& c) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  auto v = c.s.posts.get(c.viewer(), *id);
  if (!v.has_value()) return failure(c, v.error());
  const bool comment = !v->post.in_reply_to_id.is_none();
  // Only what the reader may delete has a page: their own post or comment, or a comment on their
  // post (remove_comment checks the same).
  bool may = v->author.account.id == c.me->account.id;
  if (!may && comment) {
    auto parent = c.s.posts.get(c.viewer(), v->post.in_reply_to_id);
    may = parent.has_value() && parent->author.account.id == c.me->account.id;
  }
  if (!may) return not_found(c);
  const std::string back = page_of(c, *id);
  Data d;
  d.set("heading", comment ? c.t("post_actions.delete_this_comment") : c.t("post_actions.delete_this_post"));
  d.set("quote", snippet(v->post.text, 200));
  d.set("by", name_of(v->author.account));
  d.set("warning", comment ? c.t("post_actions.it_disappears_for_everyone_with")
                           : c.t("post_actions.it_disappears_for_everyone_with_2"));
  d.set("action", "/statuses/" + id->to_string() + "/delete");
  d.set("csrf", c.csrf());
  d.set("back", back);
  // A comment deleted by the post's author (not its writer) goes through the post.
  d.set("comment_id", false);
  if (comment && v->author.account.id != c.me->account.id) {
    d.set("action", "/statuses/" + v->post.in_reply_to_id.to_string() + "/remove_comment");
    d.set("comment_id", id->to_string());
  }
  d.set("return_to", comment ? back : "/@" + c.me->account.username);
  Page page;
  page.title = c.t("page.title", {{"title", comment ? c.t("post_actions.delete_comment") : c.t("post_actions.delete_post")},
                                 {"site", c.s.config.title}});
  page.styles = {"forms.css"};
  page.body_html = c.render("confirm", d);
  return page_response(c, 200, std::move(page));
}

http::Response delete_post(const PageContext& c) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  const std::string back = page_of(c, *id);
  auto removed = c.s.posts.remove(c.viewer(), *id);
  if (!removed.has_value()) return failure(c, removed.error());
  return see_other(return_path(c, back));
}

http::Response remove_comment_post(const PageContext& c) {
  auto id = path_id(c);
  auto comment = field_id(c, "comment_id");
  if (!id || !comment) return not_found(c);
  auto removed = c.s.posts.remove_comment(c.viewer(), *id, *comment);
  if (!removed.has_value()) return failure(c, removed.error());
  return see_other(return_path(c, page_of(c, *id)));
}

http::Response pin_comment_post(const PageContext& c) {
  auto comment = field_id(c, "comment_id");
  if (!comment) return not_found(c);
  auto pinned = c.s.comments.pin(c.viewer(), *comment);
  if (!pinned.has_value()) {
    if (pinned.error().code() == StatusCode::kInvalidArgument) {
      Data d;
      d.set("heading", c.t("post_actions.you_can_pin_up_to"));
      Data ps = list();
      ps.push_back(Data(c.t("post_actions.unpin_one_of_the_pinned")));
      d.set("paragraphs", std::move(ps));
      Data link;
      link.set("url", return_path(c, "/home"));
      link.set("text", c.t("post_actions.back_to_the_post"));
      d.set("link", std::move(link));
      Page page;
      page.title = c.t("post_actions.too_many_pinned_comments", {{"site", c.s.config.title}});
      page.styles = {"forms.css"};
      page.body_html = c.render("message", d);
      return page_response(c, 422, std::move(page));
    }
    return failure(c, pinned.error());
  }
  return see_other(return_path(c, "/home"));
}

http::Response unpin_comment_post(const PageContext& c) {
  auto comment = field_id(c, "comment_id");
  if (!comment) return not_found(c);
  auto unpinned = c.s.comments.unpin(c.viewer(), *comment);
  if (!unpinned.has_value()) return failure(c, unpinned.error());
  return see_other(return_path(c, "/home"));
}

http::Response hide_comment_post(const PageContext& c) {
  return on_post(c, [&](Id id) { return c.s.holds.hide(c.viewer(), id).status(); });
}

http::Response approve_comment_post(const PageContext& c) {
  return on_post(c, [&](Id id) { return c.s.holds.approve(c.viewer(), id).status(); });
}

http::Response comment_controls_post(const PageContext& c) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  std::optional<social::ReplyPolicy> policy;
  if (const std::string p = c.field("comment_policy"); !p.empty()) {
    auto parsed = social::parse_reply_policy(p);
    if (!parsed.has_value()) return error_page(c, 400);
    policy = *parsed;
  }
  const bool hide = c.field("hide_likes") == "1";
  auto updated = social::set_comment_controls(c.s.posts, c.viewer(), *id, policy, hide);
  if (!updated.has_value()) return failure(c, updated.error());
  return see_other(page_of(c, *id));
}

}  // namespace kindred::web
