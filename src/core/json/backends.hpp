// Internal: the per-back-end operations behind hdl::json::Node. Only node.cpp dispatches here.
#pragma once
#include "core/json/node.hpp"

namespace hdl::json::nl {
size_t Size(const Node &n) noexcept;
Node At(const Node &n, size_t i) noexcept;
Node Get(const Node &n, std::string_view key) noexcept;
std::string_view KeyAt(const Node &n, size_t i) noexcept;
Node ValueAt(const Node &n, size_t i) noexcept;
void ForEachMember(const Node &n, Node::MemberVisitor visit, void *ctx);
void ForEachMemberWithPrefix(const Node &n, std::string_view prefix, Node::MemberVisitor visit, void *ctx);
std::string_view Str(const Node &n) noexcept;
bool Boolean(const Node &n) noexcept;
std::string NumberText(const Node &n);
double NumberDouble(const Node &n) noexcept;
bool NumberInt64(const Node &n, int64_t &out) noexcept;
} // namespace hdl::json::nl

namespace hdl::json::jb {
size_t Size(const Node &n) noexcept;
// Every member, or (only_prefixed) those whose key starts with prefix.
void ForEachMember(const Node &n, Node::MemberVisitor visit, void *ctx, std::string_view prefix, bool only_prefixed);
Node At(const Node &n, size_t i) noexcept;
Node Get(const Node &n, std::string_view key) noexcept;
std::string_view KeyAt(const Node &n, size_t i) noexcept;
Node ValueAt(const Node &n, size_t i) noexcept;
std::string_view Str(const Node &n) noexcept;
bool Boolean(const Node &n) noexcept;
std::string NumberText(const Node &n);
bool NumberInt64(const Node &n, int64_t &out) noexcept;
} // namespace hdl::json::jb

#include "core/cpp_only.hpp"
