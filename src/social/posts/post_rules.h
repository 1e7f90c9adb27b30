#pragma once

// What creating and editing a post share: the checks of its text and the lists its text and
// photos put it on. Internal to social/posts/.

#include <string>
#include <string_view>

#include "core/status.h"
#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/model/models.h"
#include "social/posts/posts.h"
#include "store/store.h"

namespace kindred::social {

// The language as stored ("pt-BR" -> "pt"; "" stays ""). Errors: InvalidArgument when it is not
// an ISO 639 code, with Mastodon's message.
Result<std::string> post_language(std::string_view lang);

// Mastodon's checks of a post's words: text not blank unless it has photos, text and content
// warning together within the configured character limit. Errors: InvalidArgument.
Status check_post_text(const SocialConfig& config, std::string_view text,
                       std::string_view spoiler_text, bool has_media);

// Sets the post's content_html, mention_ids and tags from its text (a reply also mentions the
// account it replies to, as Mastodon does).
void render_post(Post& post, const AccountService& accounts, const SocialConfig& config);

// The lists a post appears in besides its author's and the instance's: with photos, top-level,
// by hashtag. Added on create, changed by edits and removed on delete, so they always agree.
template <class Fn>
void for_each_index(const Post& post, Fn&& fn) {
  using store::AssocType;
  if (!post.media_ids.empty()) {
    fn(post.account_id, AssocType::kAuthoredMedia);
    if (post.visibility == Visibility::kPublic)
      fn(store::kInstanceNode, AssocType::kInstanceMediaStatuses);
  }
  if (post.in_reply_to_id.is_none()) fn(post.account_id, AssocType::kAuthoredTopLevel);
  for (const auto& t : post.tags) {
    fn(tag_node(t), AssocType::kTagStatuses);
    if (post.visibility == Visibility::kPublic || post.visibility == Visibility::kUnlisted)
      fn(account_tag_node(post.account_id, t), AssocType::kAccountTagStatuses);
  }
  // The author sees their own post at once; followers get it from the fan-out.
  fn(post.account_id, AssocType::kHomeFeed);
}

}  // namespace kindred::social
