// The audit log as staff read it (social/safety/audit_views.h): only moderators and admins (as
// Mastodon's view_audit_log), newest first with the moderator and, for an action on an account,
// that account named as stored even once it is suspended.
#include <gtest/gtest.h>

#include "social/safety/audit_views.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class AuditViews : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    stack_->accounts.create_account("bob", "Bob", false, false).value();
    mod_ = *stack_->accounts.set_role("bob", Role::kModerator);
    troll_ = *stack_->accounts.create_account("troll", "Troll", false, false);
    log_.emplace(stack_->deps);
  }
  // Writes an audit entry of `mod_` doing `action` to `target`, a second after the last.
  AuditEntry record(AuditAction action, AuditTarget type, Id target) {
    store::Batch b;
    AuditEntry e = log_->record(b, mod_.id, action, type, target);
    EXPECT_TRUE(store_->apply(b).has_value());
    stack_->clock.advance_ms(1000);
    return e;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<AuditLog> log_;
  Account ann_, mod_, troll_;
};

TEST_F(AuditViews, OnlyStaffReadIt) {
  record(AuditAction::kResolve, AuditTarget::kReport, Id(42));
  auto refused = read_audit_log(*log_, stack_->accounts, ann_, {});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(), "This action is not allowed");
  EXPECT_TRUE(read_audit_log(*log_, stack_->accounts, mod_, {}).has_value());
  Account admin = *stack_->accounts.set_admin("ann", true);
  EXPECT_TRUE(read_audit_log(*log_, stack_->accounts, admin, {}).has_value());
}

TEST_F(AuditViews, NamesTheModeratorAndTheAccountEvenSuspended) {
  const AuditEntry resolved = record(AuditAction::kResolve, AuditTarget::kReport, Id(42));
  const AuditEntry suspended = record(AuditAction::kSuspend, AuditTarget::kAccount, troll_.id);
  ASSERT_TRUE(stack_->accounts
                  .update(troll_.id,
                          [&](Account& a, store::Batch&) {
                            a.suspended_at_ms = stack_->clock.now_ms();
                            return Status::ok();
                          })
                  .has_value());
  ASSERT_TRUE(stack_->accounts.hidden(troll_.id));
  auto page = read_audit_log(*log_, stack_->accounts, mod_, {});
  ASSERT_TRUE(page.has_value()) << page.error().to_string();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].entry, suspended);
  EXPECT_EQ(page->items[0].account.account.username, "bob");
  ASSERT_TRUE(page->items[0].target_account.has_value());
  EXPECT_EQ(page->items[0].target_account->account.username, "troll");
  EXPECT_EQ(page->items[1].entry, resolved);
  EXPECT_FALSE(page->items[1].target_account.has_value()) << "a report is no account";
  EXPECT_EQ(page->positions, (std::vector<Id>{suspended.id, resolved.id}));

  ListQuery q;
  q.limit = 1;
  q.max_id = suspended.id;
  auto older = read_audit_log(*log_, stack_->accounts, mod_, q);
  ASSERT_TRUE(older.has_value());
  ASSERT_EQ(older->items.size(), 1u);
  EXPECT_EQ(older->items[0].entry, resolved);
}

}  // namespace
}  // namespace kindred::social
