// FilterService: the cached, compiled filters of each account, their writes, and matching.
#include "social/care/filters.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

#include "core/request_scope.h"
#include "social/posts/posts.h"
#include "social/model/text.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

// ---- matching ----

namespace {

struct Pattern {
  pcre2_code* code = nullptr;
  explicit Pattern(pcre2_code* c) : code(c) {}
  ~Pattern() { pcre2_code_free(code); }
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;
};

// One keyword as Mastodon's CustomFilterKeyword#to_regex makes it: the keyword literally, and
// when whole_word, \b before it if it starts with a word character and \b after it if it ends
// with one. `(?:(?<!\w)|(?!\w))` is exactly that condition written without looking at the
// keyword: before a word character it is \b, before any other it always holds.
std::string keyword_regex(const FilterKeyword& k) {
  std::string out = "(?:";
  if (k.whole_word) out += "(?:(?<!\\w)|(?!\\w))";
  for (char c : k.keyword) {
    const auto u = static_cast<unsigned char>(c);
    const bool alnum = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
    if (u < 0x80 && !alnum) out += '\\';  // any escaped ASCII punctuation or space is literal
    out += c;
  }
  if (k.whole_word) out += "(?:(?!\\w)|(?<!\\w))";
  out += ')';
  return out;
}

// The keywords as one pattern, like Mastodon's Regexp.union of them: case-insensitive with
// Unicode case folding, \w and \b over Unicode letters and digits. Null when there are none or
// the pattern does not compile (a keyword that is not UTF-8; input validation refuses those).
std::shared_ptr<const Pattern> compile(const std::vector<FilterKeyword>& keywords) {
  if (keywords.empty()) return nullptr;
  std::string source;
  for (const auto& k : keywords) {
    if (!source.empty()) source += '|';
    source += keyword_regex(k);
  }
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                                   PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
  if (code == nullptr) return nullptr;
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // interpreted if the JIT is unavailable
  return std::make_shared<const Pattern>(code);
}

// Mastodon's Status#searchable_text for a local status: spoiler text, the text as written and
// the photos' descriptions, joined by blank lines (Kindred has no polls).
std::string searchable_text(const PostView& v) {
  std::string s = v.post.spoiler_text;
  s += "\n\n";
  s += v.post.text;
  s += "\n\n";
  for (size_t i = 0; i < v.media.size(); ++i) {
    if (i > 0) s += "\n\n";
    s += v.media[i].description;
  }
  return s;
}

struct MatchDataDeleter {
  void operator()(pcre2_match_data* m) const { pcre2_match_data_free(m); }
};

}  // namespace

struct FilterService::Compiled {
  std::shared_ptr<const Filter> filter;
  std::shared_ptr<const Pattern> keywords;  // null when the filter has no keywords
};

struct FilterService::Snapshot {
  std::vector<Compiled> filters;  // oldest first
};

// ---- service ----

FilterService::FilterService(Deps deps, const PostService& posts)
    : deps_(deps), posts_(posts), cache_(deps.config.account_cache_entries) {}

FilterService::~FilterService() = default;

Status FilterService::load_owners() {
  std::unordered_set<Id> owners;
  store::RangeQuery q;
  q.limit = 1000;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(store::kInstanceNode, AssocType::kFilterOwners, q));
    for (const auto& a : page.items) owners.insert(a.to);
    if (!page.more || page.items.empty()) break;
    q.max_position = page.items.back().position;
  }
  std::unique_lock lock(owners_mu_);
  owners_ = std::move(owners);
  return Status::ok();
}

std::mutex& FilterService::lock_for(Id account) const {
  return locks_[std::hash<Id>()(account) % locks_.size()];
}

Result<std::shared_ptr<const FilterService::Snapshot>> FilterService::load_locked(Id account) const {
  if (auto cached = cache_.find(account); cached && *cached) return *cached;
  store::RangeQuery q;
  q.limit = kMaxFilters + 1;
  q.oldest_first = true;
  KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(account, AssocType::kFilters, q));
  std::vector<Id> ids;
  for (const auto& a : page.items) ids.push_back(a.to);
  auto snap = std::make_shared<Snapshot>();
  if (!ids.empty()) {
    KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(ObjectType::kFilter, ids));
    for (const auto& b : blobs) {
      if (!b) continue;
      KINDRED_ASSIGN_OR_RETURN(Filter f, Filter::decode(*b));
      auto shared = std::make_shared<const Filter>(std::move(f));
      snap->filters.push_back({shared, compile(shared->keywords)});
    }
  }
  std::shared_ptr<const Snapshot> out = std::move(snap);
  cache_.put(account, out);
  return out;
}

Result<std::shared_ptr<const FilterService::Snapshot>> FilterService::snapshot(Id account) const {
  // Most people have no filters: known in memory, with no store read, lock or cache entry per
  // reader (a like storm brings a new reader with every request).
  static const std::shared_ptr<const Snapshot> kNone = std::make_shared<const Snapshot>();
  if (!CacheAge::bounded()) {
    std::shared_lock lock(owners_mu_);
    if (!owners_.contains(account)) return kNone;
  }
  if (auto cached = cache_.find(account); cached && *cached) return *cached;
  if (CacheAge::bounded() && RequestScope::current() != 0) {
    // With several nodes another node may have added the account's first filter, so the exact
    // count says instead. The request has read it already with the viewer's other flags
    // (AccountService::viewer_flags), and over PostgreSQL a request reads each count once.
    // Outside a request (the streaming hub deciding what each subscriber is shown) no other read
    // shares the count: the snapshot is loaded and kept for the age bound instead.
    KINDRED_ASSIGN_OR_RETURN(int64_t filters, deps_.store.assoc_count(account, AssocType::kFilters));
    if (filters == 0) return kNone;
  }
  // Loaded under the account's lock, so a load never races a write of the same account and
  // cannot put back filters a write has just replaced.
  std::scoped_lock lock(lock_for(account));
  return load_locked(account);
}

Result<std::vector<Filter>> FilterService::list(Id account) const {
  KINDRED_ASSIGN_OR_RETURN(auto snap, snapshot(account));
  std::vector<Filter> out;
  out.reserve(snap->filters.size());
  for (const auto& c : snap->filters) out.push_back(*c.filter);
  return out;
}

Result<Filter> FilterService::get(Id account, Id filter_id) const {
  KINDRED_ASSIGN_OR_RETURN(auto snap, snapshot(account));
  for (const auto& c : snap->filters)
    if (c.filter->id == filter_id) return *c.filter;
  return Status::not_found("Record not found");
}

Result<FilterKeyword> FilterService::keyword(Id account, Id keyword_id) const {
  KINDRED_ASSIGN_OR_RETURN(auto snap, snapshot(account));
  for (const auto& c : snap->filters)
    for (const auto& k : c.filter->keywords)
      if (k.id == keyword_id) return k;
  return Status::not_found("Record not found");
}

Result<FilterStatus> FilterService::status(Id account, Id filter_status_id) const {
  KINDRED_ASSIGN_OR_RETURN(auto snap, snapshot(account));
  for (const auto& c : snap->filters)
    for (const auto& s : c.filter->statuses)
      if (s.id == filter_status_id) return s;
  return Status::not_found("Record not found");
}

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}


// Mastodon's validations of a keyword (presence, length) plus one of Kindred's: it must be text
// that compiles (valid UTF-8).
Status check_keyword(const FilterKeyword& k) {
  if (trim(k.keyword).empty()) return Status::invalid_argument("Validation failed: Keyword can't be blank");
  KINDRED_RETURN_IF_ERROR(check_length("Keyword", k.keyword, kMaxFilterKeywordChars));
  if (!compile({k})) return Status::invalid_argument("Validation failed: Keyword is invalid");
  return Status::ok();
}

// Applies the edit's fields to `f` and checks the result as Mastodon validates a filter.
Status apply_edit(Filter& f, const FilterEdit& e, int64_t now_ms, IdGenerator& ids) {
  if (e.title) f.title = trim(*e.title);
  if (f.title.empty()) return Status::invalid_argument("Validation failed: Title can't be blank");
  KINDRED_RETURN_IF_ERROR(check_length("Title", f.title, kMaxFilterTitleChars));
  if (e.context) {
    // Mastodon strips each value and drops blank ones, then requires at least one, all known.
    uint8_t bits = 0;
    for (const auto& name : *e.context) {
      const std::string n = trim(name);
      if (n.empty()) continue;
      KINDRED_ASSIGN_OR_RETURN(FilterContext c, parse_filter_context(n));
      bits |= static_cast<uint8_t>(c);
    }
    f.context = bits;
  }
  if (f.context == 0)
    return Status::invalid_argument(
        "Validation failed: Context can't be blank, Context None or invalid context supplied");
  if (e.filter_action) {
    KINDRED_ASSIGN_OR_RETURN(f.action, parse_filter_action(*e.filter_action));
  }
  if (e.expires_in_set) {
    if (!e.expires_in) {
      f.expires_at_ms = 0;
    } else {
      if (*e.expires_in <= 0 || *e.expires_in > 10LL * 366 * 24 * 3600)
        return Status::invalid_argument("Validation failed: Expires in must be a positive number of seconds");
      f.expires_at_ms = now_ms + *e.expires_in * 1000;
    }
  }
  for (const auto& k : e.keywords) {
    if (k.id.is_none()) {
      if (k.destroy) continue;
      FilterKeyword nk;
      nk.id = ids.next();
      nk.keyword = k.keyword.value_or("");
      nk.whole_word = k.whole_word.value_or(true);
      KINDRED_RETURN_IF_ERROR(check_keyword(nk));
      f.keywords.push_back(std::move(nk));
      continue;
    }
    auto it = std::find_if(f.keywords.begin(), f.keywords.end(),
                           [&](const FilterKeyword& x) { return x.id == k.id; });
    if (it == f.keywords.end()) return Status::not_found("Record not found");
    if (k.destroy) {
      f.keywords.erase(it);
      continue;
    }
    if (k.keyword) it->keyword = *k.keyword;
    if (k.whole_word) it->whole_word = *k.whole_word;
    KINDRED_RETURN_IF_ERROR(check_keyword(*it));
  }
  if (f.keywords.size() > kMaxFilterKeywords)
    return Status::invalid_argument("Validation failed: a filter has at most " +
                                    std::to_string(kMaxFilterKeywords) + " keywords");
  return Status::ok();
}

}  // namespace

Status FilterService::write(Id account, const Filter& filter, bool is_new, const Snapshot& current) {
  store::Batch b;
  b.put_object(ObjectType::kFilter, filter.id, filter.encode());
  if (is_new) b.add_assoc({account, AssocType::kFilters, filter.id, filter.id, {}});
  const bool first = is_new && current.filters.empty();
  if (first) b.add_assoc({store::kInstanceNode, AssocType::kFilterOwners, account, account, {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  if (first) {
    std::unique_lock owners_lock(owners_mu_);
    owners_.insert(account);
  }
  auto next = std::make_shared<Snapshot>();
  auto shared = std::make_shared<const Filter>(filter);
  bool replaced = false;
  for (const auto& c : current.filters) {
    if (c.filter->id != filter.id) {
      next->filters.push_back(c);  // unchanged: its compiled pattern is reused
      continue;
    }
    // Recompiled only when the keywords changed.
    next->filters.push_back({shared, c.filter->keywords == filter.keywords ? c.keywords
                                                                           : compile(filter.keywords)});
    replaced = true;
  }
  if (!replaced) next->filters.push_back({shared, compile(filter.keywords)});
  cache_.put(account, std::move(next));
  return Status::ok();
}

namespace {

const Filter* find_filter(const std::vector<FilterService::Compiled>& fs, Id id);

}  // namespace

Result<Filter> FilterService::create(Id account, const FilterEdit& edit) {
  Filter f;
  f.account_id = account;
  f.created_at_ms = deps_.clock.now_ms();
  if (!edit.context)
    return Status::invalid_argument(
        "Validation failed: Context can't be blank, Context None or invalid context supplied");
  KINDRED_RETURN_IF_ERROR(apply_edit(f, edit, f.created_at_ms, deps_.ids));
  std::scoped_lock lock(lock_for(account));
  KINDRED_ASSIGN_OR_RETURN(auto snap, load_locked(account));
  if (snap->filters.size() >= kMaxFilters)
    return Status::invalid_argument("Validation failed: at most " + std::to_string(kMaxFilters) +
                                    " filters per account");
  f.id = deps_.ids.next();
  KINDRED_RETURN_IF_ERROR(write(account, f, true, *snap));
  return f;
}

Result<Filter> FilterService::update(Id account, Id filter_id, const FilterEdit& edit) {
  std::scoped_lock lock(lock_for(account));
  KINDRED_ASSIGN_OR_RETURN(auto snap, load_locked(account));
  const Filter* current = find_filter(snap->filters, filter_id);
  if (!current) return Status::not_found("Record not found");
  Filter f = *current;
  KINDRED_RETURN_IF_ERROR(apply_edit(f, edit, deps_.clock.now_ms(), deps_.ids));
  KINDRED_RETURN_IF_ERROR(write(account, f, false, *snap));
  return f;
}

Status FilterService::remove(Id account, Id filter_id) {
  std::scoped_lock lock(lock_for(account));
  KINDRED_ASSIGN_OR_RETURN(auto snap, load_locked(account));
  if (!find_filter(snap->filters, filter_id)) return Status::not_found("Record not found");
  store::Batch b;
  b.delete_object(ObjectType::kFilter, filter_id);
  b.remove_assoc(account, AssocType::kFilters, filter_id);
  const bool last = snap->filters.size() == 1;
  if (last) b.remove_assoc(store::kInstanceNode, AssocType::kFilterOwners, account);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  if (last) {
    std::unique_lock owners_lock(owners_mu_);
    owners_.erase(account);
  }
  auto next = std::make_shared<Snapshot>();
  for (const auto& c : snap->filters)
    if (c.filter->id != filter_id) next->filters.push_back(c);
  cache_.put(account, std::move(next));
  return Status::ok();
}

Result<Filter> FilterService::modify(Id account, const std::function<bool(const Filter&)>& pick,
                                     const std::function<Status(Filter&)>& change) {
  std::scoped_lock lock(lock_for(account));
  KINDRED_ASSIGN_OR_RETURN(auto snap, load_locked(account));
  for (const auto& c : snap->filters) {
    if (!pick(*c.filter)) continue;
    Filter f = *c.filter;
    KINDRED_RETURN_IF_ERROR(change(f));
    KINDRED_RETURN_IF_ERROR(write(account, f, false, *snap));
    return f;
  }
  return Status::not_found("Record not found");
}

namespace {

const Filter* find_filter(const std::vector<FilterService::Compiled>& fs, Id id) {
  for (const auto& c : fs)
    if (c.filter->id == id) return c.filter.get();
  return nullptr;
}

bool has_keyword(const Filter& f, Id id) {
  return std::any_of(f.keywords.begin(), f.keywords.end(), [&](const FilterKeyword& k) { return k.id == id; });
}

bool has_status(const Filter& f, Id id) {
  return std::any_of(f.statuses.begin(), f.statuses.end(), [&](const FilterStatus& s) { return s.id == id; });
}

}  // namespace

Result<FilterKeyword> FilterService::add_keyword(Id account, Id filter_id, const KeywordEdit& edit) {
  FilterKeyword k;
  k.keyword = edit.keyword.value_or("");
  k.whole_word = edit.whole_word.value_or(true);
  KINDRED_RETURN_IF_ERROR(check_keyword(k));
  auto done = modify(account, [&](const Filter& f) { return f.id == filter_id; },
             [&](Filter& f) {
               if (f.keywords.size() >= kMaxFilterKeywords)
                 return Status::invalid_argument("Validation failed: a filter has at most " +
                                                 std::to_string(kMaxFilterKeywords) + " keywords");
               k.id = deps_.ids.next();
               f.keywords.push_back(k);
               return Status::ok();
             });
  if (!done.has_value()) return done.error();
  return k;
}

Result<FilterKeyword> FilterService::update_keyword(Id account, Id keyword_id, const KeywordEdit& edit) {
  FilterKeyword out;
  auto done = modify(account, [&](const Filter& f) { return has_keyword(f, keyword_id); },
             [&](Filter& f) {
               for (auto& k : f.keywords) {
                 if (k.id != keyword_id) continue;
                 if (edit.keyword) k.keyword = *edit.keyword;
                 if (edit.whole_word) k.whole_word = *edit.whole_word;
                 if (Status st = check_keyword(k); !st.is_ok()) return st;
                 out = k;
               }
               return Status::ok();
             });
  if (!done.has_value()) return done.error();
  return out;
}

Status FilterService::remove_keyword(Id account, Id keyword_id) {
  return modify(account, [&](const Filter& f) { return has_keyword(f, keyword_id); },
                [&](Filter& f) {
                  std::erase_if(f.keywords, [&](const FilterKeyword& k) { return k.id == keyword_id; });
                  return Status::ok();
                })
      .status();
}

Result<FilterStatus> FilterService::add_status(Id account, Id filter_id, Id status_id) {
  // As Mastodon's CustomFilterStatus: the status must exist and be one the account may see.
  KINDRED_RETURN_IF_ERROR(get(account, filter_id).status());
  if (status_id.is_none() || !posts_.get_visible_post(Viewer{account}, status_id).has_value())
    return Status::invalid_argument("Validation failed: Status must exist");
  FilterStatus s;
  auto done = modify(account, [&](const Filter& f) { return f.id == filter_id; },
             [&](Filter& f) {
               for (const auto& x : f.statuses)
                 if (x.status_id == status_id)
                   return Status::invalid_argument("Validation failed: Status has already been taken");
               if (f.statuses.size() >= kMaxFilterStatuses)
                 return Status::invalid_argument("Validation failed: a filter has at most " +
                                                 std::to_string(kMaxFilterStatuses) + " statuses");
               s.id = deps_.ids.next();
               s.status_id = status_id;
               f.statuses.push_back(s);
               return Status::ok();
             });
  if (!done.has_value()) return done.error();
  return s;
}

Status FilterService::remove_status(Id account, Id filter_status_id) {
  return modify(account, [&](const Filter& f) { return has_status(f, filter_status_id); },
                [&](Filter& f) {
                  std::erase_if(f.statuses, [&](const FilterStatus& s) { return s.id == filter_status_id; });
                  return Status::ok();
                })
      .status();
}

// Mastodon's CustomFilter.apply_cached_filters, for each of the viewer's active filters:
// keyword_matches is the first text the filter's keywords match in the status's searchable
// text (of the original, on a reblog), or null; status_matches the status's own id and its
// original's that the filter lists, or null when the filter lists none (an empty array when it
// lists others); a filter matches when either is non-empty. StatusRelationshipsPresenter gives a
// reblog's original the reblog's results, and so do we. Every active filter counts, whatever its
// context: contexts are for the client, and for hidden_by_filters.
Status FilterService::annotate(Id viewer, std::vector<PostView>& views) const {
  if (viewer.is_none() || views.empty()) return Status::ok();
  KINDRED_ASSIGN_OR_RETURN(auto snap, snapshot(viewer));
  const int64_t now = deps_.clock.now_ms();
  std::vector<const Compiled*> active;
  for (const auto& c : snap->filters)
    if (c.filter->active_at(now)) active.push_back(&c);
  if (active.empty()) {
    for (auto& v : views) v.filtered.clear();  // empty already when fresh from views_of
    return Status::ok();
  }

  std::unique_ptr<pcre2_match_data, MatchDataDeleter> match(pcre2_match_data_create(1, nullptr));
  if (!match) return Status::internal("out of memory matching filters");
  std::string subject;
  for (auto& v : views) {
    const PostView& proper = v.reblog ? *v.reblog : v;
    subject.clear();
    bool have_subject = false;
    std::vector<FilterResult> results;
    for (const Compiled* c : active) {
      FilterResult r;
      r.filter = c->filter;
      if (c->keywords) {
        if (!have_subject) {
          subject = searchable_text(proper);
          have_subject = true;
        }
        const int rc = pcre2_match(c->keywords->code, reinterpret_cast<PCRE2_SPTR>(subject.data()),
                                   subject.size(), 0, 0, match.get(), nullptr);
        if (rc > 0) {
          const PCRE2_SIZE* o = pcre2_get_ovector_pointer(match.get());
          r.keyword_matches.emplace().push_back(subject.substr(o[0], o[1] - o[0]));
        }
      }
      if (!c->filter->statuses.empty()) {
        auto& ids = r.status_matches.emplace();
        for (Id id : {v.post.id, v.post.reblog_of_id}) {
          if (id.is_none()) continue;
          for (const auto& s : c->filter->statuses)
            if (s.status_id == id) ids.push_back(id);
        }
      }
      const bool matched = (r.keyword_matches && !r.keyword_matches->empty()) ||
                           (r.status_matches && !r.status_matches->empty());
      if (matched) results.push_back(std::move(r));
    }
    if (v.reblog && (!results.empty() || !v.reblog->filtered.empty())) {
      auto original = std::make_shared<PostView>(*v.reblog);
      original->filtered = results;
      v.reblog = std::move(original);
    }
    v.filtered = std::move(results);
  }
  return Status::ok();
}

}  // namespace kindred::social
