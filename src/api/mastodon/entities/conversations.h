#pragma once

#include <string>
#include <vector>

#include "api/mastodon/api.h"
#include "api/mastodon/entities/json_writer.h"
#include "social/graph/conversations.h"

// Mastodon's Conversation entity (docs.joinmastodon.org/entities/Conversation). Pure functions:
// no store, no I/O.
namespace kindred::api::entities {

// Conversation: {id, unread, accounts, last_status (a Status, or null)}.
void write_conversation(JsonWriter& w, const social::ConversationView& v, const ApiConfig& c);
std::string conversation_json(const social::ConversationView& v, const ApiConfig& c);
std::string conversations_json(const std::vector<social::ConversationView>& vs, const ApiConfig& c);

}  // namespace kindred::api::entities
