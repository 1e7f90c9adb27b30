#include "http/form.h"

namespace kindred::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percent_encode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    auto u = static_cast<unsigned char>(c);
    if (is_unreserved(u)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0F]);
    }
  }
  return out;
}

std::optional<Params> Params::parse(std::string_view encoded) {
  Params params;
  while (!encoded.empty()) {
    size_t amp = encoded.find('&');
    std::string_view piece = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view raw_name = piece.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto name = percent_decode(raw_name, /*plus_is_space=*/true);
    auto value = percent_decode(raw_value, /*plus_is_space=*/true);
    if (!name || !value) return std::nullopt;
    // A nameless pair ("=x") carries nothing a handler could ask for.
    if (name->empty()) continue;
    params.add(std::move(*name), std::move(*value));
  }
  return params;
}

std::optional<std::string_view> Params::get(std::string_view name) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->first == name) return std::string_view(it->second);
  }
  return std::nullopt;
}

std::vector<std::string> Params::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : items_) {
    bool bracketed = n.size() == name.size() + 2 && n.compare(0, name.size(), name) == 0 &&
                     n.compare(name.size(), 2, "[]") == 0;
    if (n == name || bracketed) out.push_back(v);
  }
  return out;
}

}  // namespace kindred::http
