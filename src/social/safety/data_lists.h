#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "social/graph/relationships.h"
#include "social/posts/likes.h"

// A person's lists as Mastodon exports and imports them (Settings > Import and export): who they
// follow, block and mute, and what they bookmarked, as CSV files another Mastodon server reads.
namespace kindred::social {

enum class DataList : uint8_t { kFollowing, kBlocking, kMuting, kBookmarks };
// The import types' names, as Mastodon's import form: "following", "blocking", "muting",
// "bookmarks"; nullopt for anything else.
std::optional<DataList> parse_data_list(std::string_view name);
std::string_view data_list_name(DataList l);
// The export's file name, as Mastodon's: "following_accounts.csv", "blocked_accounts.csv",
// "muted_accounts.csv", "bookmarks.csv"; nullopt for anything else.
std::optional<DataList> parse_export_file(std::string_view file);
std::string_view export_file_name(DataList l);

// merge: add to what is there; overwrite: also undo what the file does not name.
enum class ImportMode : uint8_t { kMerge, kOverwrite };
std::optional<ImportMode> parse_import_mode(std::string_view name);
std::string_view import_mode_name(ImportMode m);

// Mastodon's Form::Import::ROWS_PROCESSING_LIMIT and FILE_SIZE_LIMIT.
inline constexpr size_t kMaxImportRows = 20'000;
inline constexpr size_t kMaxImportBytes = 20 * 1024 * 1024;

// One row the import did not apply, and why (a sentence for the person).
struct ImportRefusal {
  size_t line = 0;    // the row's line in the file, counting a header
  std::string value;  // the account address or post URL as written
  std::string reason;
};

struct ImportResult {
  DataList type = DataList::kFollowing;
  ImportMode mode = ImportMode::kMerge;
  size_t total = 0;     // rows in the file (header not counted)
  size_t imported = 0;  // rows now in force (applied now, or already so)
  size_t removed = 0;   // overwrite: follows, blocks, mutes or bookmarks the file did not name
  std::vector<ImportRefusal>
      refused;  // in line order, at most kMaxRefusalsListed; `refused_count` has all
  size_t refused_count = 0;
};
inline constexpr size_t kMaxRefusalsListed = 100;

// Export and import of the lists. Accounts are written `username@domain` (this server's domain,
// SocialConfig::domain); posts by their ActivityPub URI (`<base>/users/<name>/statuses/<id>`),
// as Mastodon's Export. Kindred does not federate, so rows naming other servers are refused.
// Thread-safe: holds nothing mutable; imports go through the social services' own calls.
class DataListService {
 public:
  DataListService(Deps deps, const AccountService& accounts, const PostService& posts,
                  RelationshipService& relationships, LikeService& likes)
      : deps_(deps),
        accounts_(accounts),
        posts_(posts),
        relationships_(relationships),
        likes_(likes) {}

  // The viewer's list as Mastodon's CSV, newest first: following_accounts.csv (header
  // "Account address,Show boosts,Notify on new posts,Languages"), blocked_accounts.csv (one
  // address a line, no header), muted_accounts.csv ("Account address,Hide notifications"),
  // bookmarks.csv (one post URI a line). Suspended and deleted accounts, and posts gone or no
  // longer visible to the viewer, are left out. Reads the store in pages of kExportPage.
  // REQUIRES: viewer.signed_in().
  Result<std::string> export_csv(const Viewer& viewer, DataList list) const;

  // Reads `csv` as Mastodon's Form::Import does (a header row when its first field is one
  // Mastodon knows, else the type's default columns) and applies every row through the services
  // (follow, block, mute, bookmark), then, in overwrite mode, undoes what the file does not name.
  // Rows that cannot apply (another server, unknown account or post, oneself, a block in the
  // way) are refused one by one with a reason; the rest still apply.
  // Errors, with nothing applied: InvalidArgument with Mastodon's words for an empty file, a
  // malformed one, one made for another type, more than kMaxImportRows rows, or more than
  // kMaxImportBytes bytes. REQUIRES: viewer.signed_in().
  Result<ImportResult> import_csv(const Viewer& viewer, DataList list, ImportMode mode,
                                  std::string_view csv);

  static constexpr size_t kExportPage = 500;

 private:
  struct Row {
    size_t line = 0;
    std::string value;                       // account address or post URI
    std::optional<bool> hide_notifications;  // muting only
  };
  Result<std::vector<Row>> read_rows(DataList list, std::string_view csv) const;
  // The account a row names on this server. Errors: InvalidArgument with the reason to show.
  Result<Id> account_of(std::string_view address) const;
  // The post a URI or URL of this server names. Errors: InvalidArgument with the reason.
  Result<Id> post_of(std::string_view uri) const;
  // Every `to` of the viewer's edges of `type`, newest first.
  Result<std::vector<store::Assoc>> edges(Id from, store::AssocType type) const;
  Status apply_row(const Viewer& viewer, DataList list, const Row& row, Id target);
  Status undo(const Viewer& viewer, DataList list, Id target);
  std::string address(const Account& a) const;

  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  RelationshipService& relationships_;
  LikeService& likes_;
};

}  // namespace kindred::social
