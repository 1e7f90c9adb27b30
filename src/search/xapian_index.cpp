#include "search/xapian_index.h"

#include <xapian.h>

#include <charconv>
#include <filesystem>
#include <limits>
#include <mutex>
#include <vector>

namespace kindred::search {

namespace {

constexpr Xapian::valueno kIdSlot = 0;
constexpr const char* kWatermarkKey = "watermark";
// Document ids go down as posts are indexed, so Xapian's ascending docid order is newest first:
// with all weights equal it stops once it has the page, instead of reading every match of a
// common word to find the highest docids (ascending is the only order its posting lists are
// read in). kLayoutKey marks an index laid out so; kNextDocidKey holds the next id to give.
constexpr const char* kLayoutKey = "layout";
constexpr const char* kLayout = "newest-lowest";
constexpr const char* kNextDocidKey = "next_docid";
constexpr Xapian::docid kTopDocid = std::numeric_limits<Xapian::docid>::max() - 1;
// Xapian refuses terms over 245 bytes; words that long are not worth finding.
constexpr size_t kMaxTermBytes = 200;

std::string id_term(Id id) { return "Q" + id.to_string(); }

// Big-endian, so byte order is numeric order (value ranges compare bytes).
std::string id_value(Id id) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i)
    out[static_cast<size_t>(7 - i)] = static_cast<char>(id.value >> (i * 8));
  return out;
}

Id value_id(const std::string& v) {
  uint64_t x = 0;
  for (unsigned char c : v) x = (x << 8) | c;
  return Id(x);
}

Status error(const Xapian::Error& e) {
  return Status::internal(std::string("search index: ") + e.get_type() + ": " + e.get_msg());
}

}  // namespace

struct XapianStatusIndex::Rep {
  std::string path;
  std::unique_ptr<Xapian::WritableDatabase> writer;  // used by the one writer thread
  Xapian::docid next_docid = kTopDocid;               // the writer's: the next new document's
  std::mutex readers_mutex;
  std::vector<std::unique_ptr<Xapian::Database>> readers;  // GUARDED_BY(readers_mutex): idle ones

  // A read handle at the last commit; returned to the pool by give_back.
  std::unique_ptr<Xapian::Database> take() {
    std::unique_ptr<Xapian::Database> db;
    {
      std::scoped_lock lock(readers_mutex);
      if (!readers.empty()) {
        db = std::move(readers.back());
        readers.pop_back();
      }
    }
    if (db) {
      db->reopen();
    } else {
      db = std::make_unique<Xapian::Database>(path);
    }
    return db;
  }
  void give_back(std::unique_ptr<Xapian::Database> db) {
    std::scoped_lock lock(readers_mutex);
    readers.push_back(std::move(db));
  }
  // Runs `fn` on a read handle, once more on a fresh one if the writer moved on meanwhile.
  template <class Fn>
  auto read(Fn&& fn) -> decltype(fn(std::declval<Xapian::Database&>())) {
    for (int attempt = 0;; ++attempt) {
      try {
        auto db = take();
        auto out = fn(*db);
        give_back(std::move(db));
        return out;
      } catch (const Xapian::DatabaseModifiedError& e) {
        if (attempt >= 2) return error(e);
      } catch (const Xapian::Error& e) {
        return error(e);
      }
    }
  }
};

XapianStatusIndex::XapianStatusIndex(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
XapianStatusIndex::~XapianStatusIndex() {
  try {
    if (rep_->writer) rep_->writer->close();
  } catch (const Xapian::Error&) {
    // Closing without a commit only drops uncommitted changes, which start-up re-indexes.
  }
}

Result<std::unique_ptr<XapianStatusIndex>> XapianStatusIndex::open(const std::string& dir) {
  auto rep = std::make_unique<Rep>();
  rep->path = dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::unavailable("search index: cannot create " + dir + ": " + ec.message());
  try {
    rep->writer = std::make_unique<Xapian::WritableDatabase>(dir, Xapian::DB_CREATE_OR_OPEN);
    if (rep->writer->get_metadata(kLayoutKey) != kLayout) {
      // New, or written before docids went down: start afresh (without a watermark, the
      // indexer's start() indexes every post again).
      rep->writer->close();
      rep->writer = std::make_unique<Xapian::WritableDatabase>(dir, Xapian::DB_CREATE_OR_OVERWRITE);
      rep->writer->set_metadata(kLayoutKey, kLayout);
      rep->writer->commit();
    }
    const std::string next = rep->writer->get_metadata(kNextDocidKey);
    Xapian::docid stored = 0;
    if (std::from_chars(next.data(), next.data() + next.size(), stored).ec == std::errc())
      rep->next_docid = stored;
  } catch (const Xapian::Error& e) {
    return Status::unavailable("search index: cannot open " + dir + ": " + e.get_msg());
  }
  return std::unique_ptr<XapianStatusIndex>(new XapianStatusIndex(std::move(rep)));
}

Status XapianStatusIndex::put(Id id, const std::vector<std::string>& terms) {
  try {
    Xapian::Document doc;
    for (const auto& t : terms)
      if (!t.empty() && t.size() <= kMaxTermBytes) doc.add_term(t);
    const std::string unique = id_term(id);
    doc.add_term(unique);
    doc.add_value(kIdSlot, id_value(id));
    // An edited post keeps its document id (its place in the order); a new one gets the next.
    Xapian::docid did = 0;
    if (auto it = rep_->writer->postlist_begin(unique); it != rep_->writer->postlist_end(unique))
      did = *it;
    if (did == 0) {
      if (rep_->next_docid == 0)
        return Status::internal(
            "search index: out of document ids: run kindred admin search-reindex");
      did = rep_->next_docid--;
    }
    rep_->writer->replace_document(did, doc);
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return error(e);
  }
}

Status XapianStatusIndex::remove(Id id) {
  try {
    rep_->writer->delete_document(id_term(id));
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return error(e);
  }
}

Status XapianStatusIndex::clear() {
  try {
    rep_->writer->close();
    {
      std::scoped_lock lock(rep_->readers_mutex);
      rep_->readers.clear();
    }
    rep_->writer =
        std::make_unique<Xapian::WritableDatabase>(rep_->path, Xapian::DB_CREATE_OR_OVERWRITE);
    rep_->next_docid = kTopDocid;
    rep_->writer->set_metadata(kLayoutKey, kLayout);
    rep_->writer->commit();
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return error(e);
  }
}

Status XapianStatusIndex::commit(Id watermark) {
  try {
    rep_->writer->set_metadata(kWatermarkKey, watermark.to_string());
    rep_->writer->set_metadata(kNextDocidKey, std::to_string(rep_->next_docid));
    rep_->writer->commit();
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return error(e);
  }
}

Result<Id> XapianStatusIndex::watermark() const {
  return rep_->read([](Xapian::Database& db) -> Result<Id> {
    auto id = Id::parse(db.get_metadata(kWatermarkKey));
    return id ? *id : Id();
  });
}

Result<int64_t> XapianStatusIndex::size() const {
  return rep_->read([](Xapian::Database& db) -> Result<int64_t> {
    return static_cast<int64_t>(db.get_doccount());
  });
}

Result<std::vector<Id>> XapianStatusIndex::search(const Query& q) const {
  return rep_->read([&q](Xapian::Database& db) -> Result<std::vector<Id>> {
    std::vector<Id> out;
    if (q.all.empty() || q.limit == 0) return out;
    const Xapian::Query words(Xapian::Query::OP_AND, q.all.begin(), q.all.end());
    Xapian::Query query = words;
    if (!q.any.empty() || !q.ids.empty()) {
      // Two branches: a broad `any` term ("P") in one OR with many single-document terms would
      // make every candidate of a common word skip through all of them.
      std::vector<Xapian::Query> branches;
      if (!q.any.empty())
        branches.emplace_back(Xapian::Query::OP_FILTER, words,
                              Xapian::Query(Xapian::Query::OP_OR, q.any.begin(), q.any.end()));
      if (!q.ids.empty()) {
        std::vector<std::string> named;
        named.reserve(q.ids.size());
        for (Id id : q.ids) named.push_back(id_term(id));
        branches.emplace_back(Xapian::Query::OP_FILTER,
                              Xapian::Query(Xapian::Query::OP_OR, named.begin(), named.end()), words);
      }
      query = Xapian::Query(Xapian::Query::OP_OR, branches.begin(), branches.end());
    }
    if (!q.min_id.is_none() || !q.max_id.is_none()) {
      const std::string lo = id_value(Id(q.min_id.value + 1));
      const std::string hi =
          q.max_id.is_none() ? std::string(8, '\xff') : id_value(Id(q.max_id.value - 1));
      query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kIdSlot, lo, hi));
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);  // newest first: see kLayoutKey
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(q.offset),
                                         static_cast<Xapian::doccount>(q.limit));
    for (auto it = mset.begin(); it != mset.end(); ++it)
      out.push_back(value_id(it.get_document().get_value(kIdSlot)));
    return out;
  });
}

}  // namespace kindred::search
