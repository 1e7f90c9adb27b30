// Announcements and weekly activity (social/identity/announcements.h, activity.h): the list
// record survives a fresh service, reactions are exact counts, weeks start on Mondays.
#include "social/identity/announcements.h"

#include <gtest/gtest.h>

#include "social/identity/activity.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class Announcements : public ::testing::Test {
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
  }
  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  Account ann_, bob_;
};

TEST_F(Announcements, EmojiAreSingleRecommendedEmojiOnly) {
  EXPECT_TRUE(is_emoji("\u2764\ufe0f"));
  EXPECT_TRUE(is_emoji("\U0001F389"));
  EXPECT_TRUE(is_emoji("\U0001F44D\U0001F3FD"));                        // with a skin tone
  EXPECT_TRUE(is_emoji("\U0001F468\u200D\U0001F469\u200D\U0001F467"));  // a family
  EXPECT_FALSE(is_emoji(""));
  EXPECT_FALSE(is_emoji("a"));
  EXPECT_FALSE(is_emoji("blobcat"));
  EXPECT_FALSE(is_emoji("\U0001F389\U0001F389"));
  EXPECT_FALSE(is_emoji("\xff"));
}

TEST_F(Announcements, KeptInTheStoreAndCountedExactly) {
  AnnouncementService service(stack_->deps);
  auto made = service.create("Hello", 0, 0, false);
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  ASSERT_TRUE(service.react({ann_.id}, made->id, "\U0001F389").is_ok());
  ASSERT_TRUE(service.react({ann_.id}, made->id, "\U0001F389").is_ok());
  ASSERT_TRUE(service.react({bob_.id}, made->id, "\U0001F389").is_ok());
  ASSERT_TRUE(service.dismiss({bob_.id}, made->id).is_ok());

  AnnouncementService fresh(stack_->deps);
  auto anns = fresh.list({ann_.id}, false);
  ASSERT_TRUE(anns.has_value());
  ASSERT_EQ(anns->size(), 1u);
  EXPECT_EQ((*anns)[0].announcement.text, "Hello");
  ASSERT_EQ((*anns)[0].reactions.size(), 1u);
  EXPECT_EQ((*anns)[0].reactions[0].count, 2);
  EXPECT_TRUE((*anns)[0].reactions[0].me);
  EXPECT_TRUE(fresh.list({bob_.id}, false)->empty());
  EXPECT_TRUE(fresh.list({bob_.id}, true)->at(0).read);
  EXPECT_TRUE(fresh.remove(made->id).is_ok());
  EXPECT_TRUE(fresh.remove(made->id).is_not_found());
}

TEST(Activity, WeeksStartOnMondayAtMidnightUtc) {
  // 2024-03-01 12:00 UTC was a Friday; its week began on Monday 2024-02-26.
  EXPECT_EQ(week_start_ms(1'709'294'400'000), 1'708'905'600'000);
  EXPECT_EQ(week_start_ms(1'708'905'600'000), 1'708'905'600'000);
  EXPECT_EQ(week_start_ms(1'708'905'599'999), 1'708'905'600'000 - 7 * 86'400'000LL);
  EXPECT_NE(week_node(1'708'905'600'000), week_node(1'708'905'600'000 - 7 * 86'400'000LL));
}

TEST_F(Announcements, LoginsCountEachAccountOncePerWeek) {
  ActivityService activity(stack_->deps);
  activity.note_active(ann_.id);
  activity.note_active(ann_.id);
  activity.note_active(bob_.id);
  stack_->clock.advance_ms(7 * 86'400'000LL);
  activity.note_active(ann_.id);
  auto weeks = activity.weeks(3);
  ASSERT_TRUE(weeks.has_value());
  ASSERT_EQ(weeks->size(), 3u);
  EXPECT_EQ((*weeks)[0].logins, 1);
  EXPECT_EQ((*weeks)[1].logins, 2);
  EXPECT_EQ((*weeks)[2].logins, 0);
  EXPECT_EQ((*weeks)[1].registrations, 2) << "ann and bob were made that week";
}

TEST_F(Announcements, LoginsSurviveARestartWithoutCountingAnyoneTwice) {
  {
    ActivityService before(stack_->deps);
    before.note_active(ann_.id);
    before.note_active(bob_.id);
  }  // destroyed as at shutdown: this week's sketch is written
  ActivityService after(stack_->deps);
  after.note_active(ann_.id);  // seen before the restart: still one login
  auto weeks = after.weeks(1);
  ASSERT_TRUE(weeks.has_value());
  EXPECT_EQ((*weeks)[0].logins, 2);
}

TEST_F(Announcements, AnUnreadableStoredSketchCountsAsNoLogins) {
  const int64_t week = week_start_ms(stack_->clock.now_ms());
  store::Batch b;
  b.put_object(store::ObjectType::kLoginSketch, week_node(week), "not a sketch");
  ASSERT_TRUE(store_->apply(b).has_value());
  ActivityService activity(stack_->deps);
  activity.note_active(ann_.id);
  auto weeks = activity.weeks(1);
  ASSERT_TRUE(weeks.has_value());
  EXPECT_EQ((*weeks)[0].logins, 1) << "the bad record is replaced by what this process saw";
}

}  // namespace
}  // namespace kindred::social
