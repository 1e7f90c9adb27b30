#include "api/kindred/archive_file.h"

#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <set>

#include "api/mastodon/entities/entities.h"
#include "media/zip.h"
#include "social/model/text.h"

namespace kindred::api {

namespace json = boost::json;

namespace {

constexpr std::string_view kPublic = "https://www.w3.org/ns/activitystreams#Public";
constexpr size_t kPage = 40;

// One JSON file written item by item: `{...head, "orderedItems": [` items `], "totalItems": n}`.
class CollectionFile {
 public:
  CollectionFile(const std::string& path, std::string_view id) : out_(path, std::ios::binary) {
    out_ << R"({"@context":"https://www.w3.org/ns/activitystreams","id":)"
         << json::serialize(json::value(id)) << R"(,"type":"OrderedCollection","orderedItems":[)";
  }
  void add(const json::value& item) {
    if (count_++) out_ << ',';
    out_ << json::serialize(item);
  }
  Status close(const std::string& path) {
    out_ << "],\"totalItems\":" << count_ << "}";
    out_.close();
    if (!out_) return Status::internal(path + ": write failed");
    return Status::ok();
  }

 private:
  std::ofstream out_;
  size_t count_ = 0;
};

// Every page of `fetch` (newest first), until one comes back empty.
Status each_post(
    const std::function<Result<social::Page<social::PostView>>(const social::ListQuery&)>& fetch,
    const std::function<Status(const social::PostView&)>& fn) {
  social::ListQuery q;
  q.limit = kPage;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, fetch(q));
    if (page.items.empty() || page.positions.empty()) return Status::ok();
    for (const auto& v : page.items) KINDRED_RETURN_IF_ERROR(fn(v));
    q.max_id = page.positions.back();
  }
}

Status write_text(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return Status::internal(path + ": write failed");
  return Status::ok();
}

std::string extension_of(std::string_view blob) {
  const size_t dot = blob.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(blob.substr(dot));
}

}  // namespace

Status ArchiveFile::render(const social::Account& account, const std::string& path,
                           const std::string& work_dir) const {
  const std::string& base = config_.base_url;
  const std::string actor = base + "/users/" + account.username;
  const social::Viewer self{account.id};
  auto status_uri = [&](const std::string& username, Id id) {
    return base + "/users/" + username + "/statuses/" + id.to_string();
  };
  KINDRED_ASSIGN_OR_RETURN(auto zip, media::ZipWriter::create(path));
  std::set<std::string> photos_added;
  size_t scratch = 0;
  // Copies the blob into the work directory and adds it to the zip as `member`.
  auto add_blob = [&](const std::string& blob, const std::string& member) -> Status {
    KINDRED_ASSIGN_OR_RETURN(std::string bytes, media_.read_file(blob));
    const std::string copy = work_dir + "/blob-" + std::to_string(scratch++);
    KINDRED_RETURN_IF_ERROR(write_text(copy, bytes));
    return zip->add_file(member, copy, false);
  };

  // outbox.json: a Create of a Note per post, an Announce per reblog.
  const std::string outbox_path = work_dir + "/outbox.json";
  CollectionFile outbox(outbox_path, "outbox.json");
  const std::string followers = actor + "/followers";
  auto audience = [&](social::Visibility v, const std::vector<social::MentionView>& mentions,
                      json::array& to, json::array& cc) {
    switch (v) {
      case social::Visibility::kPublic:
        to.emplace_back(kPublic);
        cc.emplace_back(followers);
        break;
      case social::Visibility::kUnlisted:
        to.emplace_back(followers);
        cc.emplace_back(kPublic);
        break;
      case social::Visibility::kPrivate:
        to.emplace_back(followers);
        break;
      case social::Visibility::kDirect:
        break;
    }
    for (const auto& m : mentions)
      (v == social::Visibility::kDirect ? to : cc).emplace_back(base + "/users/" + m.username);
  };
  Status posts = each_post(
      [&](const social::ListQuery& q) { return feeds_.account_posts(self, account.id, q, {}); },
      [&](const social::PostView& v) -> Status {
        const social::Post& p = v.post;
        const std::string uri = status_uri(account.username, p.id);
        json::object activity;
        json::array to, cc;
        audience(p.visibility, v.mentions, to, cc);
        activity["id"] = uri + "/activity";
        activity["actor"] = actor;
        activity["published"] = entities::iso8601(p.created_at_ms);
        activity["to"] = to;
        activity["cc"] = cc;
        if (p.is_reblog()) {
          activity["type"] = "Announce";
          std::string original_author = v.reblog ? v.reblog->author.account.username : "";
          if (original_author.empty())
            if (auto a = accounts_.get(p.reblog_of_account_id)) original_author = a->username;
          activity["object"] = status_uri(original_author, p.reblog_of_id);
          outbox.add(activity);
          return Status::ok();
        }
        activity["type"] = "Create";
        json::object note;
        note["id"] = uri;
        note["type"] = "Note";
        note["summary"] =
            p.spoiler_text.empty() ? json::value(nullptr) : json::value(p.spoiler_text);
        json::value reply_to = nullptr;
        if (!p.in_reply_to_id.is_none()) {
          auto parent_author = accounts_.get(p.in_reply_to_account_id);
          if (parent_author.has_value())
            reply_to = status_uri(parent_author->username, p.in_reply_to_id);
        }
        note["inReplyTo"] = reply_to;
        note["published"] = entities::iso8601(p.created_at_ms);
        if (p.edited_at_ms) note["updated"] = entities::iso8601(p.edited_at_ms);
        note["url"] = base + "/@" + account.username + "/" + p.id.to_string();
        note["attributedTo"] = actor;
        note["to"] = to;
        note["cc"] = cc;
        note["sensitive"] = p.sensitive;
        note["content"] = p.content_html;
        if (!p.language.empty()) note["contentMap"] = json::object{{p.language, p.content_html}};
        json::array attachments;
        for (const auto& m : v.media) {
          const std::string member = "media_attachments/files/" + m.original.blob;
          if (photos_added.insert(m.original.blob).second)
            KINDRED_RETURN_IF_ERROR(add_blob(m.original.blob, member));
          json::object a;
          a["type"] = "Document";
          a["mediaType"] = m.original.mime_type;
          a["url"] = member;
          a["name"] = m.description.empty() ? json::value(nullptr) : json::value(m.description);
          a["blurhash"] = m.blurhash;
          a["width"] = m.original.width;
          a["height"] = m.original.height;
          attachments.push_back(std::move(a));
        }
        note["attachment"] = std::move(attachments);
        json::array tags;
        for (const auto& m : v.mentions)
          tags.push_back(json::object{{"type", "Mention"},
                                      {"href", base + "/users/" + m.username},
                                      {"name", "@" + m.username + "@" + config_.domain}});
        for (const auto& t : p.tags)
          tags.push_back(
              json::object{{"type", "Hashtag"}, {"href", base + "/tags/" + t}, {"name", "#" + t}});
        note["tag"] = std::move(tags);
        activity["object"] = std::move(note);
        outbox.add(activity);
        return Status::ok();
      });
  KINDRED_RETURN_IF_ERROR(posts);
  KINDRED_RETURN_IF_ERROR(outbox.close(outbox_path));
  KINDRED_RETURN_IF_ERROR(zip->add_file("outbox.json", outbox_path, true));

  // likes.json and bookmarks.json: the URIs of the posts, most recent first.
  auto uri_list =
      [&](const std::string& name,
          const std::function<Result<social::Page<social::PostView>>(const social::ListQuery&)>&
              fetch) -> Status {
    const std::string file = work_dir + "/" + name;
    CollectionFile list(file, name);
    KINDRED_RETURN_IF_ERROR(each_post(fetch, [&](const social::PostView& v) {
      list.add(json::value(status_uri(v.author.account.username, v.post.id)));
      return Status::ok();
    }));
    KINDRED_RETURN_IF_ERROR(list.close(file));
    return zip->add_file(name, file, true);
  };
  KINDRED_RETURN_IF_ERROR(uri_list(
      "likes.json", [&](const social::ListQuery& q) { return likes_.favourites(self, q); }));
  KINDRED_RETURN_IF_ERROR(uri_list(
      "bookmarks.json", [&](const social::ListQuery& q) { return likes_.bookmarks(self, q); }));

  // actor.json: the profile, its pictures beside it.
  json::object person;
  person["@context"] =
      json::array{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                  json::object{{"schema", "http://schema.org#"},
                               {"PropertyValue", "schema:PropertyValue"},
                               {"value", "schema:value"}}};
  person["id"] = actor;
  person["type"] = "Person";
  person["following"] = actor + "/following";
  person["followers"] = followers;
  person["inbox"] = actor + "/inbox";
  person["outbox"] = "outbox.json";
  person["likes"] = "likes.json";
  person["bookmarks"] = "bookmarks.json";
  person["preferredUsername"] = account.username;
  person["name"] = account.display_name;
  person["summary"] =
      account.note.empty() ? std::string() : "<p>" + social::html_escape(account.note) + "</p>";
  person["url"] = base + "/@" + account.username;
  person["manuallyApprovesFollowers"] = account.locked;
  person["discoverable"] = account.indexable;
  person["published"] = entities::iso8601(account.created_at_ms);
  json::array fields;
  for (const auto& f : account.fields)
    fields.push_back(json::object{{"type", "PropertyValue"}, {"name", f.name}, {"value", f.value}});
  person["attachment"] = std::move(fields);
  auto picture = [&](const std::string& blob, std::string_view key,
                     std::string_view stem) -> Status {
    if (blob.empty()) return Status::ok();
    const std::string member = std::string(stem) + extension_of(blob);
    KINDRED_RETURN_IF_ERROR(add_blob(blob, member));
    person[key] = json::object{{"type", "Image"},
                               {"mediaType", blob.ends_with(".png") ? "image/png" : "image/jpeg"},
                               {"url", member}};
    return Status::ok();
  };
  KINDRED_RETURN_IF_ERROR(picture(account.avatar, "icon", "avatar"));
  KINDRED_RETURN_IF_ERROR(picture(account.header, "image", "header"));
  const std::string actor_path = work_dir + "/actor.json";
  KINDRED_RETURN_IF_ERROR(write_text(actor_path, json::serialize(person)));
  KINDRED_RETURN_IF_ERROR(zip->add_file("actor.json", actor_path, true));
  return zip->close();
}

}  // namespace kindred::api
