#include "social/identity/load_seed.h"

#include "social/identity/account_names.h"
#include "social/identity/accounts.h"
#include "social/identity/secrets.h"

namespace kindred::social {

using store::AssocType;
using store::KeyspaceType;
using store::ObjectType;

namespace {
constexpr std::string_view kLoadAppClientId = "kindred-load-test";
constexpr std::string_view kLoadScopes = "read write follow";
}  // namespace

Result<bool> LoadSeeder::has_real_accounts() const {
  KINDRED_ASSIGN_OR_RETURN(int64_t all,
                           deps_.store.assoc_count(store::kInstanceNode, AssocType::kInstanceAccounts));
  KINDRED_ASSIGN_OR_RETURN(int64_t load, existing_load_accounts());
  return all > load;
}

Result<int64_t> LoadSeeder::existing_load_accounts() const {
  return deps_.store.assoc_count(store::kInstanceNode, AssocType::kInstanceLoadAccounts);
}

Result<App> LoadSeeder::load_app() {
  if (app_) return *app_;
  auto id = deps_.store.lookup_key(KeyspaceType::kClientId, kLoadAppClientId);
  if (id.has_value()) {
    KINDRED_ASSIGN_OR_RETURN(std::string bytes, deps_.store.get_object(ObjectType::kApp, *id));
    KINDRED_ASSIGN_OR_RETURN(App app, App::decode(bytes));
    app_ = app;
    return app;
  }
  if (!id.error().is_not_found()) return id.error();
  App app;
  app.id = deps_.ids.next();
  app.name = "Kindred load test";
  app.redirect_uris = {"urn:ietf:wg:oauth:2.0:oob"};
  app.scopes = std::string(kLoadScopes);
  app.client_id = std::string(kLoadAppClientId);
  app.client_secret = random_token();
  app.created_at_ms = deps_.clock.now_ms();
  store::Batch b;
  b.claim_key(KeyspaceType::kClientId, app.client_id, app.id);
  b.put_object(ObjectType::kApp, app.id, app.encode());
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  app_ = app;
  return app;
}

Result<std::vector<std::string>> LoadSeeder::seed(int64_t first, int64_t count,
                                                  const std::string& prefix) {
  KINDRED_ASSIGN_OR_RETURN(App app, load_app());
  const int64_t now = deps_.clock.now_ms();
  std::vector<std::string> tokens;
  tokens.reserve(static_cast<size_t>(count));
  store::Batch b;
  for (int64_t i = first; i < first + count; ++i) {
    Account a;
    a.id = deps_.ids.next();
    a.username = prefix + std::to_string(i);
    if (!valid_username(a.username))
      return Status::invalid_argument("load-test username '" + a.username + "' is invalid");
    a.display_name = "Load " + std::to_string(i);
    a.locale = "en";
    a.created_at_ms = now;
    a.load_test = true;
    b.claim_key(KeyspaceType::kUsername, ascii_lower(a.username), a.id);
    b.put_object(ObjectType::kAccount, a.id, a.encode());
    b.add_assoc({store::kInstanceNode, AssocType::kInstanceAccounts, a.id, a.id, {}});
    b.add_assoc({store::kInstanceNode, AssocType::kInstanceLoadAccounts, a.id, a.id, {}});
    add_account_name_index(b, nullptr, a);

    Token t;
    t.id = deps_.ids.next();
    std::string token = id_token(t.id);
    t.app_id = app.id;
    t.account_id = a.id;
    t.scopes = std::string(kLoadScopes);
    t.created_at_ms = now;
    t.hash = hash_secret(token);
    b.claim_key(KeyspaceType::kTokenHash, t.hash, t.id);
    b.put_object(ObjectType::kToken, t.id, t.encode());
    tokens.push_back(std::move(token));
  }
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return tokens;
}

}  // namespace kindred::social
