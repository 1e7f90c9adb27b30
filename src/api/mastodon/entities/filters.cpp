#include "api/mastodon/entities/filters.h"

#include "api/mastodon/entities/entities.h"

namespace kindred::api::entities {

void write_filter_keyword(JsonWriter& w, const social::FilterKeyword& k) {
  w.begin_object()
      .member("id", k.id.to_string())
      .member("keyword", k.keyword)
      .member("whole_word", k.whole_word)
      .end_object();
}

void write_filter_status(JsonWriter& w, const social::FilterStatus& s) {
  w.begin_object()
      .member("id", s.id.to_string())
      .member("status_id", s.status_id.to_string())
      .end_object();
}

namespace {

// A filter's "context" and "expires_at" members.
void write_context_and_expiry(JsonWriter& w, const social::Filter& f) {
  w.key("context").begin_array();
  for (social::FilterContext c : social::kFilterContexts)
    if (f.in(c)) w.string(social::filter_context_name(c));
  w.end_array();
  w.key("expires_at");
  if (f.expires_at_ms == 0) {
    w.null();
  } else {
    w.string(iso8601(f.expires_at_ms));
  }
}

}  // namespace

void write_filter(JsonWriter& w, const social::Filter& f, bool with_rules) {
  w.begin_object().member("id", f.id.to_string()).member("title", f.title);
  write_context_and_expiry(w, f);
  w.member("filter_action", social::filter_action_name(f.action));
  if (with_rules) {
    w.key("keywords").begin_array();
    for (const auto& k : f.keywords) write_filter_keyword(w, k);
    w.end_array();
    w.key("statuses").begin_array();
    for (const auto& s : f.statuses) write_filter_status(w, s);
    w.end_array();
  }
  w.end_object();
}

std::string filter_json(const social::Filter& f) {
  return to_json(f, [](JsonWriter& w, const social::Filter& x) { write_filter(w, x); });
}
std::string filters_json(const std::vector<social::Filter>& fs) {
  return to_json_array(fs, [](JsonWriter& w, const social::Filter& x) { write_filter(w, x); });
}
void write_filter_v1(JsonWriter& w, const social::FilterV1& f) {
  w.begin_object().member("id", f.keyword.id.to_string()).member("phrase", f.keyword.keyword);
  write_context_and_expiry(w, f.filter);
  w.member("whole_word", f.keyword.whole_word)
      .member("irreversible", f.filter.action == social::FilterAction::kHide)
      .end_object();
}
std::string filter_v1_json(const social::FilterV1& f) { return to_json(f, write_filter_v1); }
std::string filters_v1_json(const std::vector<social::FilterV1>& fs) {
  return to_json_array(fs, write_filter_v1);
}
std::string filter_keyword_json(const social::FilterKeyword& k) { return to_json(k, write_filter_keyword); }
std::string filter_keywords_json(const std::vector<social::FilterKeyword>& ks) {
  return to_json_array(ks, write_filter_keyword);
}
std::string filter_status_json(const social::FilterStatus& s) { return to_json(s, write_filter_status); }
std::string filter_statuses_json(const std::vector<social::FilterStatus>& ss) {
  return to_json_array(ss, write_filter_status);
}

void write_filter_results(JsonWriter& w, const std::vector<social::FilterResult>& rs) {
  w.begin_array();
  for (const auto& r : rs) {
    w.begin_object().key("filter");
    write_filter(w, *r.filter, false);
    w.key("keyword_matches");
    if (r.keyword_matches) {
      w.begin_array();
      for (const auto& k : *r.keyword_matches) w.string(k);
      w.end_array();
    } else {
      w.null();
    }
    w.key("status_matches");
    if (r.status_matches) {
      w.begin_array();
      for (Id id : *r.status_matches) w.string(id.to_string());
      w.end_array();
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
}

}  // namespace kindred::api::entities
