#pragma once

#include <string>
#include <string_view>

#include "core/id.h"
#include "social/model/models.h"
#include "store/store.h"

namespace kindred::social {

// The hashtag name index that hashtag search reads: every hashtag ever used is listed
// (kTagNames, an edge to its tag_node, positioned at the first post using it, the tag's name as
// data) under each prefix of its folded name, up to kNamePrefixChars characters. Written in the
// batch of the post that uses the tag; kept when the post goes, as Mastodon keeps its tags.

// A hashtag or a hashtag query ("#Café", "café") folded as the index keys tags: its folded
// words (fold_words, no run collapsing) joined with nothing ("" when it has none).
std::string fold_tag(std::string_view tag);
// The node whose kTagNames edges list the hashtags whose folded name starts with `key`.
Id tag_name_node(std::string_view key);
// Adds the name index edges of `post`'s hashtags to `batch`.
void add_tag_name_index(store::Batch& batch, const Post& post);

}  // namespace kindred::social
