// Copying the embedded store into another store (`kindred admin copy-store`): the way an instance
// moves from RocksDB to PostgreSQL (docs/SCALING.md).
#include <rocksdb/db.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/rocksdb/encoding.h"
#include "store/rocksdb/rocksdb_store.h"
#include "store/rocksdb/rocksdb_store_impl.h"

namespace kindred::store {

using namespace rocksdb_detail;

Status RocksDbStore::dump(const std::function<Status(const Batch&)>& sink,
                          size_t batch_items) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  const ::rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  struct Release {
    const ::rocksdb::DB* db;
    const ::rocksdb::Snapshot* s;
    ~Release() { const_cast<::rocksdb::DB*>(db)->ReleaseSnapshot(s); }
  } release{db_.get(), snapshot};
  ::rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.fill_cache = false;

  Batch batch;
  size_t items = 0;
  const auto flush = [&]() -> Status {
    if (items == 0) return Status::ok();
    KINDRED_RETURN_IF_ERROR(sink(batch));
    batch = Batch{};
    items = 0;
    return Status::ok();
  };
  const auto add = [&]() -> Status { return ++items >= batch_items ? flush() : Status::ok(); };

  {
    std::unique_ptr<::rocksdb::Iterator> it(db_->NewIterator(read, cf(kObjects)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const auto key = it->key();
      if (key.size() != kObjectKeySize) return Status::corruption("object key of wrong size");
      batch.put_object(static_cast<ObjectType>(key[0]), Id(get_be64(key.data() + 1)),
                       it->value().ToString());
      KINDRED_RETURN_IF_ERROR(add());
    }
    if (!it->status().ok()) return to_status(it->status(), "reading objects");
  }
  {
    std::unique_ptr<::rocksdb::Iterator> it(db_->NewIterator(read, cf(kEdges)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const auto key = it->key();
      if (key.size() != kEdgeKeySize) return Status::corruption("edge key of wrong size");
      auto value = decode_edge_value(std::string_view(it->value().data(), it->value().size()));
      if (!value) return Status::corruption("edge value too short");
      const auto type = static_cast<AssocType>((static_cast<uint8_t>(key[8]) << 8) |
                                               static_cast<uint8_t>(key[9]));
      batch.add_assoc({Id(get_be64(key.data())), type, Id(get_be64(key.data() + 10)),
                       value->position, std::string(value->data)});
      KINDRED_RETURN_IF_ERROR(add());
    }
    if (!it->status().ok()) return to_status(it->status(), "reading edges");
  }
  KINDRED_RETURN_IF_ERROR(flush());  // keys alone: a claim fails its whole batch
  {
    std::unique_ptr<::rocksdb::Iterator> it(db_->NewIterator(read, cf(kKeys)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const auto key = it->key();
      auto id = decode_id_value(std::string_view(it->value().data(), it->value().size()));
      if (key.size() < 1 || !id) return Status::corruption("key row does not decode");
      batch.claim_key(static_cast<KeyspaceType>(key[0]), std::string(key.data() + 1, key.size() - 1),
                      *id);
      KINDRED_RETURN_IF_ERROR(add());
    }
    if (!it->status().ok()) return to_status(it->status(), "reading keys");
  }
  return flush();
}

Status RocksDbStore::dump_counts(const std::function<Status(Id, AssocType, int64_t)>& sink) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  std::unique_ptr<::rocksdb::Iterator> it(db_->NewIterator(::rocksdb::ReadOptions(), cf(kCounts)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto key = it->key();
    auto count = decode_count_value(std::string_view(it->value().data(), it->value().size()));
    if (key.size() != kAssocPrefixSize || !count) return Status::corruption("count row does not decode");
    const auto type = static_cast<AssocType>((static_cast<uint8_t>(key[8]) << 8) |
                                             static_cast<uint8_t>(key[9]));
    KINDRED_RETURN_IF_ERROR(sink(Id(get_be64(key.data())), type, *count));
  }
  if (!it->status().ok()) return to_status(it->status(), "reading counts");
  return Status::ok();
}

Result<CopyReport> copy_rocksdb_store(const StoreOptions& from, Store& to) {
  KINDRED_ASSIGN_OR_RETURN(auto opened, open_rocksdb_store(from));
  const auto* source = dynamic_cast<const RocksDbStore*>(opened.get());
  if (source == nullptr) return Status::internal("copy: not the embedded store");
  CopyReport report;
  KINDRED_RETURN_IF_ERROR(source->dump(
      [&](const Batch& b) -> Status {
        report.objects += b.object_puts.size();
        report.edges += b.assoc_adds.size();
        report.keys += b.key_claims.size();
        return to.apply(b).status();
      },
      1000));
  // Every count the target keeps now comes from the edges it was given: compare with the
  // source's, in pages.
  std::vector<std::pair<Id, AssocType>> lists;
  std::vector<int64_t> expected;
  const auto compare = [&]() -> Status {
    if (lists.empty()) return Status::ok();
    KINDRED_ASSIGN_OR_RETURN(auto counts, to.assoc_counts(lists));
    for (size_t i = 0; i < lists.size(); ++i) {
      ++report.counts_checked;
      if (counts[i] != expected[i]) ++report.counts_differing;
    }
    lists.clear();
    expected.clear();
    return Status::ok();
  };
  KINDRED_RETURN_IF_ERROR(source->dump_counts([&](Id from_id, AssocType type, int64_t count) {
    // Counts a store kept before their lists stopped being counted (is_counted) are left.
    if (count == 0 || !is_counted(type)) return Status::ok();
    lists.emplace_back(from_id, type);
    expected.push_back(count);
    return lists.size() >= 1000 ? compare() : Status::ok();
  }));
  KINDRED_RETURN_IF_ERROR(compare());
  KINDRED_RETURN_IF_ERROR(opened->close());
  return report;
}

}  // namespace kindred::store
