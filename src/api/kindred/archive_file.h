#pragma once

#include "api/mastodon/api.h"
#include "social/safety/archive.h"

namespace kindred::api {

// Writes a person's archive as Mastodon's BackupService does: a zip (media::ZipWriter) holding
// outbox.json (an ActivityStreams OrderedCollection of the Create activities of their posts, with
// Notes whose attachments point at media_attachments/files/<name> inside the archive, and the
// Announce activities of their reblogs), actor.json (a Person with name, summary, icon and image
// naming avatar.<ext> and header.<ext>, profile fields as PropertyValue attachments), likes.json
// and bookmarks.json (OrderedCollections of post URIs), and the photos themselves. Each JSON file
// is written item by item to a scratch file, and each photo copied there, so memory stays small
// whatever the archive's size. Thread-safe (const; the services are).
class ArchiveFile : public social::ArchiveRenderer {
 public:
  ArchiveFile(const ApiConfig& config, const social::AccountService& accounts,
              const social::FeedService& feeds, const social::LikeService& likes,
              const social::MediaService& media)
      : config_(config), accounts_(accounts), feeds_(feeds), likes_(likes), media_(media) {}

  Status render(const social::Account& account, const std::string& path,
                const std::string& work_dir) const override;

 private:
  const ApiConfig& config_;
  const social::AccountService& accounts_;
  const social::FeedService& feeds_;
  const social::LikeService& likes_;
  const social::MediaService& media_;
};

}  // namespace kindred::api
