// Stored records round-trip, old records (written before a field existed) still decode, and
// corrupt bytes are an error, never a crash.
#include "social/model/models.h"

#include <gtest/gtest.h>

#include "core/codec.h"

namespace kindred::social {
namespace {

TEST(Models, MediaRoundTripsWithFocusInHundredths) {
  Media m;
  m.id = Id(123);
  m.account_id = Id(7);
  m.status_id = Id(9);
  m.state = MediaState::kReady;
  m.original = {std::string(64, 'a') + ".jpg", "image/jpeg", 2048, 1536, 400'000};
  m.preview = {std::string(64, 'b') + ".png", "image/png", 640, 480, 50'000};
  m.blurhash = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";
  m.description = "A hand holding a smaller hand";
  m.focus_x = -0.5;
  m.focus_y = 0.33;
  m.created_at_ms = 1'700'000'000'000;
  auto back = Media::decode(m.encode());
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(back->id, m.id);
  EXPECT_EQ(back->status_id, m.status_id);
  EXPECT_EQ(back->state, MediaState::kReady);
  EXPECT_EQ(back->original.blob, m.original.blob);
  EXPECT_EQ(back->preview.mime_type, "image/png");
  EXPECT_EQ(back->original.width, 2048);
  EXPECT_EQ(back->preview.bytes, 50'000);
  EXPECT_EQ(back->description, m.description);
  EXPECT_DOUBLE_EQ(back->focus_x, -0.5);
  EXPECT_DOUBLE_EQ(back->focus_y, 0.33);
}

TEST(Models, CorruptMediaIsAnError) {
  Media m;
  m.id = Id(1);
  const std::string bytes = m.encode();
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(Media::decode(bytes.substr(0, n)).has_value()) << "prefix of " << n << " bytes";
  EXPECT_FALSE(Media::decode("\x01\x01\x00\x00\x09").has_value());
}

TEST(Models, PostKeepsMediaIdsAndOldPostsDecodeWithout) {
  Post p;
  p.id = Id(5);
  p.text = "hello";
  p.media_ids = {Id(10), Id(11)};
  auto back = Post::decode(p.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->media_ids, p.media_ids);

  // A post written before photos: the same bytes without the trailing media list (and the
  // reblog ids after it, which came later still).
  Post old;
  old.id = Id(6);
  old.text = "older";
  std::string bytes = old.encode();
  // The empty media list and two zero ids are one varint 0 each; the comment controls after
  // them, four bytes; edited_at_ms and poll_id, one each.
  bytes.resize(bytes.size() - 3 - 4 - 2);
  auto decoded = Post::decode(bytes);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().to_string();
  EXPECT_TRUE(decoded->media_ids.empty());
  EXPECT_EQ(decoded->text, "older");
}

TEST(Models, PostKeepsCommentControlsAndOlderPostsHaveTheDefaults) {
  Post p;
  p.id = Id(9);
  p.reply_policy = ReplyPolicy::kMentioned;
  p.hide_favourites_count = true;
  p.hold = CommentHold::kRestricted;
  p.approved = true;
  auto back = Post::decode(p.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, p);

  Post old;
  old.id = Id(10);
  std::string bytes = old.encode();
  bytes.resize(bytes.size() - 1 - 1 - 4);  // poll_id, edited_at_ms, comment controls
  auto decoded = Post::decode(bytes);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().to_string();
  EXPECT_EQ(decoded->reply_policy, ReplyPolicy::kEveryone);
  EXPECT_EQ(decoded->hold, CommentHold::kNone);
  // An unknown policy or hold is corrupt.
  std::string bad = p.encode();
  bad[bad.size() - 2 - 4] = 9;
  EXPECT_FALSE(Post::decode(bad).has_value());
  bad = p.encode();
  bad[bad.size() - 3] = 9;
  EXPECT_FALSE(Post::decode(bad).has_value());
}

TEST(Models, PostKeepsWhatItReblogsAndOlderPostsAreNoReblogs) {
  Post r;
  r.id = Id(7);
  r.account_id = Id(2);
  r.reblog_of_id = Id(5);
  r.reblog_of_account_id = Id(1);
  auto back = Post::decode(r.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->is_reblog());
  EXPECT_EQ(back->reblog_of_id, Id(5));
  EXPECT_EQ(back->reblog_of_account_id, Id(1));

  // Written before reblogs: photos, but no reblog ids.
  Post old;
  old.id = Id(8);
  old.media_ids = {Id(10)};
  std::string bytes = old.encode();
  bytes.resize(bytes.size() - 2 - 4 - 1 - 1);
  auto decoded = Post::decode(bytes);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().to_string();
  EXPECT_FALSE(decoded->is_reblog());
  EXPECT_EQ(decoded->media_ids, old.media_ids);
  // Half a reblog is corrupt, not silently a post.
  bytes = r.encode();
  bytes.resize(bytes.size() - 1 - 1 - 4 - 1);  // poll_id, edited_at_ms, comment controls, a reblog id's byte
  EXPECT_FALSE(Post::decode(bytes).has_value());
}

TEST(Models, AccountKeepsPicturesAndFieldsAndOldAccountsDecodeWithout) {
  Account a;
  a.id = Id(3);
  a.username = "ann";
  a.avatar = std::string(64, 'c') + ".jpg";
  a.header = std::string(64, 'd') + ".jpg";
  a.fields = {{"Pronouns", "she/her"}, {"Home", "Leeds"}};
  auto back = Account::decode(a.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->avatar, a.avatar);
  EXPECT_EQ(back->header, a.header);
  EXPECT_EQ(back->fields, a.fields);

  Account old;
  old.id = Id(4);
  old.username = "bob";
  std::string bytes = old.encode();
  // avatar "", header "", 0 fields, admin, indexable, role: one byte each
  bytes.resize(bytes.size() - 6);
  auto decoded = Account::decode(bytes);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().to_string();
  EXPECT_EQ(decoded->username, "bob");
  EXPECT_TRUE(decoded->avatar.empty());
  EXPECT_TRUE(decoded->fields.empty());
}

TEST(Models, AccountKeepsTheAdminRoleAndOlderAccountsAreNotAdmins) {
  Account a;
  a.id = Id(5);
  a.username = "ann";
  a.fields = {{"Home", "Leeds"}};
  a.admin = true;
  auto back = Account::decode(a.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->admin);
  EXPECT_EQ(back->fields, a.fields);

  std::string bytes = a.encode();
  bytes.resize(bytes.size() - 3 - 5);  // as written before the admin role (indexable, role, moderation)
  auto old = Account::decode(bytes);
  ASSERT_TRUE(old.has_value()) << old.error().to_string();
  EXPECT_FALSE(old->admin);
  EXPECT_EQ(old->fields, a.fields);
}

TEST(Models, AccountKeepsTheIndexingPreferenceAndOlderAccountsAreNotIndexable) {
  Account a;
  a.id = Id(6);
  a.username = "ann";
  EXPECT_FALSE(a.indexable);  // off unless the account opts in
  a.admin = true;
  a.indexable = true;
  auto back = Account::decode(a.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->indexable);

  std::string bytes = a.encode();
  bytes.resize(bytes.size() - 2 - 5);  // as written before the indexing preference (role, moderation)
  auto old = Account::decode(bytes);
  ASSERT_TRUE(old.has_value()) << old.error().to_string();
  EXPECT_FALSE(old->indexable);
  EXPECT_TRUE(old->admin);
}

}  // namespace
}  // namespace kindred::social
