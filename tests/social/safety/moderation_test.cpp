// Reports on the moderators' side (social/safety/reports.h) and the audit log (audit.h): only
// moderators and admins reach them, each change moves the report between the open and resolved
// queues, records who and when, and writes one audit entry in the same batch.
#include <gtest/gtest.h>

#include "social/safety/reports.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class Moderation : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
    mod_ = *stack_->accounts.set_role("bob", Role::kModerator);  // bob moderates
    troll_ = *stack_->accounts.create_account("troll", "Troll", false, false);
    reports_.emplace(stack_->deps, stack_->accounts, stack_->posts);
  }
  Report file(const Account& by, const Account& about) {
    ReportRequest r;
    r.target_account_id = about.id;
    auto filed = reports_->file(Viewer{by.id}, r);
    EXPECT_TRUE(filed.has_value()) << filed.error().to_string();
    stack_->clock.advance_ms(1000);
    return filed.has_value() ? *filed : Report{};
  }
  int64_t count(store::AssocType type) {
    auto n = store_->assoc_count(store::kInstanceNode, type);
    EXPECT_TRUE(n.has_value());
    return n.has_value() ? *n : -1;
  }
  static ReportFilter filter(bool resolved, Id account = Id(), Id target = Id()) {
    ReportFilter f;
    f.resolved = resolved;
    f.account_id = account;
    f.target_account_id = target;
    return f;
  }
  static ListQuery page(Id max_id, Id since_id, Id min_id, size_t limit) {
    ListQuery q;
    q.max_id = max_id;
    q.since_id = since_id;
    q.min_id = min_id;
    q.limit = limit;
    return q;
  }
  std::vector<Id> listed(const ReportFilter& f, ListQuery q = {}) {
    auto page = reports_->list_for_moderator(mod_, f, q);
    EXPECT_TRUE(page.has_value()) << page.error().to_string();
    std::vector<Id> ids;
    if (page.has_value())
      for (const auto& v : page->items) ids.push_back(v.report.id);
    return ids;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<ReportService> reports_;
  Account ann_, bob_, mod_, troll_;
};

TEST_F(Moderation, OnlyModeratorsAndAdminsReachReports) {
  const Report r = file(ann_, troll_);
  auto refused = reports_->get_for_moderator(ann_, r.id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(), "This action is not allowed");
  EXPECT_FALSE(reports_->moderate(ann_, r.id, ReportChange::kResolve).has_value());
  EXPECT_FALSE(reports_->list_for_moderator(ann_, {}, {}).has_value());
  EXPECT_EQ(count(store::AssocType::kAuditLog), 0);
  EXPECT_EQ(count(store::AssocType::kOpenReports), 1);

  auto seen = reports_->get_for_moderator(mod_, r.id);
  ASSERT_TRUE(seen.has_value()) << seen.error().to_string();
  EXPECT_EQ(seen->account.account.id, ann_.id);
  EXPECT_EQ(seen->target_account.account.id, troll_.id);
  Account admin = *stack_->accounts.set_admin("ann", true);
  EXPECT_TRUE(reports_->get_for_moderator(admin, r.id).has_value());
  // The reporter's own view is unchanged: only their reports.
  EXPECT_TRUE(reports_->get(Viewer{ann_.id}, r.id).has_value());
  EXPECT_FALSE(reports_->get(Viewer{mod_.id}, r.id).has_value());
}

TEST_F(Moderation, ResolvingAndReopeningMoveTheReportAndAreAudited) {
  const Report r = file(ann_, troll_);
  const int64_t at = stack_->clock.now_ms();
  auto assigned = reports_->moderate(mod_, r.id, ReportChange::kAssignToSelf);
  ASSERT_TRUE(assigned.has_value());
  EXPECT_EQ(assigned->report.assigned_account_id, mod_.id);
  ASSERT_TRUE(assigned->assigned_account.has_value());
  auto resolved = reports_->moderate(mod_, r.id, ReportChange::kResolve);
  ASSERT_TRUE(resolved.has_value());
  EXPECT_TRUE(resolved->report.action_taken);
  EXPECT_EQ(resolved->report.action_taken_at_ms, at);
  EXPECT_EQ(resolved->report.action_taken_by_id, mod_.id);
  EXPECT_EQ(count(store::AssocType::kOpenReports), 0);
  EXPECT_EQ(count(store::AssocType::kResolvedReports), 1);
  EXPECT_EQ(listed({}), std::vector<Id>{});
  EXPECT_EQ(listed(filter(true)), std::vector<Id>{r.id});

  auto reopened = reports_->moderate(mod_, r.id, ReportChange::kReopen);
  ASSERT_TRUE(reopened.has_value());
  EXPECT_FALSE(reopened->report.action_taken);
  EXPECT_TRUE(reopened->report.action_taken_by_id.is_none());
  EXPECT_FALSE(reopened->action_taken_by_account.has_value());
  auto unassigned = reports_->moderate(mod_, r.id, ReportChange::kUnassign);
  ASSERT_TRUE(unassigned.has_value());
  EXPECT_FALSE(unassigned->assigned_account.has_value());
  EXPECT_EQ(count(store::AssocType::kOpenReports), 1);
  EXPECT_EQ(count(store::AssocType::kResolvedReports), 0);

  auto log = reports_->audit_log().list({});
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->items.size(), 4u);
  const AuditAction newest_first[] = {AuditAction::kUnassigned, AuditAction::kReopen,
                                      AuditAction::kResolve, AuditAction::kAssignedToSelf};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(log->items[i].action, newest_first[i]);
    EXPECT_EQ(log->items[i].account_id, mod_.id);
    EXPECT_EQ(log->items[i].target_type, AuditTarget::kReport);
    EXPECT_EQ(log->items[i].target_id, r.id);
    EXPECT_EQ(log->items[i].created_at_ms, at);
  }
  EXPECT_EQ(audit_action_name(AuditAction::kAssignedToSelf), "assigned_to_self");
  auto back = AuditEntry::decode(log->items[0].encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, log->items[0]);
}

TEST_F(Moderation, UnknownReportsAreNotFoundAndChangeNothing) {
  auto missing = reports_->moderate(mod_, Id(123456789), ReportChange::kResolve);
  ASSERT_FALSE(missing.has_value());
  EXPECT_TRUE(missing.error().is_not_found());
  EXPECT_EQ(count(store::AssocType::kAuditLog), 0);
  EXPECT_EQ(count(store::AssocType::kResolvedReports), 0);
}

TEST_F(Moderation, FiltersAndPagesAcrossQueues) {
  const Report a = file(ann_, troll_);
  const Report b = file(mod_, troll_);
  const Report c = file(ann_, mod_);
  const Report d = file(troll_, ann_);
  ASSERT_TRUE(reports_->moderate(mod_, b.id, ReportChange::kResolve).has_value());
  EXPECT_EQ(listed({}), (std::vector<Id>{d.id, c.id, a.id}));
  EXPECT_EQ(listed(filter(false, ann_.id)), (std::vector<Id>{c.id, a.id}));
  EXPECT_EQ(listed(filter(false, Id(), troll_.id)), (std::vector<Id>{a.id}));
  EXPECT_EQ(listed(filter(true, Id(), troll_.id)), (std::vector<Id>{b.id}));
  EXPECT_EQ(listed(filter(false, ann_.id, mod_.id)), (std::vector<Id>{c.id}));
  // Paging skips what the filter leaves out and still fills the page.
  EXPECT_EQ(listed({}, page(Id(), Id(), Id(), 2)), (std::vector<Id>{d.id, c.id}));
  EXPECT_EQ(listed({}, page(c.id, Id(), Id(), 2)), (std::vector<Id>{a.id}));
  EXPECT_EQ(listed({}, page(Id(), Id(), a.id, 1)), (std::vector<Id>{c.id}));
  EXPECT_EQ(listed({}, page(Id(), c.id, Id(), 20)), (std::vector<Id>{d.id}));
}

}  // namespace
}  // namespace kindred::social
