#include "web/mustache.h"

#include <algorithm>

#include "web/escape.h"

namespace kindred::web {

Value& Value::set(std::string key, Value value) {
  if (kind_ == Kind::kNull) kind_ = Kind::kObject;
  for (auto& [k, v] : fields_) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  fields_.emplace_back(std::move(key), std::move(value));
  return *this;
}

void Value::push_back(Value value) {
  if (kind_ == Kind::kNull) kind_ = Kind::kList;
  items_.push_back(std::move(value));
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::kNull: return false;
    case Kind::kBool: return bool_;
    case Kind::kString: return !string_.empty();
    case Kind::kList: return !items_.empty();
    case Kind::kObject: return true;
  }
  return false;
}

const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& [k, v] : fields_)
    if (k == key) return &v;
  return nullptr;
}

struct Template::Node {
  enum class Type { kText, kEscaped, kRaw, kSection, kInverted, kMessage };
  Type type = Type::kText;
  std::string text;                // kText: the text; others: the name as written
  std::vector<std::string> path;   // the name split at '.'; empty for "."
  std::vector<Node> children;      // sections
  bool attribute = false;          // kMessage: inside an HTML tag (an attribute's value)
};

Template::Template() = default;
Template::~Template() = default;

using Node = Template::Node;

namespace {

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

std::vector<std::string> split_path(std::string_view name) {
  std::vector<std::string> path;
  if (name == ".") return path;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    path.emplace_back(name.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return path;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Looks a name up as Mustache does: its first part in the innermost context that has it, the
// rest inside that value.
const Value* lookup(const std::vector<const Value*>& stack, const std::vector<std::string>& path) {
  if (path.empty()) return stack.back();
  const Value* found = nullptr;
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    if ((found = (*it)->find(path.front()))) break;
  }
  for (size_t i = 1; found && i < path.size(); ++i) found = found->find(path[i]);
  return found;
}

}  // namespace

std::unique_ptr<Template> Template::parse(std::string_view text, std::string* error) {
  std::unique_ptr<Template> t(new Template());
  // Open sections: the node list being filled at each depth.
  std::vector<std::vector<Node>*> open{&t->nodes_};
  std::vector<std::string> open_names;
  size_t pos = 0;
  auto line_of = [&](size_t at) {
    return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  };
  auto fail = [&](size_t at, const std::string& why) {
    if (error) *error = "line " + std::to_string(line_of(at)) + ": " + why;
    return nullptr;
  };
  auto add_text = [&](std::string_view s) {
    if (s.empty()) return;
    auto& nodes = *open.back();
    if (!nodes.empty() && nodes.back().type == Node::Type::kText) {
      nodes.back().text += s;
    } else {
      Node n;
      n.text = std::string(s);
      nodes.push_back(std::move(n));
    }
  };
  while (pos < text.size()) {
    const size_t tag = text.find("{{", pos);
    if (tag == std::string_view::npos) {
      add_text(text.substr(pos));
      break;
    }
    const bool triple = text.compare(tag, 3, "{{{") == 0;
    const size_t close = text.find(triple ? "}}}" : "}}", tag + (triple ? 3 : 2));
    if (close == std::string_view::npos) return fail(tag, "a tag is not closed");
    std::string_view inner = text.substr(tag + (triple ? 3 : 2), close - tag - (triple ? 3 : 2));
    const size_t end = close + (triple ? 3 : 2);
    char sigil = triple ? '{' : (inner.empty() ? '\0' : inner.front());
    if (!triple && (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!' || sigil == '&' || sigil == '@'))
      inner.remove_prefix(1);
    else if (!triple)
      sigil = '\0';
    const std::string_view name = trim(inner);

    // A standalone tag (alone on its line but for blanks) takes its line with it.
    std::string_view before = text.substr(pos, tag - pos);
    size_t next = end;
    if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!') {
      const size_t nl = tag == 0 ? std::string_view::npos : text.rfind('\n', tag - 1);
      const size_t line_start = nl == std::string_view::npos ? 0 : nl + 1;
      const size_t line_end = text.find('\n', end);
      const size_t stop = line_end == std::string_view::npos ? text.size() : line_end;
      if (line_start >= pos && blank(text.substr(line_start, tag - line_start)) &&
          blank(text.substr(end, stop - end))) {
        before.remove_suffix(tag - line_start);
        next = line_end == std::string_view::npos ? text.size() : line_end + 1;
      }
    }
    add_text(before);
    pos = next;

    if (sigil == '!') continue;
    if (name.empty()) return fail(tag, "a tag has no name");
    if (sigil == '/') {
      if (open_names.empty() || open_names.back() != name)
        return fail(tag, "{{/" + std::string(name) + "}} closes " +
                             (open_names.empty() ? std::string("nothing") : "{{#" + open_names.back() + "}}"));
      open.pop_back();
      open_names.pop_back();
      continue;
    }
    Node n;
    n.text = std::string(name);
    n.path = split_path(name);
    n.type = sigil == '#'   ? Node::Type::kSection
             : sigil == '^' ? Node::Type::kInverted
             : (sigil == '{' || sigil == '&') ? Node::Type::kRaw
             : sigil == '@'                   ? Node::Type::kMessage
                                              : Node::Type::kEscaped;
    if (n.type == Node::Type::kMessage) {
      // Inside a tag when the last '<' before it is later than the last '>'.
      const size_t lt = tag == 0 ? std::string_view::npos : text.rfind('<', tag - 1);
      const size_t gt = tag == 0 ? std::string_view::npos : text.rfind('>', tag - 1);
      n.attribute = lt != std::string_view::npos && (gt == std::string_view::npos || lt > gt);
    }
    auto& nodes = *open.back();
    nodes.push_back(std::move(n));
    if (sigil == '#' || sigil == '^') {
      open.push_back(&nodes.back().children);
      open_names.emplace_back(name);
    }
  }
  if (!open_names.empty()) return fail(text.size(), "{{#" + open_names.back() + "}} is not closed");
  return t;
}

namespace {

// A catalogue message in a page. Its own text is escaped for where it stands: '&', '<' and '>'
// in text, and '"' too in an attribute (the templates quote every attribute with '"'), so quotes
// and apostrophes read as they did when the words were written in the templates. Placeholders
// come from the data, escaped as {{name}} is.
void append_message(const Texts& texts, const std::string& key, bool attribute,
                    std::vector<const Value*>& stack, std::string& out) {
  const Message* m = texts.find(key);
  if (!m) {
    out += '[';
    append_escaped(out, key);
    out += ']';
    return;
  }
  for (const Message::Piece& p : m->pieces) {
    if (!p.placeholder) {
      size_t run = 0;
      const std::string& s = p.text;
      for (size_t i = 0; i < s.size(); ++i) {
        const char* ref;
        switch (s[i]) {
          case '&': ref = "&amp;"; break;
          case '<': ref = "&lt;"; break;
          case '>': ref = "&gt;"; break;
          case '"':
            if (!attribute) continue;
            ref = "&quot;";
            break;
          default: continue;
        }
        out.append(s.data() + run, i - run);
        out += ref;
        run = i + 1;
      }
      out.append(s.data() + run, s.size() - run);
      continue;
    }
    const Value* v = nullptr;
    if (p.text.find('.') == std::string::npos) {
      for (auto it = stack.rbegin(); it != stack.rend() && !v; ++it) v = (*it)->find(p.text);
    } else {
      v = lookup(stack, split_path(p.text));
    }
    if (v && v->kind() == Value::Kind::kString) {
      append_escaped(out, v->string());
    } else {
      out += '{';
      append_escaped(out, p.text);
      out += '}';
    }
  }
}

void render_nodes(const std::vector<Node>& nodes, std::vector<const Value*>& stack, const Texts& texts,
                  std::string& out) {
  for (const Node& n : nodes) {
    switch (n.type) {
      case Node::Type::kText:
        out += n.text;
        break;
      case Node::Type::kEscaped:
      case Node::Type::kRaw: {
        const Value* v = lookup(stack, n.path);
        if (v && v->kind() == Value::Kind::kString) {
          if (n.type == Node::Type::kRaw) {
            out += v->string();
          } else {
            append_escaped(out, v->string());
          }
        }
        break;
      }
      case Node::Type::kSection: {
        const Value* v = lookup(stack, n.path);
        if (!v || !v->truthy()) break;
        if (v->kind() == Value::Kind::kList) {
          for (const Value& item : v->items()) {
            stack.push_back(&item);
            render_nodes(n.children, stack, texts, out);
            stack.pop_back();
          }
        } else {
          stack.push_back(v);
          render_nodes(n.children, stack, texts, out);
          stack.pop_back();
        }
        break;
      }
      case Node::Type::kMessage:
        append_message(texts, n.text, n.attribute, stack, out);
        break;
      case Node::Type::kInverted: {
        const Value* v = lookup(stack, n.path);
        if (!v || !v->truthy()) render_nodes(n.children, stack, texts, out);
        break;
      }
    }
  }
}

}  // namespace

void Template::render(const Value& data, std::string& out, const Texts& texts) const {
  std::vector<const Value*> stack{&data};
  stack.reserve(16);
  render_nodes(nodes_, stack, texts, out);
}

namespace {

void collect_keys(const std::vector<Node>& nodes, std::vector<std::string>& out) {
  for (const Node& n : nodes) {
    if (n.type == Node::Type::kMessage) out.push_back(n.text);
    collect_keys(n.children, out);
  }
}

}  // namespace

std::vector<std::string> Template::message_keys() const {
  std::vector<std::string> out;
  collect_keys(nodes_, out);
  return out;
}

}  // namespace kindred::web
