// NodePath (see node_path.hpp).
#include "core/fhirpath/node_path.hpp"
#include "core/fhirpath/evaluator.hpp"

#include <algorithm>
#include <cctype>

namespace hdl::fhirpath {

namespace {

using Item = NodeRef;

// Two buffers reused by every evaluation (a path's steps never nest; hdl's engines run on one
// thread: a backend, or a tool). Not thread_local: in a shared library every access to one
// would go through __tls_get_addr.
std::vector<Item> from_buffer, to_buffer;
Collection tail_input; // the input of a final function (its arguments never evaluate a NodePath)

} // namespace

std::shared_ptr<const NodePath>
NodePath::Compile(const Ast &root) {
	auto path = std::make_shared<NodePath>();
	const Ast *a = &root;
	if (a->kind == AstKind::Call && a->fn != FunctionId::First && a->fn != FunctionId::OfType) {
		path->tail_ = a;
		a = a->focus.get();
	}
	for (; a != nullptr; a = a->focus.get()) {
		if (a->kind == AstKind::Member) {
			// a capitalised step may be a type name (Patient.name): the evaluator's business
			if (a->name.empty() || std::isupper(static_cast<unsigned char>(a->name[0])))
				return nullptr;
			path->steps_.push_back({Op::Member, a->name});
		} else if (a->kind == AstKind::Call && a->fn == FunctionId::First && a->args.empty()) {
			path->steps_.push_back({Op::First, {}});
		} else if (a->kind == AstKind::Call && a->fn == FunctionId::OfType) {
			path->steps_.push_back({Op::OfType, a->name});
		} else {
			return nullptr;
		}
	}
	std::reverse(path->steps_.begin(), path->steps_.end());
	return path;
}

const std::vector<NodeRef> *
NodePath::Walk(Span focus) const {
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
				detail::NavigateNode(item.node, step.name,
				                     [&](json::Node n, std::string_view type) { to->push_back({n, type}); });
			break;
		case Op::First:
			if (!from->empty())
				to->push_back(from->front());
			break;
		case Op::OfType:
			for (const Item &item : *from)
				if (detail::ValueIsType(Value::OfNode(item.node, item.type), step.name))
					to->push_back(item);
			break;
		}
		std::swap(from, to);
	}
	return from;
}

bool
NodePath::Evaluate(Span focus, const detail::Context &ctx, Collection &out) const {
	const std::vector<Item> *result = Walk(focus);
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
NodePath::EvaluateNodes(Span focus, std::vector<NodeRef> &out) const {
	const std::vector<Item> *result = Walk(focus);
	if (result == nullptr)
		return false;
	out.assign(result->begin(), result->end());
	return true;
}

} // namespace hdl::fhirpath
