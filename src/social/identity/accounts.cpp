#include "social/identity/accounts.h"

#include <algorithm>
#include <cctype>

#include "social/identity/account_names.h"
#include "social/model/text.h"

namespace kindred::social {

using store::AssocType;
using store::KeyspaceType;
using store::ObjectType;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool valid_username(std::string_view u) {
  return !u.empty() && u.size() <= 30 && std::all_of(u.begin(), u.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_';
  });
}

namespace {

bool valid_email(std::string_view e) {
  const size_t at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.size() > 254) return false;
  std::string_view domain = e.substr(at + 1);
  const size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
         domain.find('@') == std::string_view::npos &&
         std::none_of(e.begin(), e.end(), [](unsigned char c) { return std::isspace(c) || c < 32; });
}

constexpr size_t kMinPassword = 8;
constexpr size_t kMaxPassword = 72;
constexpr std::string_view kBadSignIn = "Invalid email or password.";

}  // namespace

Result<Account> AccountService::register_account(const Registration& r) {
  if (mode_ == RegistrationMode::kClosed)
    return Status::permission_denied("Registrations are closed on this server");
  if (!valid_username(r.username))
    return Status::invalid_argument(
        "Validation failed: Username must contain only letters, numbers and underscores (at most 30)");
  if (!valid_email(r.email)) return Status::invalid_argument("Validation failed: Email is invalid");
  if (r.password.size() < kMinPassword)
    return Status::invalid_argument(
        "Validation failed: Password is too short (minimum is 8 characters)");
  if (r.password.size() > kMaxPassword)
    return Status::invalid_argument(
        "Validation failed: Password is too long (maximum is 72 characters)");
  if (!r.agreement) return Status::invalid_argument("Validation failed: Agreement must be accepted");
  if (r.locale.size() > 10) return Status::invalid_argument("Validation failed: Locale is invalid");
  // Cheap checks first so a taken name does not cost an argon2id hash.
  if (deps_.store.lookup_key(KeyspaceType::kUsername, ascii_lower(r.username)).has_value())
    return Status::invalid_argument("Validation failed: Username has already been taken");
  if (deps_.store.lookup_key(KeyspaceType::kEmail, ascii_lower(r.email)).has_value())
    return Status::invalid_argument("Validation failed: Email has already been taken");

  KINDRED_ASSIGN_OR_RETURN(std::string hash, hasher_.hash(r.password));
  Account a;
  a.username = r.username;
  a.email = r.email;
  a.password_hash = std::move(hash);
  a.locale = r.locale.empty() ? "en" : r.locale;
  a.approved = mode_ == RegistrationMode::kOpen;
  return store_new(std::move(a), true);
}

Result<Account> AccountService::create_account(std::string username, std::string display_name,
                                               bool verified, bool load_test, std::string password) {
  if (!valid_username(username))
    return Status::invalid_argument("Validation failed: Username is invalid");
  Account a;
  a.username = std::move(username);
  a.display_name = std::move(display_name);
  a.verified = verified;
  a.load_test = load_test;
  a.locale = "en";
  if (!password.empty()) {
    KINDRED_ASSIGN_OR_RETURN(a.password_hash, hasher_.hash(std::move(password)));
    a.email = ascii_lower(a.username) + "@" + deps_.config.domain;
  }
  return store_new(std::move(a), !a.email.empty());
}

Result<Account> AccountService::store_new(Account a, bool check_email) {
  a.id = deps_.ids.next();
  a.created_at_ms = deps_.clock.now_ms();
  store::Batch batch;
  batch.claim_key(KeyspaceType::kUsername, ascii_lower(a.username), a.id);
  if (check_email) batch.claim_key(KeyspaceType::kEmail, ascii_lower(a.email), a.id);
  batch.put_object(ObjectType::kAccount, a.id, a.encode());
  batch.add_assoc({store::kInstanceNode, AssocType::kInstanceAccounts, a.id, a.id, {}});
  add_account_name_index(batch, nullptr, a);
  auto applied = deps_.store.apply(batch);
  if (!applied.has_value()) {
    if (applied.error().is_conflict()) {
      // Lost a race for the name or the email: say which.
      if (deps_.store.lookup_key(KeyspaceType::kUsername, ascii_lower(a.username)).has_value())
        return Status::invalid_argument("Validation failed: Username has already been taken");
      return Status::invalid_argument("Validation failed: Email has already been taken");
    }
    return applied.error();
  }
  return a;
}

Result<Account> AccountService::sign_in(std::string_view username_or_email, std::string password) {
  const std::string key = ascii_lower(username_or_email);
  auto id = deps_.store.lookup_key(
      key.find('@') != std::string::npos ? KeyspaceType::kEmail : KeyspaceType::kUsername, key);
  std::optional<Account> account;
  if (id.has_value()) {
    auto a = get(*id);
    if (a.has_value()) account = std::move(*a);
  }
  // Verify even when there is no account, so the time taken does not tell.
  const bool ok = hasher_.verify(std::move(password), account ? account->password_hash : "");
  // A deleted account's password no longer opens anything (its name stays taken).
  if (!ok || !account || account->deleted_at_ms != 0)
    return Status::unauthenticated(std::string(kBadSignIn));
  if (account->suspended_at_ms != 0)
    return Status::permission_denied("Your account has been suspended");
  if (account->disabled) return Status::permission_denied("Your login is currently disabled");
  if (account->memorial)
    return Status::permission_denied("This account is a memorial and cannot be signed into");
  return *account;
}

Result<Account> AccountService::get(Id id) const {
  if (auto cached = cache_.find(id)) {
    if (!*cached) return Status::not_found("Record not found");
    return **cached;
  }
  auto bytes = deps_.store.get_object(ObjectType::kAccount, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(Account a, Account::decode(*bytes));
  cache_.insert_if_absent(id, std::make_shared<const Account>(a));
  return a;
}

Result<Account> AccountService::update(Id id,
                                       const std::function<Status(Account&, store::Batch&)>& edit) {
  std::scoped_lock lock(update_locks_[std::hash<Id>()(id) % update_locks_.size()]);
  auto bytes = deps_.store.get_object(ObjectType::kAccount, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(Account a, Account::decode(*bytes));
  const Account before = a;
  store::Batch b;
  KINDRED_RETURN_IF_ERROR(edit(a, b));
  a.id = id;
  add_account_name_index(b, &before, a);
  if (is_marked(a) != is_marked(before)) {
    if (is_marked(a))
      b.add_assoc({store::kInstanceNode, AssocType::kModeratedAccounts, id, id, {}});
    else
      b.remove_assoc(store::kInstanceNode, AssocType::kModeratedAccounts, id);
  }
  b.put_object(ObjectType::kAccount, id, a.encode());
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  cache_.put(id, std::make_shared<const Account>(a));
  if (is_marked(a) || is_marked(before)) note_marks(a);
  return a;
}

void AccountService::note_marks(const Account& a) {
  std::unique_lock lock(marks_mu_);
  if (is_marked(a))
    marks_[a.id] = Marks{is_hidden(a), a.silenced, a.sensitized};
  else
    marks_.erase(a.id);
  bool hidden = false;
  for (const auto& [_, m] : marks_) hidden = hidden || m.hidden;
  any_marks_.store(!marks_.empty(), std::memory_order_release);
  any_hidden_.store(hidden, std::memory_order_release);
}

Result<std::unordered_map<Id, AccountService::Marks>> AccountService::read_marks() const {
  std::unordered_map<Id, Marks> out;
  store::RangeQuery q;
  q.limit = 1000;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(
        auto page, deps_.store.assoc_range(store::kInstanceNode, AssocType::kModeratedAccounts, q));
    std::vector<Id> ids;
    for (const auto& item : page.items) ids.push_back(item.to);
    // From the store, not the cache: with several nodes the cache may be a bound behind.
    KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(ObjectType::kAccount, ids));
    for (const auto& blob : blobs) {
      if (!blob) continue;
      KINDRED_ASSIGN_OR_RETURN(Account a, Account::decode(*blob));
      if (is_marked(a)) out[a.id] = Marks{is_hidden(a), a.silenced, a.sensitized};
    }
    if (!page.more) break;
    q.max_position = page.items.back().position;
  }
  return out;
}

void AccountService::replace_marks(std::unordered_map<Id, Marks> marks) const {
  std::unique_lock lock(marks_mu_);
  marks_ = std::move(marks);
  bool hidden = false;
  for (const auto& [_, m] : marks_) hidden = hidden || m.hidden;
  any_marks_.store(!marks_.empty(), std::memory_order_release);
  any_hidden_.store(hidden, std::memory_order_release);
}

Status AccountService::load_marks() {
  KINDRED_ASSIGN_OR_RETURN(auto marks, read_marks());
  replace_marks(std::move(marks));
  if (CacheAge::bounded()) marks_expiry_.store(CacheAge::expiry_from_now(), std::memory_order_relaxed);
  return Status::ok();
}

void AccountService::refresh_marks_if_stale() const {
  // Another node may have marked an account: read the marks again once they are older than the
  // cache bound. One thread reads; the others answer from the marks they have meanwhile.
  if (!CacheAge::bounded() || CacheAge::fresh(marks_expiry_.load(std::memory_order_relaxed))) return;
  std::unique_lock reading(marks_refresh_mu_, std::try_to_lock);
  if (!reading.owns_lock() || CacheAge::fresh(marks_expiry_.load(std::memory_order_relaxed))) return;
  const int64_t expiry = CacheAge::expiry_from_now();
  auto marks = read_marks();
  if (!marks.has_value()) return;  // the store is unreachable: try again on the next read
  replace_marks(std::move(*marks));
  marks_expiry_.store(expiry, std::memory_order_relaxed);
}

bool AccountService::any_hidden() const {
  refresh_marks_if_stale();
  return any_hidden_.load(std::memory_order_acquire);
}

bool AccountService::hidden(Id id) const {
  refresh_marks_if_stale();
  if (!any_hidden_.load(std::memory_order_acquire)) return false;
  std::shared_lock lock(marks_mu_);
  auto it = marks_.find(id);
  return it != marks_.end() && it->second.hidden;
}

bool AccountService::silenced(Id id) const {
  refresh_marks_if_stale();
  if (!any_marks_.load(std::memory_order_acquire)) return false;
  std::shared_lock lock(marks_mu_);
  auto it = marks_.find(id);
  return it != marks_.end() && it->second.silenced;
}

bool AccountService::sensitized(Id id) const {
  refresh_marks_if_stale();
  if (!any_marks_.load(std::memory_order_acquire)) return false;
  std::shared_lock lock(marks_mu_);
  auto it = marks_.find(id);
  return it != marks_.end() && it->second.sensitized;
}

std::vector<Id> AccountService::marked() const {
  refresh_marks_if_stale();
  std::shared_lock lock(marks_mu_);
  std::vector<Id> out;
  out.reserve(marks_.size());
  for (const auto& [id, _] : marks_) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

Status AccountService::check_password(Id id, std::string password) const {
  KINDRED_ASSIGN_OR_RETURN(Account a, get(id));
  if (!hasher_.verify(std::move(password), a.password_hash))
    return Status::unauthenticated("Current password is invalid");
  return Status::ok();
}

Status AccountService::change_password(Id id, std::string current, std::string next) {
  KINDRED_ASSIGN_OR_RETURN(Account a, get(id));
  if (!hasher_.verify(std::move(current), a.password_hash))
    return Status::unauthenticated("Current password is invalid");
  if (next.size() < kMinPassword)
    return Status::invalid_argument(
        "Validation failed: Password is too short (minimum is 8 characters)");
  if (next.size() > kMaxPassword)
    return Status::invalid_argument(
        "Validation failed: Password is too long (maximum is 72 characters)");
  KINDRED_ASSIGN_OR_RETURN(std::string hash, hasher_.hash(std::move(next)));
  return update(id, [&hash, old = a.password_hash](Account& account, store::Batch&) {
           // Changed by someone else since it was checked: the check no longer holds.
           if (account.password_hash != old)
             return Status::unauthenticated("Current password is invalid");
           account.password_hash = hash;
           return Status::ok();
         })
      .status();
}

Result<Account> AccountService::set_verified(std::string_view username, bool verified) {
  KINDRED_ASSIGN_OR_RETURN(Account a, lookup_with_hidden(username));
  return update(a.id, [verified](Account& account, store::Batch&) {
    account.verified = verified;
    return Status::ok();
  });
}

Result<Account> AccountService::set_admin(std::string_view username, bool admin) {
  return set_role(username, admin ? Role::kAdmin : Role::kUser);
}

Result<Account> AccountService::set_role(std::string_view username, Role role) {
  KINDRED_ASSIGN_OR_RETURN(Account a, lookup_with_hidden(username));
  return update(a.id, [role](Account& account, store::Batch&) {
    account.admin = role == Role::kAdmin;  // what records before roles, and older builds, read
    account.role = role;
    return Status::ok();
  });
}

Result<Account> AccountService::set_memorial(std::string_view username, bool memorial) {
  KINDRED_ASSIGN_OR_RETURN(Account a, lookup_with_hidden(username));
  return update(a.id, [memorial](Account& account, store::Batch&) {
    account.memorial = memorial;
    return Status::ok();
  });
}

std::optional<AccountService::ViewerFlags> AccountService::viewer_flags(Id account_id) const {
  std::vector<std::pair<Id, AssocType>> lists{{account_id, AssocType::kBlocks},
                                               {account_id, AssocType::kBlockedBy},
                                               {account_id, AssocType::kBookmarks},
                                               {account_id, AssocType::kMutes},
                                               {account_id, AssocType::kMutedConversations}};
  // With several nodes FilterService reads the viewer's filter count in the same requests
  // (FilterService::snapshot). Asked for here, with the rest, it costs no statement of its own:
  // over PostgreSQL a request reads each count once (store::ObservedStore).
  if (CacheAge::bounded()) lists.emplace_back(account_id, AssocType::kFilters);
  auto counts = deps_.store.assoc_counts(lists);
  if (!counts.has_value()) return std::nullopt;
  ViewerFlags f;
  f.any_blocks = (*counts)[0] > 0 || (*counts)[1] > 0;
  f.any_bookmarks = (*counts)[2] > 0;
  f.any_mutes = (*counts)[3] > 0;
  f.any_thread_mutes = (*counts)[4] > 0;
  return f;
}

Result<AccountView> AccountService::view(Id id) const {
  if (hidden(id)) return Status::not_found("Record not found");
  KINDRED_ASSIGN_OR_RETURN(Account a, get(id));
  return view_of(std::move(a));
}

Result<AccountView> AccountService::view_of(Account account) const {
  std::vector<Account> one;
  one.push_back(std::move(account));
  KINDRED_ASSIGN_OR_RETURN(auto views, views_of(std::move(one)));
  return std::move(views.front());
}

Result<std::vector<AccountView>> AccountService::views_of(std::vector<Account> accounts) const {
  // Three exact counts per account, read together.
  std::vector<std::pair<Id, AssocType>> lists;
  lists.reserve(accounts.size() * 3);
  for (const auto& a : accounts) {
    lists.emplace_back(a.id, AssocType::kAuthored);
    lists.emplace_back(a.id, AssocType::kFollowedBy);
    lists.emplace_back(a.id, AssocType::kFollows);
  }
  KINDRED_ASSIGN_OR_RETURN(auto counts, deps_.store.assoc_counts(lists));
  std::vector<AccountView> out;
  out.reserve(accounts.size());
  for (size_t i = 0; i < accounts.size(); ++i) {
    AccountView v;
    const Id id = accounts[i].id;
    v.account = std::move(accounts[i]);
    v.statuses_count = counts[3 * i];
    v.followers_count = counts[3 * i + 1];
    v.following_count = counts[3 * i + 2];
    if (v.statuses_count > 0) {
      auto cached = last_status_.find(id);
      if (cached && *cached) {
        v.last_status_at_ms = **cached;
      } else {
        store::RangeQuery q;
        q.limit = 1;
        KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(id, AssocType::kAuthored, q));
        if (!page.items.empty()) v.last_status_at_ms = page.items[0].position.ms();
        last_status_.insert_if_absent(id, std::make_shared<const int64_t>(v.last_status_at_ms));
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<AccountView>> AccountService::views(const std::vector<Id>& ids) const {
  if (!any_hidden()) return views_with_hidden(ids);
  std::vector<Id> shown;
  shown.reserve(ids.size());
  for (Id id : ids)
    if (!hidden(id)) shown.push_back(id);
  return views_with_hidden(shown);
}

Result<std::vector<AccountView>> AccountService::views_with_hidden(const std::vector<Id>& ids) const {
  // One cache lookup per account; the misses are read in one batch.
  std::vector<std::shared_ptr<const Account>> records(ids.size());  // null: deleted or unknown
  std::vector<size_t> missing_at;
  std::vector<Id> missing;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (auto cached = cache_.find(ids[i])) {
      records[i] = std::move(*cached);
    } else {
      missing_at.push_back(i);
      missing.push_back(ids[i]);
    }
  }
  if (!missing.empty()) {
    KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(ObjectType::kAccount, missing));
    for (size_t j = 0; j < blobs.size(); ++j) {
      if (!blobs[j]) continue;
      KINDRED_ASSIGN_OR_RETURN(Account a, Account::decode(*blobs[j]));
      auto record = std::make_shared<const Account>(std::move(a));
      cache_.insert_if_absent(missing[j], record);
      records[missing_at[j]] = std::move(record);
    }
  }
  std::vector<Account> found;
  found.reserve(ids.size());
  for (const auto& record : records)
    if (record) found.push_back(*record);
  return views_of(std::move(found));
}

void AccountService::note_posted(Id account_id, int64_t at_ms) const {
  last_status_.put(account_id, std::make_shared<const int64_t>(at_ms));
}

void AccountService::note_post_removed(Id account_id) const { last_status_.erase(account_id); }

Result<Account> AccountService::lookup(std::string_view acct) const {
  KINDRED_ASSIGN_OR_RETURN(Account a, lookup_with_hidden(acct));
  if (is_hidden(a)) return Status::not_found("Record not found");
  return a;
}

Result<Account> AccountService::lookup_with_hidden(std::string_view acct) const {
  if (!acct.empty() && acct.front() == '@') acct.remove_prefix(1);
  const size_t at = acct.find('@');
  if (at != std::string_view::npos) {
    if (ascii_lower(acct.substr(at + 1)) != ascii_lower(deps_.config.domain))
      return Status::not_found("Record not found");
    acct = acct.substr(0, at);
  }
  if (!valid_username(acct)) return Status::not_found("Record not found");
  auto id = deps_.store.lookup_key(KeyspaceType::kUsername, ascii_lower(acct));
  if (!id.has_value()) {
    if (id.error().is_not_found()) return Status::not_found("Record not found");
    return id.error();
  }
  return get(*id);
}

}  // namespace kindred::social
