// What a signed-in person does to another from their profile, as plain forms: follow, unfollow or
// cancel a request, answer a request, and block, mute (for a while or for good, with or without
// notifications) and restrict, each after a page that says what it does, or undo them. Every
// form answers 303 back to the profile; a refusal is a page with one sentence saying why.
// Also registers the other signed-in pages of people.h.
#include <array>

#include "web/people.h"
#include "web/routes.h"

namespace kindred::web {

namespace {

struct Duration {
  int64_t seconds;
  const char* label;
};
// The mute lengths the form offers; nothing else is taken.
constexpr std::array<Duration, 5> kMuteDurations{{{0, "people.until_i_unmute_them"},
                                                  {3600, "people.mute_1_hour"},
                                                  {86400, "people.mute_1_day"},
                                                  {7 * 86400, "people.mute_7_days"},
                                                  {30 * 86400, "people.mute_30_days"}}};

// The account `/@:acct` names, as its profile finds it: only a local, approved username.
Result<social::Account> target_of(const PageContext& c) {
  const std::string_view acct = c.req.param("acct");
  if (acct.empty() || acct.find('@') != std::string_view::npos)
    return Status::not_found(c.t("people.no_such_account"));
  auto found = c.s.accounts.lookup(acct);
  if (!found.has_value()) return found.error();
  if (!found->approved) return Status::not_found(c.t("people.no_such_account"));
  return *found;
}

// "/@ann/block" -> what the confirmation page says and sends.
struct Confirm {
  const char* verb;     // the POST it makes: /@name/<verb>
  const char* heading;  // a message key: "Block {name}?"
  const char* button;  // a message key
  const char* button_class;
  const char* self;  // a message key: "You cannot block yourself."
  std::vector<std::string> (*paragraphs)(const PageContext& c, const std::string& name);
};

std::vector<std::string> block_words(const PageContext& c, const std::string& name) {
  return {c.t("people.you_stop_following_each_other", {{"name", name}}),
          c.t("people.they_are_not_told_you")};
}
std::vector<std::string> mute_words(const PageContext& c, const std::string& name) {
  return {c.t("people.you_stop_seeing", {{"name", name}}),
          c.t("people.you_can_unmute_them_at")};
}
std::vector<std::string> restrict_words(const PageContext& c, const std::string& name) {
  return {c.t("people.new_comments_by", {{"name", name}}),
          c.t("people.you_can_unrestrict_them_at")};
}

constexpr Confirm kBlock{"block", "people.block_heading", "people.block_2", "danger", "people.you_cannot_block_yourself",
                        block_words};
constexpr Confirm kMute{"mute", "people.mute_heading", "people.mute_2", "primary", "people.you_cannot_mute_yourself",
                       mute_words};
constexpr Confirm kRestrict{"restrict", "people.restrict_heading", "people.restrict_2", "primary",
                            "people.you_cannot_restrict_yourself", restrict_words};

// The mute form's choices, with the one sent (or the default) checked.
Data mute_data(const PageContext& c, int64_t duration, bool notifications, const std::string& error) {
  Data m;
  m.set("error", error.empty() ? Data(false) : Data(error));
  Data durations = list();
  for (const auto& d : kMuteDurations) {
    Data item;
    item.set("value", std::to_string(d.seconds));
    item.set("label", c.t(d.label));
    item.set("checked", d.seconds == duration);
    durations.push_back(std::move(item));
  }
  m.set("durations", std::move(durations));
  Data choices = list();
  for (bool on : {true, false}) {
    Data item;
    item.set("value", on ? "1" : "0");
    item.set("label", on ? c.t("people.hide_their_notifications_too") : c.t("people.keep_showing_their_notifications"));
    item.set("checked", on == notifications);
    choices.push_back(std::move(item));
  }
  m.set("notification_choices", std::move(choices));
  return m;
}

http::Response confirm_page(const PageContext& c, const Confirm& what, const social::Account& a,
                            int status = 200, Data mute = Data(false)) {
  const std::string name = name_of(a);
  Data d;
  const std::string heading = c.t(what.heading, {{"name", name}});
  d.set("heading", heading);
  Data paragraphs = list();
  for (auto& p : what.paragraphs(c, name)) paragraphs.push_back(Data(std::move(p)));
  d.set("paragraphs", std::move(paragraphs));
  d.set("action", profile_path(a) + "/" + what.verb);
  d.set("csrf", c.csrf());
  d.set("back", profile_path(a));
  d.set("button", c.t(what.button));
  d.set("button_class", what.button_class);
  d.set("mute", std::move(mute));
  Page p;
  p.title = c.t("page.title", {{"title", heading}, {"site", c.s.config.title}});
  p.styles = {"forms.css"};
  p.body_html = c.render("person_confirm", d);
  return page_response(c, status, std::move(p));
}

// GET /@:acct/block, /mute, /restrict: what it does, and the form that does it.
template <const Confirm& kWhat>
http::Response confirm(const PageContext& c) {
  auto a = target_of(c);
  if (!a.has_value()) return failure(c, a.error());
  if (a->id == c.me->account.id)
    return refused(c, 422, c.t(kWhat.self), profile_path(*a),
                   c.t("people.back_to_your_profile"));
  if (&kWhat == &kMute) return confirm_page(c, kWhat, *a, 200, mute_data(c, 0, true, ""));
  return confirm_page(c, kWhat, *a);
}

// What one form does to the person the path names, and what a refusal says.
struct Act {
  std::string self;    // the sentence for acting on oneself
  const char* denied;  // a message key: the sentence for PermissionDenied, naming {name}
};

// Runs `act(target)` on the person `/@:acct` names and goes back to their profile. Acting on
// oneself, or what the service refuses, is a 422 page saying why; an unknown person is the 404.
template <class F>
http::Response on_person(const PageContext& c, const Act& words, F act) {
  auto a = target_of(c);
  if (!a.has_value()) return failure(c, a.error());
  const std::string back = profile_path(*a);
  if (a->id == c.me->account.id) return refused(c, 422, words.self, back, c.t("people.back_to_your_profile"));
  Status st = act(*a);
  if (st.code() == StatusCode::kPermissionDenied || st.code() == StatusCode::kInvalidArgument)
    return refused(c, 422, c.t(words.denied, {{"name", name_of(*a)}}), back,
                   c.t("people.back_to", {{"name", name_of(*a)}}));
  if (!st.is_ok()) return failure(c, st);
  return see_other(return_path(c, back));
}

http::Response follow_post(const PageContext& c) {
  return on_person(
      c, {c.t("people.you_cannot_follow_yourself"), "people.one_of_you_has_blocked"},
      [&](const social::Account& a) {
        return c.s.relationships.follow(c.viewer(), a.id).status();
      });
}
http::Response unfollow_post(const PageContext& c) {
  return on_person(c, {c.t("people.you_cannot_unfollow_yourself"), "people.you_cannot_unfollow"},
                   [&](const social::Account& a) {
                     return c.s.relationships.unfollow(c.viewer(), a.id).status();
                   });
}
http::Response block_post(const PageContext& c) {
  return on_person(
      c, {c.t("people.you_cannot_block_yourself"), "people.you_cannot_block"},
      [&](const social::Account& a) { return c.s.relationships.block(c.viewer(), a.id).status(); });
}
http::Response unblock_post(const PageContext& c) {
  return on_person(c, {c.t("people.you_cannot_unblock_yourself"), "people.you_cannot_unblock"},
                   [&](const social::Account& a) {
                     return c.s.relationships.unblock(c.viewer(), a.id).status();
                   });
}
http::Response unmute_post(const PageContext& c) {
  return on_person(c, {c.t("people.you_cannot_unmute_yourself"), "people.you_cannot_unmute"},
                   [&](const social::Account& a) {
                     return c.s.relationships.unmute(c.viewer(), a.id).status();
                   });
}
http::Response restrict_post(const PageContext& c) {
  return on_person(c, {c.t("people.you_cannot_restrict_yourself"), "people.you_cannot_restrict"},
                   [&](const social::Account& a) { return c.s.holds.restrict(c.viewer(), a.id); });
}
http::Response unrestrict_post(const PageContext& c) {
  return on_person(
      c, {c.t("people.you_cannot_unrestrict_yourself"), "people.you_cannot_unrestrict"},
      [&](const social::Account& a) { return c.s.holds.unrestrict(c.viewer(), a.id); });
}

// POST /@:acct/mute: duration (seconds, one of the form's) and notifications (1 or 0). Anything
// else is the form again with the reason beside it; nothing is muted.
http::Response mute_post(const PageContext& c) {
  auto a = target_of(c);
  if (!a.has_value()) return failure(c, a.error());
  if (a->id == c.me->account.id)
    return refused(c, 422, c.t("people.you_cannot_mute_yourself"), profile_path(*a), c.t("people.back_to_your_profile"));
  const std::string duration = c.field("duration").empty() ? "0" : c.field("duration");
  const std::string notify = c.field("notifications").empty() ? "1" : c.field("notifications");
  const bool notifications = notify != "0";
  std::optional<int64_t> seconds;
  for (const auto& d : kMuteDurations)
    if (duration == std::to_string(d.seconds)) seconds = d.seconds;
  if (!seconds)
    return confirm_page(c, kMute, *a, 422,
                        mute_data(c, 0, notifications,
                                  c.t("people.choose_how_long_to_mute")));
  if (notify != "0" && notify != "1")
    return confirm_page(
        c, kMute, *a, 422,
        mute_data(c, *seconds, true, c.t("people.choose_whether_to_hide_their")));
  return on_person(
      c, {c.t("people.you_cannot_mute_yourself"), "people.you_cannot_mute"}, [&](const social::Account& t) {
        return c.s.relationships.mute(c.viewer(), t.id, notifications, *seconds).status();
      });
}

// POST /@:acct/authorize, /reject: the answer to their request to follow the reader.
template <bool kAccept>
http::Response answer_post(const PageContext& c) {
  auto a = target_of(c);
  if (!a.has_value()) return failure(c, a.error());
  const std::string back = return_path(c, profile_path(*a));
  auto done = kAccept ? c.s.relationships.authorize(c.viewer(), a->id)
                      : c.s.relationships.reject(c.viewer(), a->id);
  if (!done.has_value() && done.error().is_not_found())
    return refused(
        c, 404, c.t("people.has_no_request_to_follow", {{"name", name_of(*a)}}),
        back, c.t("people.go_back"));
  if (!done.has_value()) return failure(c, done.error());
  return see_other(back);
}

// "3 March 2024, 12:00 UTC" for a time.
std::string when_words(const PageContext& c, int64_t ms) {
  Data t = time_data(c, ms);
  const Data* text = t.find("text");
  return text ? text->string() : "";
}

Data action_item(const char* verb, std::string label) {
  Data d;
  d.set("verb", verb);
  d.set("label", std::move(label));
  return d;
}

}  // namespace

Data profile_actions(const PageContext& c, const social::Account& a) {
  if (!c.me) return Data(false);
  Data d;
  d.set("owner", c.me->account.id == a.id);
  if (c.me->account.id == a.id) return d;
  const std::string name = name_of(a);
  d.set("person", name);
  d.set("base", profile_path(a));
  d.set("csrf", c.csrf());
  auto rels = c.s.relationships.relationships(c.viewer(), {a.id});
  if (!rels.has_value() || rels->empty()) return Data(false);
  const social::RelationshipView& r = rels->front();
  auto restricting = c.s.holds.restricts(c.me->account.id, a.id);
  const bool restricts = restricting.has_value() && *restricting;

  Data notes = list();
  if (r.followed_by) notes.push_back(Data(c.t("people.follows_you")));
  if (r.blocking) notes.push_back(Data(c.t("people.you_blocked", {{"name", name}})));
  if (r.muting) {
    auto mute = c.s.relationships.mute_of(c.me->account.id, a.id);
    if (mute.has_value() && *mute && (*mute)->expires_at_ms > 0)
      notes.push_back(
          Data(c.t("people.you_muted_until", {{"name", name}, {"date", when_words(c, (*mute)->expires_at_ms)}})));
    else
      notes.push_back(Data(c.t("people.you_muted", {{"name", name}})));
  }
  if (restricts)
    notes.push_back(
        Data(c.t("people.you_restrict", {{"name", name}})));
  d.set("notes", std::move(notes));
  d.set("asks", r.requested_by);

  d.set("follow", false);
  if (!r.blocking && !r.blocked_by) {
    Data f;
    f.set("requested", r.requested);
    f.set("locked", a.locked && !r.following);
    f.set("primary", !r.following && !r.requested);
    if (r.following) {
      f.set("verb", "unfollow");
      f.set("label", c.t("people.unfollow"));
    } else if (r.requested) {
      // Withdrawing a request is unfollow (RelationshipService::unfollow).
      f.set("verb", "unfollow");
      f.set("label", c.t("people.cancel_request"));
    } else {
      f.set("verb", "follow");
      f.set("label", r.followed_by ? c.t("people.follow_back") : c.t("people.follow"));
    }
    d.set("follow", std::move(f));
  }

  Data undo = list();
  Data links = list();
  if (r.blocking)
    undo.push_back(action_item("unblock", c.t("people.unblock_name", {{"name", name}})));
  else
    links.push_back(action_item("block", c.t("people.block_name", {{"name", name}})));
  if (r.muting)
    undo.push_back(action_item("unmute", c.t("people.unmute_name", {{"name", name}})));
  else
    links.push_back(action_item("mute", c.t("people.mute_name", {{"name", name}})));
  if (restricts)
    undo.push_back(action_item("unrestrict", c.t("people.unrestrict_name", {{"name", name}})));
  else
    links.push_back(action_item("restrict", c.t("people.restrict_name", {{"name", name}})));
  d.set("undo", std::move(undo));
  d.set("links", std::move(links));
  return d;
}

void register_people_pages(const Routes& r) {
  using http::Method;
  const auto user = Need::kSignedIn;
  auto get = [&](const char* path, auto handler) {
    r.router.add(Method::kGet, path, signed_in_page(r.s, r.assets, r.limiter, handler));
  };
  auto post = [&](const char* path, auto handler) {
    r.router.add(Method::kPost, path, action(r.s, r.assets, r.limiter, user, handler));
  };
  get("/@:acct/block", confirm<kBlock>);
  get("/@:acct/mute", confirm<kMute>);
  get("/@:acct/restrict", confirm<kRestrict>);
  post("/@:acct/follow", follow_post);
  post("/@:acct/unfollow", unfollow_post);
  post("/@:acct/block", block_post);
  post("/@:acct/unblock", unblock_post);
  post("/@:acct/mute", mute_post);
  post("/@:acct/unmute", unmute_post);
  post("/@:acct/restrict", restrict_post);
  post("/@:acct/unrestrict", unrestrict_post);
  post("/@:acct/authorize", answer_post<true>);
  post("/@:acct/reject", answer_post<false>);
  register_feed_pages(r);
  register_notification_pages(r);
  register_memory_pages(r);
}

}  // namespace kindred::web
