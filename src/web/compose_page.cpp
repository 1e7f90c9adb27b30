// GET /new and POST /new: a photo post with up to four photos, a description (alt text) for each,
// a caption, a content warning, sensitive photos, who can see it and who may comment. Without
// JavaScript it is one multipart form; a photo without a description gets one reminder, never a
// refusal (the uploads are kept while the person decides).
#include <chrono>

#include "core/utf8.h"
#include "web/page.h"
#include "web/routes.h"

namespace kindred::web {

namespace {

constexpr int kSlots = 4;
// How long the form waits for a photo to be processed before saying it is still on its way.
constexpr std::chrono::milliseconds kProcessingWait{20'000};

struct Slot {
  Id media_id;
  std::string file_name;
  std::string alt;
  std::string photo_error;
  bool alt_missing = false;
};

struct Draft {
  Slot slots[kSlots];
  std::string caption, cw, error, caption_error, reminder;
  bool sensitive = false, hide_likes = false, reminded = false;
  social::Visibility visibility = social::Visibility::kPublic;
  social::ReplyPolicy policy = social::ReplyPolicy::kEveryone;
};

http::Response render_compose(const PageContext& c, const Draft& f, int status) {
  Data d;
  d.set("csrf", c.csrf());
  d.set("error", f.error.empty() ? Value(false) : Value(f.error));
  d.set("reminder", f.reminder.empty() ? Value(false) : Value(f.reminder));
  d.set("reminded", f.reminded);
  d.set("caption", f.caption);
  d.set("caption_error", f.caption_error.empty() ? Value(false) : Value(f.caption_error));
  d.set("cw", f.cw);
  d.set("sensitive", f.sensitive);
  d.set("hide_likes", f.hide_likes);
  d.set("max", std::to_string(c.s.config.max_status_chars));
  d.set("open_options", !f.cw.empty() || f.sensitive || f.hide_likes ||
                            f.visibility != social::Visibility::kPublic ||
                            f.policy != social::ReplyPolicy::kEveryone);
  Data slots = list();
  for (int i = 0; i < kSlots; ++i) {
    const Slot& s = f.slots[i];
    Data sd;
    sd.set("n", std::to_string(i + 1));
    sd.set("media_id", s.media_id.is_none() ? Value(false) : Value(s.media_id.to_string()));
    sd.set("file_name", s.file_name.empty() ? std::string(c.t("compose.a_photo")) : s.file_name);
    sd.set("alt", s.alt);
    sd.set("photo_error", s.photo_error.empty() ? Value(false) : Value(s.photo_error));
    sd.set("alt_missing", s.alt_missing);
    slots.push_back(std::move(sd));
  }
  d.set("slots", std::move(slots));
  Data vis = list();
  const std::pair<social::Visibility, const char*> visibilities[] = {
      {social::Visibility::kPublic, "compose.everyone_shown_in_explore"},
      {social::Visibility::kUnlisted, "compose.everyone_but_not_shown_in"},
      {social::Visibility::kPrivate, "compose.my_followers_only"},
  };
  for (const auto& [v, label] : visibilities) {
    Data o;
    o.set("value", std::string(social::visibility_name(v)));
    o.set("label", c.t(label));
    o.set("checked", f.visibility == v);
    vis.push_back(std::move(o));
  }
  d.set("visibilities", std::move(vis));
  Data pol = list();
  const std::pair<social::ReplyPolicy, const char*> policies[] = {
      {social::ReplyPolicy::kEveryone, "compose.everyone"},
      {social::ReplyPolicy::kFollowers, "compose.people_who_follow_me"},
      {social::ReplyPolicy::kFollowing, "compose.people_i_follow"},
      {social::ReplyPolicy::kMentioned, "compose.only_people_mentioned"},
      {social::ReplyPolicy::kNobody, "compose.nobody_comments_off"},
  };
  for (const auto& [p, label] : policies) {
    Data o;
    o.set("value", std::string(social::reply_policy_name(p)));
    o.set("label", c.t(label));
    o.set("checked", f.policy == p);
    pol.push_back(std::move(o));
  }
  d.set("policies", std::move(pol));
  Page page;
  page.title = c.t("compose.new_post_title", {{"site", c.s.config.title}});
  page.styles = {"forms.css", "compose.css"};
  page.body_html = c.render("compose", d);
  return page_response(c, status, std::move(page));
}

// "That file is not a photo Kindred can read" and the like, from the media service's refusal.
std::string photo_problem(const PageContext& c, const Status& st, int n) {
  const std::string which = std::to_string(n);
  if (st.code() == StatusCode::kTooLarge) return c.t("compose.is_too_large_choose_a", {{"n", which}});
  const std::string& m = st.message();
  if (m.find("dimension") != std::string::npos || m.find("pixels") != std::string::npos)
    return c.t("compose.is_too_large_in_width", {{"n", which}});
  return c.t("compose.is_not_a_photo_kindred", {{"n", which}});
}

}  // namespace

http::Response compose_page(const PageContext& c) {
  Draft f;
  auto prefs = c.s.preferences.get(c.me->account.id);
  if (prefs.has_value()) f.policy = prefs->default_reply_policy;
  return render_compose(c, f, 200);
}

http::Response compose_post(const PageContext& c) {
  Draft f;
  f.caption = c.field("status");
  f.cw = c.field("spoiler_text");
  f.sensitive = c.field("sensitive") == "1";
  f.hide_likes = c.field("hide_likes") == "1";
  f.reminded = c.field("alt_reminded") == "1";
  if (auto v = social::parse_visibility(c.field("visibility")); v.has_value() &&
                                                                *v != social::Visibility::kDirect)
    f.visibility = *v;
  else if (!c.field("visibility").empty())
    return error_page(c, 400);
  if (auto p = social::parse_reply_policy(c.field("comment_policy")); p.has_value()) {
    f.policy = *p;
  } else if (!c.field("comment_policy").empty()) {
    return error_page(c, 400);
  } else if (auto prefs = c.s.preferences.get(c.me->account.id); prefs.has_value()) {
    f.policy = prefs->default_reply_policy;  // no choice sent: the person's default, as the API
  }
  for (std::string* text : {&f.caption, &f.cw}) {
    if (normalize_and_check_text(*text) != TextProblem::kNone) {
      f.error = c.t("compose.the_caption_or_the_content");
      return render_compose(c, f, 422);
    }
  }

  // Photos uploaded by an earlier round of this form (or by the page's script) and new files.
  bool any_problem = false;
  for (int i = 0; i < kSlots; ++i) {
    Slot& s = f.slots[i];
    const std::string n = std::to_string(i + 1);
    s.alt = c.field("alt" + n);
    if (normalize_and_check_text(s.alt) != TextProblem::kNone) s.alt.clear();
    if (auto id = Id::parse(c.field("media_id" + n)); id && !id->is_none()) {
      auto m = c.s.media.get_unattached(c.viewer(), *id);
      if (!m.has_value()) {
        s.photo_error = c.t("compose.was_lost_choose_it_again", {{"n", n}});
        any_problem = true;
        continue;
      }
      s.media_id = *id;
      s.file_name = c.t("compose.photo_2", {{"n", n}});
      continue;
    }
    for (const auto& part : c.files) {
      if (part.name != "photo" + n || part.data.empty()) continue;
      social::NewUpload u;
      u.bytes = std::string(part.data);
      if (!s.alt.empty()) u.description = s.alt;
      auto m = c.s.media.upload(c.me->account, std::move(u), kProcessingWait);
      if (!m.has_value()) {
        s.photo_error = photo_problem(c, m.error(), i + 1);
        any_problem = true;
      } else if (m->state == social::MediaState::kFailed) {
        s.photo_error = photo_problem(c, Status::invalid_argument(m->error), i + 1);
        any_problem = true;
      } else {
        s.media_id = m->id;
        s.file_name = valid_utf8(part.filename) ? part.filename.substr(0, 100) : c.t("compose.photo_2", {{"n", n}});
      }
      break;
    }
  }
  // Descriptions written or changed since the upload.
  for (auto& s : f.slots) {
    if (s.media_id.is_none()) continue;
    social::MediaEdit e;
    e.description = s.alt;
    auto updated = c.s.media.update(c.viewer(), s.media_id, e);
    if (!updated.has_value()) {
      if (updated.error().code() != StatusCode::kInvalidArgument) return failure(c, updated.error());
      s.photo_error = c.t("compose.that_description_is_too_long");
      any_problem = true;
    }
  }
  if (any_problem) {
    f.error = c.t("compose.some_photos_need_another_look");
    return render_compose(c, f, 422);
  }
  std::vector<Id> media_ids;
  size_t without_alt = 0;
  for (auto& s : f.slots) {
    if (s.media_id.is_none()) continue;
    media_ids.push_back(s.media_id);
    if (s.alt.find_first_not_of(" \n\t") == std::string::npos) {
      s.alt_missing = true;
      ++without_alt;
    }
  }
  if (media_ids.empty() && f.caption.find_first_not_of(" \n\t") == std::string::npos) {
    f.error = c.t("compose.choose_a_photo_or_write");
    return render_compose(c, f, 422);
  }
  // One gentle reminder, never a refusal.
  if (without_alt > 0 && !f.reminded) {
    f.reminded = true;
    f.reminder = c.plural("compose.photos_have_no_description", static_cast<int64_t>(without_alt),
                          {{"count", c.number(static_cast<int64_t>(without_alt))}});
    return render_compose(c, f, 200);
  }

  social::NewPost p;
  p.text = f.caption;
  p.spoiler_text = f.cw;
  p.sensitive = f.sensitive;
  p.visibility = f.visibility;
  p.reply_policy = f.policy;
  p.hide_favourites_count = f.hide_likes;
  p.media_ids = media_ids;
  auto made = c.s.posts.create(c.me->account, p);
  if (!made.has_value()) {
    const Status& e = made.error();
    if (e.code() != StatusCode::kInvalidArgument) return failure(c, e);
    const std::string& m = e.message();
    if (m.find("character limit") != std::string::npos) {
      f.caption_error = c.t("compose.the_caption_and_the_content",
                            {{"max", c.number(static_cast<int64_t>(c.s.config.max_status_chars))}});
    } else if (m.find("processing") != std::string::npos || m.find("not ready") != std::string::npos) {
      f.error = c.t("compose.a_photo_is_still_being");
    } else {
      f.error = c.t("compose.the_post_could_not_be", {{"reason", m}});
    }
    return render_compose(c, f, 422);
  }
  return see_other(post_path(made->author.account, made->post.id));
}

}  // namespace kindred::web
