#pragma once

#include "core/status.h"
#include "social/accounts.h"
#include "social/likes.h"
#include "social/posts.h"

namespace kindred::app {

// The demo accounts' password, shown in the README.
inline constexpr std::string_view kDemoPassword = "kindred-demo";

// Seeds a small, believable instance: a few accounts (one a verified public figure), posts with
// likes and threaded comments. Does nothing when any account exists already.
Status seed_demo(social::AccountService& accounts, social::PostService& posts,
                 social::LikeService& likes, const store::Store& store);

}  // namespace kindred::app
