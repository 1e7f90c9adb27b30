// Notifications: v1 (GET /api/v1/notifications, /:id, POST /:id/dismiss, /clear, unread_count),
// Mastodon 4.3's grouped v2 (/api/v2/notifications, /:group_key, /dismiss, /accounts,
// unread_count) and read markers (/api/v1/markers).
#include <algorithm>

#include "api/mastodon/entities/admin.h"
#include "api/mastodon/handler.h"
#include "social/graph/notifications.h"

namespace kindred::api {

namespace {

// Mastodon's type names. Ones Kindred never sends (status, admin.*...)
// match nothing; so does an unknown name.
Result<social::NotificationQuery> read_query(const Input& in, bool& matches_nothing,
                                            size_t default_limit = 40, size_t max_limit = 80) {
  social::NotificationQuery q;
  KINDRED_ASSIGN_OR_RETURN(q.page, parse_list_query(in, default_limit, max_limit));
  KINDRED_ASSIGN_OR_RETURN(auto types, in.strings("types"));
  KINDRED_ASSIGN_OR_RETURN(auto excluded, in.strings("exclude_types"));
  KINDRED_ASSIGN_OR_RETURN(auto account, in.id("account_id"));
  for (const auto& t : types)
    if (auto parsed = social::parse_notification_type(t)) q.types.push_back(*parsed);
  matches_nothing = !types.empty() && q.types.empty();
  for (const auto& t : excluded)
    if (auto parsed = social::parse_notification_type(t)) q.exclude_types.push_back(*parsed);
  q.account_id = account.value_or(Id());
  return q;
}

}  // namespace

void write_notification(entities::JsonWriter& w, const social::NotificationView& v,
                        const ApiConfig& c) {
  const auto& n = v.notification;
  w.begin_object()
      .member("id", n.id.to_string())
      .member("type", social::notification_type_name(n.type))
      .member("created_at", entities::iso8601(n.id.ms()))
      .member("group_key", social::group_key_of(n, true));
  w.key("account");
  entities::write_account(w, v.account, c);
  if (v.status) {
    w.key("status");
    entities::write_status(w, *v.status, c);
  }
  if (v.warning) {
    w.key("moderation_warning");
    entities::write_account_warning(w, *v.warning, c);
  }
  w.end_object();
}

namespace {

// Mastodon's GroupedNotificationsResults.
std::string grouped_json(const social::GroupedPage& page, const ApiConfig& c, bool paged) {
  std::string out;
  entities::JsonWriter w(out);
  w.begin_object();
  w.key("accounts").begin_array();
  for (const auto& a : page.accounts) entities::write_account(w, a, c);
  w.end_array();
  w.key("statuses").begin_array();
  for (const auto& p : page.statuses) entities::write_status(w, p, c);
  w.end_array();
  w.key("notification_groups").begin_array();
  for (const auto& g : page.groups) {
    w.begin_object()
        .member("group_key", g.key)
        .member("notifications_count", g.count)
        .member("type", social::notification_type_name(g.type))
        .member("most_recent_notification_id", g.most_recent_id.to_string());
    if (paged) {
      w.member("page_min_id", g.page_min_id.to_string())
          .member("page_max_id", g.page_max_id.to_string())
          .member("latest_page_notification_at", entities::iso8601(g.page_max_id.ms()));
    }
    w.key("sample_account_ids").begin_array();
    for (Id a : g.sample_account_ids) w.string(a.to_string());
    w.end_array();
    if (!g.status_id.is_none()) w.member("status_id", g.status_id.to_string());
    if (g.warning) {
      w.key("moderation_warning");
      entities::write_account_warning(w, *g.warning, c);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

// Notifications whose status a hide filter of the notifications context matches are left
// out; the page's cursors (Link) stay those of the unfiltered page.
void drop_hidden(std::vector<social::NotificationView>& items, Id viewer) {
  std::erase_if(items, [&](const social::NotificationView& n) {
    return n.status && social::hidden_by_filters(*n.status, social::FilterContext::kNotifications, viewer);
  });
}
void drop_hidden(social::GroupedPage& page, Id viewer) {
  std::vector<Id> hidden;
  std::erase_if(page.statuses, [&](const social::PostView& p) {
    if (!social::hidden_by_filters(p, social::FilterContext::kNotifications, viewer)) return false;
    hidden.push_back(p.post.id);
    return true;
  });
  if (hidden.empty()) return;
  std::erase_if(page.groups, [&](const social::NotificationGroup& g) {
    return !g.status_id.is_none() &&
           std::find(hidden.begin(), hidden.end(), g.status_id) != hidden.end();
  });
}

// grouped_types[]: absent means every type Kindred groups; unknown names group nothing.
social::GroupedQuery read_grouped(const Input& in, social::NotificationQuery filter,
                                  std::vector<std::string> grouped) {
  social::GroupedQuery q;
  q.filter = std::move(filter);
  q.grouped_all = !in.has("grouped_types");
  for (const auto& t : grouped)
    if (auto parsed = social::parse_notification_type(t)) q.grouped.push_back(*parsed);
  return q;
}

// A marker as Mastodon writes it.
void write_marker(entities::JsonWriter& w, const social::Marker& m) {
  w.begin_object()
      .member("last_read_id", m.last_read_id.to_string())
      .member("version", m.version)
      .member("updated_at", entities::iso8601(m.updated_at_ms))
      .end_object();
}

// `home[last_read_id]` / `notifications[last_read_id]` (form or JSON). Errors: InvalidArgument
// for a value that is not an id.
Result<std::optional<Id>> marker_param(const Input& in, std::string_view timeline) {
  for (const auto& [rest, value] : in.flattened(timeline)) {
    if (rest != "[last_read_id]") continue;
    auto id = Id::parse(value);
    if (!id || id->is_none())
      return Status::invalid_argument("Validation failed: " + std::string(timeline) +
                                      " last_read_id is not a valid id");
    return std::optional<Id>(*id);
  }
  return std::optional<Id>();
}

}  // namespace

void register_notification_routes(http::Router& router, ApiServices& s) {
  // unread_count: v1 counts notifications, v2 groups, both newer than the notifications marker.
  for (bool grouped : {false, true}) {
    router.add(http::Method::kGet,
               grouped ? "/api/v2/notifications/unread_count" : "/api/v1/notifications/unread_count",
               [&s, grouped](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
      API_TRY(Input in, Input::from(req));
      bool matches_nothing = false;
      API_TRY(social::NotificationQuery q, read_query(in, matches_nothing, 100, 1000));
      int64_t count = 0;
      if (!matches_nothing) {
        API_TRY(count, s.notifications.unread_count(caller.viewer(), q, q.page.limit, grouped));
      }
      return json_text_response("{\"count\":" + std::to_string(count) + "}");
    });
  }

  router.add(http::Method::kGet, "/api/v2/notifications", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(Input in, Input::from(req));
    bool matches_nothing = false;
    API_TRY(social::NotificationQuery filter, read_query(in, matches_nothing));
    API_TRY(auto grouped_types, in.strings("grouped_types"));
    API_TRY(auto expand, in.string("expand_accounts"));
    if (expand && *expand != "full" && *expand != "partial_avatars")
      return error_response(Status::invalid_argument(
          "expand_accounts must be \"full\" or \"partial_avatars\""));
    social::GroupedPage page;
    bool covered = false;  // the unfiltered page had groups: its Link stays
    if (!matches_nothing) {
      auto q = read_grouped(in, std::move(filter), std::move(grouped_types));
      API_TRY(page, s.notifications.list_grouped(caller.viewer(), q));
      covered = !page.groups.empty();
      drop_hidden(page, caller.viewer().account_id);
    }
    auto res = json_text_response(grouped_json(page, s.config, true));
    if (covered) {
      // rel="next" (max_id: the oldest notification this page covered) only when more remain;
      // rel="prev" (min_id: the newest it covered) always. add_link_header gives "next" when
      // the positions fill the limit.
      std::vector<Id> bounds{page.newest_id, page.oldest_id};
      add_link_header(res, s.config.base_url, req, bounds, page.more ? bounds.size() : bounds.size() + 1);
    }
    return res;
  });

  router.add(http::Method::kGet, "/api/v2/notifications/:group_key", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(social::GroupedPage page, s.notifications.get_group(caller.viewer(), req.param("group_key")));
    return json_text_response(grouped_json(page, s.config, false));
  });

  router.add(http::Method::kGet, "/api/v2/notifications/:group_key/accounts", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery page, parse_list_query(in, 40, 80));
    API_TRY(auto accounts, s.notifications.group_accounts(caller.viewer(), req.param("group_key"), page.limit));
    return json_text_response(entities::accounts_json(accounts, s.config));
  });

  router.add(http::Method::kPost, "/api/v2/notifications/:group_key/dismiss", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:notifications"));
    auto done = s.notifications.dismiss_group(caller.viewer(), req.param("group_key"));
    if (!done.is_ok()) return error_response(done);
    return json_text_response("{}");
  });

  router.add(http::Method::kGet, "/api/v1/markers", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto timelines, in.strings("timeline"));
    API_TRY(social::Markers m, s.notifications.markers(caller.viewer()));
    auto wants = [&](std::string_view t) {
      return std::find(timelines.begin(), timelines.end(), t) != timelines.end();
    };
    std::string out;
    entities::JsonWriter w(out);
    w.begin_object();
    if (m.home && wants("home")) write_marker(w.key("home"), *m.home);
    if (m.notifications && wants("notifications")) write_marker(w.key("notifications"), *m.notifications);
    w.end_object();
    return json_text_response(std::move(out));
  });

  router.add(http::Method::kPost, "/api/v1/markers", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto home, marker_param(in, "home"));
    API_TRY(auto notifications, marker_param(in, "notifications"));
    if (!home && !notifications)
      return error_response(Status::invalid_argument(
          "Give home[last_read_id] or notifications[last_read_id]"));
    API_TRY(social::Markers m, s.notifications.set_markers(caller.viewer(), home, notifications));
    std::string out;
    entities::JsonWriter w(out);
    w.begin_object();
    if (home) write_marker(w.key("home"), *m.home);
    if (notifications) write_marker(w.key("notifications"), *m.notifications);
    w.end_object();
    return json_text_response(std::move(out));
  });

  router.add(http::Method::kGet, "/api/v1/notifications", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(Input in, Input::from(req));
    bool matches_nothing = false;
    API_TRY(social::NotificationQuery q, read_query(in, matches_nothing));
    if (matches_nothing) return json_text_response("[]");
    API_TRY(auto page, s.notifications.list(caller.viewer(), q));
    drop_hidden(page.items, caller.viewer().account_id);
    std::string out;
    entities::JsonWriter w(out);
    w.begin_array();
    for (const auto& v : page.items) write_notification(w, v, s.config);
    w.end_array();
    auto res = json_text_response(std::move(out));
    add_link_header(res, s.config.base_url, req, page.positions, q.page.limit);
    return res;
  });

  router.add(http::Method::kGet, "/api/v1/notifications/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::NotificationView v, s.notifications.get(caller.viewer(), id));
    std::string out;
    entities::JsonWriter w(out);
    write_notification(w, v, s.config);
    return json_text_response(std::move(out));
  });

  router.add(http::Method::kPost, "/api/v1/notifications/:id/dismiss", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:notifications"));
    API_TRY(Id id, path_id(req));
    auto done = s.notifications.dismiss(caller.viewer(), id);
    if (!done.is_ok()) return error_response(done);
    return json_text_response("{}");
  });

  router.add(http::Method::kPost, "/api/v1/notifications/clear", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:notifications"));
    auto done = s.notifications.clear(caller.viewer());
    if (!done.is_ok()) return error_response(done);
    return json_text_response("{}");
  });
}

}  // namespace kindred::api
