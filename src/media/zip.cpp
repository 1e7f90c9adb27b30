#include "media/zip.h"

#include <zip.h>

#include <set>

namespace kindred::media {

namespace {

std::string error_text(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string text = zip_error_strerror(&e);
  zip_error_fini(&e);
  return text;
}

// Opens `path` for reading, or says why not.
Result<zip_t*> open_for_reading(const std::string& path) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (z) return z;
  if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN)
    return Status::not_found(path + ": no such file");
  return Status::invalid_argument(path + ": not a zip file (" + error_text(code) + ")");
}

}  // namespace

struct ZipWriter::Rep {
  zip_t* zip = nullptr;
  std::set<std::string, std::less<>> names;
};

ZipWriter::ZipWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

ZipWriter::~ZipWriter() {
  if (rep_ && rep_->zip) zip_discard(rep_->zip);
}

Result<std::unique_ptr<ZipWriter>> ZipWriter::create(const std::string& path) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!z) return Status::internal(path + ": " + error_text(code));
  auto rep = std::make_unique<Rep>();
  rep->zip = z;
  return std::unique_ptr<ZipWriter>(new ZipWriter(std::move(rep)));
}

Status ZipWriter::add_file(std::string_view name, const std::string& source_path, bool compress) {
  if (!rep_->zip) return Status::internal("zip: already closed");
  if (name.empty() || rep_->names.count(name))
    return Status::invalid_argument("zip: member name empty or used twice: " + std::string(name));
  zip_source_t* src = zip_source_file(rep_->zip, source_path.c_str(), 0, 0);
  if (!src) return Status::internal("zip: " + source_path + ": " + zip_strerror(rep_->zip));
  const std::string member(name);
  const zip_int64_t index = zip_file_add(rep_->zip, member.c_str(), src, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(src);
    return Status::internal("zip: " + member + ": " + zip_strerror(rep_->zip));
  }
  if (zip_set_file_compression(rep_->zip, static_cast<zip_uint64_t>(index),
                               compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0)
    return Status::internal("zip: " + member + ": " + zip_strerror(rep_->zip));
  rep_->names.insert(member);
  return Status::ok();
}

Status ZipWriter::close() {
  if (!rep_->zip) return Status::internal("zip: already closed");
  if (zip_close(rep_->zip) != 0) {
    std::string why = zip_strerror(rep_->zip);
    zip_discard(rep_->zip);
    rep_->zip = nullptr;
    return Status::internal("zip: " + why);
  }
  rep_->zip = nullptr;
  return Status::ok();
}

Result<std::vector<std::string>> zip_member_names(const std::string& path) {
  KINDRED_ASSIGN_OR_RETURN(zip_t * z, open_for_reading(path));
  std::vector<std::string> names;
  const zip_int64_t n = zip_get_num_entries(z, 0);
  for (zip_int64_t i = 0; i < n; ++i)
    if (const char* name = zip_get_name(z, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS))
      names.emplace_back(name);
  zip_discard(z);
  return names;
}

Result<std::string> read_zip_member(const std::string& path, std::string_view name,
                                    size_t max_bytes) {
  KINDRED_ASSIGN_OR_RETURN(zip_t * z, open_for_reading(path));
  const std::string member(name);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, member.c_str(), 0, &st) != 0) {
    zip_discard(z);
    return Status::not_found(path + ": no member " + member);
  }
  if (st.size > max_bytes) {
    zip_discard(z);
    return Status::invalid_argument(path + ": " + member + " is larger than allowed");
  }
  zip_file_t* f = zip_fopen(z, member.c_str(), 0);
  if (!f) {
    std::string why = zip_strerror(z);
    zip_discard(z);
    return Status::internal(path + ": " + member + ": " + why);
  }
  std::string bytes(static_cast<size_t>(st.size), '\0');
  const zip_int64_t got = zip_fread(f, bytes.data(), st.size);
  zip_fclose(f);
  zip_discard(z);
  if (got < 0 || static_cast<zip_uint64_t>(got) != st.size)
    return Status::internal(path + ": " + member + ": short read");
  return bytes;
}

}  // namespace kindred::media
