// NodePath (see node_path.hpp).
#include "core/fhirpath/node_path.hpp"
#include "core/fhirpath/evaluator.hpp"
#include "core/json/object_index.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>

namespace hdl::fhirpath {

namespace {

using Item = NodeRef;

// Two buffers reused by every evaluation (a path's steps never nest; hdl's engines run on one
// thread: a backend, or a tool). Not thread_local: in a shared library every access to one
// would go through __tls_get_addr.
std::vector<Item> from_buffer, to_buffer;
Collection tail_input; // the input of a final function (its arguments never evaluate a NodePath)

// The member-step memo of the current document (DocumentScope): direct-mapped by node and
// name; an entry counts only in the epoch (document) that wrote it.
struct MemoEntry {
	uint64_t epoch = 0;
	const void *node = nullptr;
	std::string_view name;
	uint8_t count = 0;
	Item items[4];
};
constexpr size_t MemoSlots = 64;
MemoEntry memo[MemoSlots];
uint64_t memo_epoch = 0;
bool memo_active = false;

// The members of the current document's root object (DocumentScope(root)).
json::ObjectIndex root_index;

// The children named `name` of a node, through the root index when it is the root.
template <typename Push>
void
NavigateFrom(const json::Node &node, std::string_view name, Push &&push) {
	if (!root_index.indexes(node)) {
		detail::NavigateNode(node, name, push);
		return;
	}
	auto get = [](std::string_view key) { return root_index.get(key); };
	auto with_prefix = [](std::string_view prefix, auto &&visit) {
		for (size_t i = 0; i < root_index.size(); i++) {
			std::string_view k = root_index.keyAt(i);
			if (k.size() >= prefix.size() && k.compare(0, prefix.size(), prefix) == 0 &&
			    !visit(k, root_index.valueAt(i)))
				return;
		}
	};
	detail::NavigateMembers(get, with_prefix, name, push);
}

} // namespace

NodePath::DocumentScope::DocumentScope() noexcept {
	memo_epoch++;
	memo_active = true;
	root_index.clear();
}

NodePath::DocumentScope::DocumentScope(const json::Node &root) noexcept : DocumentScope() {
	root_index.reset(root);
}

NodePath::DocumentScope::~DocumentScope() {
	memo_active = false;
	root_index.clear();
}

json::Node
NodePath::DocumentScope::get(const json::Node &node, std::string_view key) const {
	return root_index.indexes(node) ? root_index.get(key) : node.get(key);
}

// Flattened: the vector appends and the navigation lambdas inline into the hot loop.
[[gnu::flatten]] void
NodePath::Member(const Step &step, const NodeRef &item, std::vector<NodeRef> &to) const {
	auto push = [&](json::Node n, std::string_view type) { to.push_back({n, type}); };
	if (!memo_active || !item.node.isObject()) {
		NavigateFrom(item.node, step.name, push);
		return;
	}
	const void *node = item.node.raw();
	MemoEntry &e = memo[(reinterpret_cast<uintptr_t>(node) / 8 + step.name_hash) % MemoSlots];
	if (e.epoch == memo_epoch && e.node == node && e.name == step.name) {
		for (uint8_t k = 0; k < e.count; k++)
			to.push_back(e.items[k]);
		return;
	}
	size_t first = to.size();
	NavigateFrom(item.node, step.name, push);
	size_t n = to.size() - first;
	if (n > 4)
		return; // large results are not kept
	e.epoch = memo_epoch;
	e.node = node;
	e.name = step.name;
	e.count = static_cast<uint8_t>(n);
	for (size_t k = 0; k < n; k++) // at most four: plain assignments, no memmove call
		e.items[k] = to[first + k];
}

std::shared_ptr<const NodePath::Criterion>
NodePath::CompileCriterion(const Ast &c) {
	// a member of $this (a capitalised step may be a type name: the evaluator's business)
	auto member = [](const Ast *a) {
		return a != nullptr && a->kind == AstKind::Member && a->focus == nullptr && !a->name.empty() &&
		       !std::isupper(static_cast<unsigned char>(a->name[0]));
	};
	auto out = std::make_shared<Criterion>();
	if (c.kind == AstKind::Binary && (c.op == BinaryOp::And || c.op == BinaryOp::Or) && c.args.size() == 2) {
		out->kind = c.op == BinaryOp::And ? Criterion::Kind::And : Criterion::Kind::Or;
		out->left = CompileCriterion(*c.args[0]);
		out->right = CompileCriterion(*c.args[1]);
		return out->left && out->right ? out : nullptr;
	}
	if (c.kind == AstKind::Binary && c.op == BinaryOp::Eq && c.args.size() == 2 && member(c.args[0].get()) &&
	    c.args[1]->kind == AstKind::Literal && !c.args[1]->empty) {
		out->kind = Criterion::Kind::Equals;
		out->member = c.args[0]->name;
		out->literal = &c.args[1]->literal;
		return out;
	}
	if (c.kind == AstKind::Call && (c.fn == FunctionId::Empty || c.fn == FunctionId::Exists) && c.args.empty() &&
	    member(c.focus.get())) {
		out->kind = c.fn == FunctionId::Empty ? Criterion::Kind::Empty : Criterion::Kind::Exists;
		out->member = c.focus->name;
		return out;
	}
	return nullptr;
}

// As the evaluator decides it: `member = literal` is true only for a single member value equal
// to the literal (an empty or larger collection, or an unknown temporal comparison, is not);
// `and` is true when both sides are, `or` when either is (three-valued logic: only true holds).
bool
NodePath::Holds(const Criterion &c, const NodeRef &item) {
	switch (c.kind) {
	case Criterion::Kind::And:
		return Holds(*c.left, item) && Holds(*c.right, item);
	case Criterion::Kind::Or:
		return Holds(*c.left, item) || Holds(*c.right, item);
	default:
		break;
	}
	size_t n = 0;
	NodeRef first;
	NavigateFrom(item.node, c.member, [&](json::Node node, std::string_view type) {
		if (n++ == 0)
			first = {node, type};
	});
	if (c.kind == Criterion::Kind::Empty)
		return n == 0;
	if (c.kind == Criterion::Kind::Exists)
		return n > 0;
	return n == 1 && detail::ValuesEqual(Value::OfNode(first.node, first.type), *c.literal) == 1;
}

std::shared_ptr<const NodePath>
NodePath::Compile(const Ast &root) {
	auto path = std::make_shared<NodePath>();
	const Ast *a = &root;
	if (a->kind == AstKind::Call && a->fn != FunctionId::First && a->fn != FunctionId::OfType) {
		path->tail_ = a;
		if (a->fn == FunctionId::GetResourceKey && a->args.empty())
			path->key_ = Key::Resource;
		else if (a->fn == FunctionId::GetReferenceKey && a->args.empty())
			path->key_ = Key::Reference; // the type argument, if any, is in a->name
		a = a->focus.get();
	}
	for (; a != nullptr; a = a->focus.get()) {
		if (a->kind == AstKind::Member) {
			// a capitalised step may be a type name (Patient.name): the evaluator's business
			if (a->name.empty() || std::isupper(static_cast<unsigned char>(a->name[0])))
				return nullptr;
			path->steps_.push_back({Op::Member, a->name, std::hash<std::string> {}(a->name), nullptr, nullptr});
		} else if (a->kind == AstKind::Call && a->fn == FunctionId::First && a->args.empty()) {
			path->steps_.push_back({Op::First, {}, 0, nullptr, nullptr});
		} else if (a->kind == AstKind::Call && a->fn == FunctionId::OfType) {
			path->steps_.push_back({Op::OfType, a->name, 0, nullptr, nullptr});
		} else if (a->kind == AstKind::Call && a->fn == FunctionId::Where && a->args.size() == 1) {
			// where(system = 'http://snomed.info/sct'), where(use = 'home' or use.empty()): in place
			path->steps_.push_back({Op::Where, {}, 0, a->args[0].get(), CompileCriterion(*a->args[0])});
		} else {
			return nullptr;
		}
	}
	std::reverse(path->steps_.begin(), path->steps_.end());
	return path;
}

const std::vector<NodeRef> *
NodePath::Walk(Span focus, const detail::Context &ctx) const {
	for (const Value &v : focus)
		if (v.kind != ValueKind::Node)
			return nullptr;
	std::vector<Item> *from = &from_buffer, *to = &to_buffer;
	from->clear();
	for (const Value &v : focus)
		from->push_back({v.node, v.fhirType});
	for (const Step &step : steps_) {
		to->clear();
		switch (step.op) {
		case Op::Member:
			for (const Item &item : *from)
				Member(step, item, *to);
			break;
		case Op::First:
			if (!from->empty())
				to->push_back(from->front());
			break;
		case Op::OfType:
			for (const Item &item : *from)
				// a choice element named with exactly this type matches (as ValueIsType says)
				if ((!item.type.empty() && item.type == step.name) ||
				    detail::ValueIsType(Value::OfNode(item.node, item.type), step.name))
					to->push_back(item);
			break;
		case Op::Where:
			for (size_t i = 0; i < from->size(); i++) {
				if (step.simple != nullptr) {
					if (Holds(*step.simple, (*from)[i]))
						to->push_back((*from)[i]);
					continue;
				}
				Value self = Value::OfNode((*from)[i].node, (*from)[i].type);
				if (detail::CriteriaHolds(*step.criteria, ctx.withThis(Span(&self, 1), static_cast<int64_t>(i))))
					to->push_back((*from)[i]);
			}
			break;
		}
		std::swap(from, to);
	}
	return from;
}

bool
NodePath::Evaluate(Span focus, const detail::Context &ctx, Collection &out) const {
	const std::vector<Item> *result = Walk(focus, ctx);
	if (result == nullptr)
		return false;
	if (tail_ == nullptr) {
		for (const Item &item : *result)
			out.push_back(Value::OfNode(item.node, item.type));
		return true;
	}
	Collection &input = tail_input;
	input.clear();
	for (const Item &item : *result)
		input.push_back(Value::OfNode(item.node, item.type));
	detail::CallFunction(*tail_, input, ctx, out);
	return true;
}

bool
NodePath::EvaluateNodes(Span focus, const detail::Context &ctx, std::vector<NodeRef> &out) const {
	const std::vector<Item> *result = Walk(focus, ctx);
	if (result == nullptr)
		return false;
	if (key_ != Key::None)
		return KeyNodes(*result, out);
	out.assign(result->begin(), result->end());
	return true;
}

// As getResourceKey()/getReferenceKey() in functions_fhir.cpp, giving nodes; false (the caller
// evaluates in full) for a reference that is not a JSONB string.
bool
NodePath::KeyNodes(const std::vector<NodeRef> &items, std::vector<NodeRef> &out) const {
	out.clear();
	for (const Item &item : items) {
		if (!item.node.isObject())
			continue;
		auto get = [&](std::string_view key) {
			return root_index.indexes(item.node) ? root_index.get(key) : item.node.get(key);
		};
		if (key_ == Key::Resource) {
			json::Node id = get("id");
			if (id.isString() && get("resourceType").isString())
				out.push_back({id, "id"});
			continue;
		}
		json::Node ref = get("reference");
		std::string_view type, id;
		if (!ref.isString() || !detail::SplitReference(ref.str(), type, id))
			continue;
		const std::string &wanted_name = tail_->name;
		if (!wanted_name.empty() && wanted_name != "getReferenceKey") {
			std::string_view wanted = wanted_name;
			if (wanted.substr(0, 5) == "FHIR.")
				wanted.remove_prefix(5);
			if (type != wanted)
				continue;
		}
		json::Node slice = ref.slice(static_cast<size_t>(id.data() - ref.str().data()), id.size());
		if (slice.missing())
			return false;
		out.push_back({slice, {}});
	}
	return true;
}

} // namespace hdl::fhirpath
