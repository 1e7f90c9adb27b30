#pragma once

#include "core/status.h"
#include "social/accounts.h"
#include "social/likes.h"
#include "social/media.h"
#include "social/posts.h"
#include "social/profiles.h"
#include "social/relationships.h"

namespace kindred::app {

// The demo accounts' password, shown in the README.
inline constexpr std::string_view kDemoPassword = "kindred-demo";

struct DemoServices {
  social::AccountService& accounts;
  social::PostService& posts;
  social::LikeService& likes;
  social::MediaService& media;
  social::ProfileService& profiles;
  social::RelationshipService& relationships;
  const store::Store& store;
};

// Seeds a small, believable instance: a few accounts (one a verified public figure) with
// avatars, follows, photo posts with alt text, likes and threaded comments. The photos are drawn here
// (libvips gradients and shapes; nothing is downloaded) and go through the upload pipeline.
// Does nothing when any account exists already.
Status seed_demo(const DemoServices& s);

}  // namespace kindred::app
