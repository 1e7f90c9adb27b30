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
constexpr std::array<Duration, 5> kMuteDurations{{{0, "Until I unmute them"},
                                                  {3600, "1 hour"},
                                                  {86400, "1 day"},
                                                  {7 * 86400, "7 days"},
                                                  {30 * 86400, "30 days"}}};

// The account `/@:acct` names, as its profile finds it: only a local, approved username.
Result<social::Account> target_of(const PageContext& c) {
  const std::string_view acct = c.req.param("acct");
  if (acct.empty() || acct.find('@') != std::string_view::npos)
    return Status::not_found("No such account");
  auto found = c.s.accounts.lookup(acct);
  if (!found.has_value()) return found.error();
  if (!found->approved) return Status::not_found("No such account");
  return *found;
}

// "/@ann/block" -> what the confirmation page says and sends.
struct Confirm {
  const char* verb;     // the POST it makes: /@name/<verb>
  const char* heading;  // "Block %s?"
  const char* button;
  const char* button_class;
  std::vector<std::string> (*paragraphs)(const std::string& name);
};

std::vector<std::string> block_words(const std::string& name) {
  return {"You stop following each other, and " + name +
              " can no longer follow you, see your posts while signed in, comment on them or "
              "mention you in a way that reaches you.",
          "They are not told. You can unblock them later from their profile."};
}
std::vector<std::string> mute_words(const std::string& name) {
  return {"You stop seeing " + name +
              "'s posts in your home feed. They can still follow you and see your posts, and they "
              "are not told.",
          "You can unmute them at any time from their profile."};
}
std::vector<std::string> restrict_words(const std::string& name) {
  return {"New comments by " + name +
              " on your posts are held for your review: nobody else sees them until you approve "
              "them. Nothing else changes, and they are not told.",
          "You can unrestrict them at any time from their profile."};
}

constexpr Confirm kBlock{"block", "Block ", "Block", "danger", block_words};
constexpr Confirm kMute{"mute", "Mute ", "Mute", "primary", mute_words};
constexpr Confirm kRestrict{"restrict", "Restrict ", "Restrict", "primary", restrict_words};

// The mute form's choices, with the one sent (or the default) checked.
Data mute_data(int64_t duration, bool notifications, const std::string& error) {
  Data m;
  m.set("error", error.empty() ? Data(false) : Data(error));
  Data durations = list();
  for (const auto& d : kMuteDurations) {
    Data item;
    item.set("value", std::to_string(d.seconds));
    item.set("label", d.label);
    item.set("checked", d.seconds == duration);
    durations.push_back(std::move(item));
  }
  m.set("durations", std::move(durations));
  Data choices = list();
  for (bool on : {true, false}) {
    Data item;
    item.set("value", on ? "1" : "0");
    item.set("label", on ? "Hide their notifications too" : "Keep showing their notifications");
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
  d.set("heading", std::string(what.heading) + name + "?");
  Data paragraphs = list();
  for (auto& p : what.paragraphs(name)) paragraphs.push_back(Data(std::move(p)));
  d.set("paragraphs", std::move(paragraphs));
  d.set("action", profile_path(a) + "/" + what.verb);
  d.set("csrf", c.csrf());
  d.set("back", profile_path(a));
  d.set("button", what.button);
  d.set("button_class", what.button_class);
  d.set("mute", std::move(mute));
  Page p;
  p.title = std::string(what.heading) + name + "? · " + c.s.config.title;
  p.styles = {"forms.css"};
  p.body_html = render("person_confirm", d);
  return page_response(c, status, std::move(p));
}

// GET /@:acct/block, /mute, /restrict: what it does, and the form that does it.
template <const Confirm& kWhat>
http::Response confirm(const PageContext& c) {
  auto a = target_of(c);
  if (!a.has_value()) return failure(c, a.error());
  if (a->id == c.me->account.id)
    return refused(c, 422, std::string("You cannot ") + kWhat.verb + " yourself.", profile_path(*a),
                   "Back to your profile");
  if (&kWhat == &kMute) return confirm_page(c, kWhat, *a, 200, mute_data(0, true, ""));
  return confirm_page(c, kWhat, *a);
}

// What one form does to the person the path names, and what a refusal says.
struct Act {
  const char* self;    // the sentence for acting on oneself
  const char* denied;  // the sentence for PermissionDenied ("%s" is not used: it is appended)
};

// Runs `act(target)` on the person `/@:acct` names and goes back to their profile. Acting on
// oneself, or what the service refuses, is a 422 page saying why; an unknown person is the 404.
template <class F>
http::Response on_person(const PageContext& c, const Act& words, F act) {
  auto a = target_of(c);
  if (!a.has_value()) return failure(c, a.error());
  const std::string back = profile_path(*a);
  if (a->id == c.me->account.id) return refused(c, 422, words.self, back, "Back to your profile");
  Status st = act(*a);
  if (st.code() == StatusCode::kPermissionDenied || st.code() == StatusCode::kInvalidArgument)
    return refused(c, 422, std::string(words.denied) + " " + name_of(*a) + ".", back,
                   "Back to " + name_of(*a) + "'s profile");
  if (!st.is_ok()) return failure(c, st);
  return see_other(return_path(c, back));
}

http::Response follow_post(const PageContext& c) {
  return on_person(
      c, {"You cannot follow yourself.", "One of you has blocked the other, so you cannot follow"},
      [&](const social::Account& a) {
        return c.s.relationships.follow(c.viewer(), a.id).status();
      });
}
http::Response unfollow_post(const PageContext& c) {
  return on_person(c, {"You cannot unfollow yourself.", "You cannot unfollow"},
                   [&](const social::Account& a) {
                     return c.s.relationships.unfollow(c.viewer(), a.id).status();
                   });
}
http::Response block_post(const PageContext& c) {
  return on_person(
      c, {"You cannot block yourself.", "You cannot block"},
      [&](const social::Account& a) { return c.s.relationships.block(c.viewer(), a.id).status(); });
}
http::Response unblock_post(const PageContext& c) {
  return on_person(c, {"You cannot unblock yourself.", "You cannot unblock"},
                   [&](const social::Account& a) {
                     return c.s.relationships.unblock(c.viewer(), a.id).status();
                   });
}
http::Response unmute_post(const PageContext& c) {
  return on_person(c, {"You cannot unmute yourself.", "You cannot unmute"},
                   [&](const social::Account& a) {
                     return c.s.relationships.unmute(c.viewer(), a.id).status();
                   });
}
http::Response restrict_post(const PageContext& c) {
  return on_person(c, {"You cannot restrict yourself.", "You cannot restrict"},
                   [&](const social::Account& a) { return c.s.holds.restrict(c.viewer(), a.id); });
}
http::Response unrestrict_post(const PageContext& c) {
  return on_person(
      c, {"You cannot unrestrict yourself.", "You cannot unrestrict"},
      [&](const social::Account& a) { return c.s.holds.unrestrict(c.viewer(), a.id); });
}

// POST /@:acct/mute: duration (seconds, one of the form's) and notifications (1 or 0). Anything
// else is the form again with the reason beside it; nothing is muted.
http::Response mute_post(const PageContext& c) {
  auto a = target_of(c);
  if (!a.has_value()) return failure(c, a.error());
  if (a->id == c.me->account.id)
    return refused(c, 422, "You cannot mute yourself.", profile_path(*a), "Back to your profile");
  const std::string duration = c.field("duration").empty() ? "0" : c.field("duration");
  const std::string notify = c.field("notifications").empty() ? "1" : c.field("notifications");
  const bool notifications = notify != "0";
  std::optional<int64_t> seconds;
  for (const auto& d : kMuteDurations)
    if (duration == std::to_string(d.seconds)) seconds = d.seconds;
  if (!seconds)
    return confirm_page(c, kMute, *a, 422,
                        mute_data(0, notifications,
                                  "Choose how long to mute them: until you unmute them, 1 hour, 1 "
                                  "day, 7 days or 30 days."));
  if (notify != "0" && notify != "1")
    return confirm_page(
        c, kMute, *a, 422,
        mute_data(*seconds, true, "Choose whether to hide their notifications too."));
  return on_person(
      c, {"You cannot mute yourself.", "You cannot mute"}, [&](const social::Account& t) {
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
        c, 404, name_of(*a) + " has no request to follow you waiting. They may have withdrawn it.",
        back, "Go back");
  if (!done.has_value()) return failure(c, done.error());
  return see_other(back);
}

// "3 March 2024, 12:00 UTC" for a time.
std::string when_words(int64_t ms) {
  Data t = time_data(ms);
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
  if (r.followed_by) notes.push_back(Data("Follows you"));
  if (r.blocking) notes.push_back(Data("You blocked " + name + "."));
  if (r.muting) {
    auto mute = c.s.relationships.mute_of(c.me->account.id, a.id);
    if (mute.has_value() && *mute && (*mute)->expires_at_ms > 0)
      notes.push_back(
          Data("You muted " + name + " until " + when_words((*mute)->expires_at_ms) + "."));
    else
      notes.push_back(Data("You muted " + name + "."));
  }
  if (restricts)
    notes.push_back(
        Data("You restrict " + name + ": their new comments on your posts wait for your review."));
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
      f.set("label", "Unfollow");
    } else if (r.requested) {
      // Withdrawing a request is unfollow (RelationshipService::unfollow).
      f.set("verb", "unfollow");
      f.set("label", "Cancel request");
    } else {
      f.set("verb", "follow");
      f.set("label", r.followed_by ? "Follow back" : "Follow");
    }
    d.set("follow", std::move(f));
  }

  Data undo = list();
  Data links = list();
  if (r.blocking)
    undo.push_back(action_item("unblock", "Unblock " + name));
  else
    links.push_back(action_item("block", "Block " + name));
  if (r.muting)
    undo.push_back(action_item("unmute", "Unmute " + name));
  else
    links.push_back(action_item("mute", "Mute " + name));
  if (restricts)
    undo.push_back(action_item("unrestrict", "Unrestrict " + name));
  else
    links.push_back(action_item("restrict", "Restrict " + name));
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
