// The stored format of every record kind, as checked-in bytes: today's code must decode what was
// written before (so the format cannot change by accident), write exactly those bytes again, and
// still read records written before each appended field.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "social/model/record_samples.h"

namespace kindred::social {
namespace {

// Written by the hand-made encoders at commit 957d358 (before field lists) from the samples in
// record_samples.h, as hex; a field appended since adds its bytes at the end (the account's last
// "01" is `indexable`), so the bytes as 957d358 wrote them stay a prefix.
const std::map<std::string, std::string> kGolden = {
    {"account",
     "018180fadceb9cddc801044c656e610f4c656e61204f6b61666f7220e29ca81a50686f746f732c206d6f73746c792"
     "06f6620746865207365612e106c656e61406578616d706c652e6f72672c246172676f6e32696424763d3139246d3d"
     "36353533362c743d322c703d3124633246736441246147467a614102656efbd095ffbc310101010001010c3031323"
     "3616263642e6a70670c34353637656630312e6a7067020850726f6e6f756e73077368652f68657204536974651368"
     "747470733a2f2f6578616d706c652e6f7267"
     "01"    // admin
     "01"    // indexable
     "02"    // role (admin)
     "0001000000"},  // moderation: suspended_at_ms, silenced, sensitized, disabled, deleted_at_ms
    {"post",
     "018280fadceb9cddc8018180fadceb9cddc8011c4120796561722061676f20746f6461792e2023497269732040736"
     "16d183c703e4120796561722061676f20746f6461792e3c2f703e8380fadceb9cddc8018480fadceb9cddc8010104"
     "6c6f73730202656ec8d395ffbc3105028480fadceb9cddc801070204697269730567726965660308090a0b0c03010"
     "301"
     "00"    // edited_at_ms
     "00"},  // poll_id
    {"media",
     "019480fadceb9cddc8018180fadceb9cddc8018280fadceb9cddc801020661612e6a70670a696d6167652f6a70656"
     "78010800cd9d7370662622e6a706709696d6167652f706e678005e003eee4021c4c454856366e574232796b387079"
     "6f306164522a2e376b434d646e6a1b4120686f73706974616c2062656420627920612077696e646f772ee7fffffff"
     "fffffffff014b95d695ffbc310c6e6f7420616e20696d616765"},
    {"app",
     "0115055475736b791168747470733a2f2f7475736b792e61707002296f617574683272656469726563743a2f2f636"
     "f6d2e6b65796c65737370616c6163652e7475736b792f1975726e3a696574663a77673a6f617574683a322e303a6f"
     "6f620f7265616420777269746520707573680363696406736563726574e8d795ffbc31"},
    {"token",
     "0116158180fadceb9cddc8010a72656164207772697465d0df95ffbc31103966383664303831383834633764363"
     "5"},
    {"auth_code",
     "0117158180fadceb9cddc80104726561641975726e3a696574663a77673a6f617574683a322e303a6f6f622b45394"
     "d656c686f61324f77764672454d544a67754348616f654b3174385552576275474a537374772d634d0453323536b8"
     "e795ffbc311036303330336165323262393938383631"},
    {"preferences", "0100000244450d4575726f70652f4265726c696e02a0ef95ffbc3100"},
    {"hidden_words", "010205637275656c0b676574206f7665722069740202656e026465"},
    {"hidden_range", "01180a323032352d31312d33300a323032352d31322d30330449726973"},
    {"filter",
     "01198180fadceb9cddc8010853706f696c657273150288f795ffbc3180d095ffbc31021a0666696e616c65001b066"
     "56e64696e6701011c8280fadceb9cddc801"},
    {"notification", "058480fadceb9cddc8018280fadceb9cddc801"},
    {"mute", "00f0fe95ffbc31"},
};

std::string unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

const std::string& golden(const std::string& name) {
  auto it = kGolden.find(name);
  EXPECT_NE(it, kGolden.end()) << name;
  static const std::string none;
  return it == kGolden.end() ? none : it->second;
}

// Decodes the golden bytes of `name` into the sample, and encodes the sample into them.
template <class T, class Decode, class Encode>
void expect_format(const std::string& name, const T& sample, Decode decode, Encode encode) {
  const std::string bytes = unhex(golden(name));
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded.has_value()) << name << ": " << decoded.error().to_string();
  EXPECT_TRUE(*decoded == sample) << name << " decoded to something else";
  EXPECT_EQ(hex(encode(sample)), golden(name)) << name << " is written differently now";
}

TEST(RecordFormat, AccountIsUnchanged) {
  expect_format("account", samples::account(), Account::decode,
                [](const Account& a) { return a.encode(); });
}
TEST(RecordFormat, PostIsUnchanged) {
  expect_format("post", samples::post(), Post::decode, [](const Post& p) { return p.encode(); });
}
TEST(RecordFormat, MediaIsUnchanged) {
  expect_format("media", samples::media(), Media::decode,
                [](const Media& m) { return m.encode(); });
}
TEST(RecordFormat, AppIsUnchanged) {
  expect_format("app", samples::app(), App::decode, [](const App& a) { return a.encode(); });
}
TEST(RecordFormat, TokenIsUnchanged) {
  expect_format("token", samples::token(), Token::decode,
                [](const Token& t) { return t.encode(); });
}
TEST(RecordFormat, AuthCodeIsUnchanged) {
  expect_format("auth_code", samples::auth_code(), AuthCode::decode,
                [](const AuthCode& c) { return c.encode(); });
}
TEST(RecordFormat, PreferencesAreUnchanged) {
  expect_format("preferences", samples::preferences(), Preferences::decode,
                [](const Preferences& p) { return p.encode(); });
}
TEST(RecordFormat, HiddenWordsAreUnchanged) {
  expect_format("hidden_words", samples::hidden_words(), HiddenWords::decode,
                [](const HiddenWords& h) { return h.encode(); });
}
TEST(RecordFormat, HiddenRangeIsUnchanged) {
  expect_format("hidden_range", samples::hidden_range(), HiddenRange::decode,
                [](const HiddenRange& h) { return h.encode(); });
}
TEST(RecordFormat, FilterIsUnchanged) {
  expect_format("filter", samples::filter(), Filter::decode,
                [](const Filter& f) { return f.encode(); });
}
TEST(RecordFormat, NotificationIsUnchanged) {
  const Notification want = samples::notification();
  auto decoded = decode_notification(want.id, unhex(golden("notification")));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->id, want.id);
  EXPECT_EQ(decoded->type, want.type);
  EXPECT_EQ(decoded->from_account, want.from_account);
  EXPECT_EQ(decoded->status_id, want.status_id);
  EXPECT_EQ(hex(encode_notification(want)), golden("notification"));
}
TEST(RecordFormat, MuteIsUnchanged) {
  const Mute want = samples::mute();
  const Mute decoded = decode_mute(unhex(golden("mute")));
  EXPECT_EQ(decoded.notifications, want.notifications);
  EXPECT_EQ(decoded.expires_at_ms, want.expires_at_ms);
  EXPECT_EQ(hex(encode_mute(want)), golden("mute"));
}

// Records written before an appended field: the golden bytes cut where the older code stopped.
// `tail` is how many bytes of the golden record the newer fields take.
template <class T>
Result<T> decode_without_tail(const std::string& name, size_t tail) {
  const std::string bytes = unhex(golden(name));
  return T::decode(bytes.substr(0, bytes.size() - tail));
}

// The bytes of the moderation marks at the account's end (five fields, one byte each here).
constexpr size_t kModeration = 5;

TEST(RecordFormat, AccountWrittenBeforeModerationHasNoMarks) {
  auto a = decode_without_tail<Account>("account", kModeration);
  ASSERT_TRUE(a.has_value()) << a.error().to_string();
  EXPECT_FALSE(is_marked(*a));
  EXPECT_EQ(role_of(*a), Role::kAdmin);
  auto full = Account::decode(unhex(golden("account")));
  ASSERT_TRUE(full.has_value());
  EXPECT_TRUE(full->silenced);
  EXPECT_TRUE(is_marked(*full));
  EXPECT_FALSE(is_hidden(*full));
  Account gone = *full;
  gone.deleted_at_ms = 1700000000000;
  auto back = Account::decode(gone.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(is_hidden(*back));
  EXPECT_EQ(back->deleted_at_ms, gone.deleted_at_ms);
}

TEST(RecordFormat, AccountWrittenBeforeRolesKeepsItsAdminFlagAsTheAdminRole) {
  auto a = decode_without_tail<Account>("account", 1 + kModeration);  // role
  ASSERT_TRUE(a.has_value()) << a.error().to_string();
  EXPECT_TRUE(a->admin);
  EXPECT_EQ(a->role, Role::kUser);  // the byte's default...
  EXPECT_EQ(role_of(*a), Role::kAdmin);  // ...but the admin flag makes it an admin
  EXPECT_TRUE(is_staff(*a));
  EXPECT_TRUE(a->indexable);
  // Without the admin flag such an account is a user; written again it reads back the same.
  Account plain = *a;
  plain.admin = false;
  auto again = Account::decode(plain.encode());
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(*again == plain);
  EXPECT_EQ(role_of(*again), Role::kUser);
  EXPECT_FALSE(is_staff(*again));
}

TEST(RecordFormat, AccountRolesReadBack) {
  for (Role r : {Role::kUser, Role::kModerator, Role::kAdmin}) {
    Account a = samples::account();
    a.admin = r == Role::kAdmin;
    a.role = r;
    auto back = Account::decode(a.encode());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(role_of(*back), r);
    EXPECT_EQ(parse_role(role_name(r)), r);
  }
  EXPECT_FALSE(parse_role("owner").has_value());
  // A role byte beyond the known ones is corrupt, not a new power.
  std::string bytes = samples::account().encode();
  bytes[bytes.size() - 1 - kModeration] = 3;
  EXPECT_FALSE(Account::decode(bytes).has_value());
}

TEST(RecordFormat, AccountWrittenBeforeTheIndexingPreferenceIsNotIndexable) {
  auto a = decode_without_tail<Account>("account", 2 + kModeration);  // indexable, role
  ASSERT_TRUE(a.has_value()) << a.error().to_string();
  EXPECT_FALSE(a->indexable);
  EXPECT_TRUE(a->admin);
  EXPECT_EQ(a->fields, samples::account().fields);
  // Written again, such an account gains the preference's byte, and reads back the same.
  auto again = Account::decode(a->encode());
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(*again == *a);
}

TEST(RecordFormat, AccountWrittenBeforeTheAdminRoleIsNoAdmin) {
  auto a = decode_without_tail<Account>("account", 3 + kModeration);  // admin, indexable, role
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(a->admin);
  EXPECT_EQ(role_of(*a), Role::kUser);
  EXPECT_FALSE(a->indexable);
  EXPECT_EQ(a->fields, samples::account().fields);
}

TEST(RecordFormat, AccountWrittenBeforeProfilePicturesHasNone) {
  const Account full = samples::account();
  size_t tail = 3 + kModeration;  // admin, indexable, role
  tail += 1 + full.avatar.size() + 1 + full.header.size() + 1;
  for (const auto& f : full.fields) tail += 1 + f.name.size() + 1 + f.value.size();
  auto a = decode_without_tail<Account>("account", tail);
  ASSERT_TRUE(a.has_value()) << a.error().to_string();
  EXPECT_EQ(a->avatar, "");
  EXPECT_TRUE(a->fields.empty());
  EXPECT_TRUE(a->load_test);
  // One byte more is a record cut inside the profile pictures: corrupt.
  EXPECT_FALSE(decode_without_tail<Account>("account", tail - 1).has_value());
}

TEST(RecordFormat, PostWrittenBeforePollsHasNoPoll) {
  auto p = decode_without_tail<Post>("post", 1);  // poll_id
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->poll_id.is_none());
  EXPECT_EQ(p->edited_at_ms, samples::post().edited_at_ms);
}

TEST(RecordFormat, PostWrittenBeforeEditsWasNeverEdited) {
  auto p = decode_without_tail<Post>("post", 1 + 1);  // poll_id, edited_at_ms
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->edited_at_ms, 0);
  EXPECT_TRUE(p->approved);
}

TEST(RecordFormat, PostWrittenBeforeCommentControlsHasTheDefaults) {
  auto p = decode_without_tail<Post>("post", 1 + 1 + 4);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->reply_policy, ReplyPolicy::kEveryone);
  EXPECT_EQ(p->hold, CommentHold::kNone);
  EXPECT_FALSE(p->hide_favourites_count);
  EXPECT_FALSE(p->approved);
  EXPECT_EQ(p->reblog_of_id, samples::post().reblog_of_id);
}

TEST(RecordFormat, PostWrittenBeforePhotosAndReblogsHasNone) {
  auto before_reblogs = decode_without_tail<Post>("post", 1 + 1 + 4 + 2);
  ASSERT_TRUE(before_reblogs.has_value());
  EXPECT_TRUE(before_reblogs->reblog_of_id.is_none());
  EXPECT_EQ(before_reblogs->media_ids.size(), 3u);
  auto before_photos = decode_without_tail<Post>("post", 1 + 1 + 4 + 2 + 4);
  ASSERT_TRUE(before_photos.has_value());
  EXPECT_TRUE(before_photos->media_ids.empty());
  EXPECT_EQ(before_photos->tags, samples::post().tags);
}

TEST(RecordFormat, PreferencesWrittenBeforeCommentControlsHaveTheDefaults) {
  // default_reply_policy (1 byte), limit_until_ms (6 bytes), limit_recent_followers (1 byte).
  auto p = decode_without_tail<Preferences>("preferences", 8);
  ASSERT_TRUE(p.has_value()) << p.error().to_string();
  EXPECT_EQ(p->default_reply_policy, ReplyPolicy::kEveryone);
  EXPECT_EQ(p->limit_until_ms, 0);
  EXPECT_TRUE(p->limit_recent_followers);
  EXPECT_EQ(p->time_zone, "Europe/Berlin");
}

TEST(RecordFormat, OutOfRangeEnumsDoNotDecode) {
  std::string post = unhex(golden("post"));
  post[post.size() - 5] = 5;  // reply policy past kNobody
  EXPECT_FALSE(Post::decode(post).has_value());
  std::string notification = unhex(golden("notification"));
  notification[0] = 0;  // no notification type 0
  EXPECT_FALSE(decode_notification(Id(1), notification).has_value());
}

}  // namespace
}  // namespace kindred::social
