// Table-driven search for Reference elements (see references.hpp).
#include "core/fhir/references.hpp"
#include "core/fhir/r4_schema.hpp"
#include "core/depth.hpp"

namespace hdl::fhir {

namespace {

using json::Node;

class ReferenceFinder {
public:
	ReferenceFinder(ReferenceVisitor visit, void *ctx) noexcept : visit_(visit), ctx_(ctx) {
	}

	void
	Resource(const Node &node) {
		if (!node.isObject())
			return;
		r4::TypeId type = r4::FindResourceType(node.get("resourceType").str());
		if (type == r4::kNoType)
			return;
		bool root = depth_ == 0;
		if (root && !Push(r4::TypeName(type)))
			return;
		Object(node, type);
		if (root)
			depth_--;
	}

private:
	void
	Object(const Node &node, r4::TypeId type) {
		node.forEachMember([&](std::string_view key, const Node &value) {
			if (key.empty() || key[0] == '_')
				return;
			const r4::ElementDef *element = r4::FindElement(type, key);
			if (element == nullptr)
				return;
			const r4::TypeDef &def = r4::Type(element->type);
			if (def.kind == r4::TypeKind::Primitive || !Push(r4::Name(element->name)))
				return;
			if (value.isArray()) {
				for (size_t i = 0; i < value.size(); i++) {
					path_[depth_ - 1].index = static_cast<int32_t>(i);
					Item(*element, value.at(i));
				}
			} else {
				Item(*element, value);
			}
			depth_--;
		});
	}

	void
	Item(const r4::ElementDef &element, const Node &value) {
		if (!value.isObject())
			return;
		if (element.type == r4::kResourceListType) {
			Resource(value);
			return;
		}
		if (element.type == r4::kReferenceType)
			visit_(ctx_, ElementPath(path_, depth_), value);
		Object(value, element.type); // Reference.identifier.assigner is a Reference too
	}

	bool
	Push(std::string_view name) {
		if (depth_ == kMaxDepth) // refused, not skipped: a reference below would escape resolution
			depth::Fail("resource", static_cast<int>(kMaxDepth));
		path_[depth_++] = PathSegment {name, -1};
		return true;
	}

	static constexpr size_t kMaxDepth = 96;
	ReferenceVisitor visit_;
	void *ctx_;
	size_t depth_ = 0;
	PathSegment path_[kMaxDepth];
};

} // namespace

void
ForEachReferenceImpl(const json::Node &resource, ReferenceVisitor visit, void *ctx) {
	ReferenceFinder finder(visit, ctx);
	finder.Resource(resource);
}

bool
IsReferenceElement(std::string_view typeName, std::string_view element) noexcept {
	r4::TypeId type = r4::FindResourceType(typeName);
	if (type == r4::kNoType)
		type = r4::FindType(typeName);
	if (type == r4::kNoType)
		return false;
	const r4::ElementDef *def = r4::FindElement(type, element);
	return def != nullptr && def->type == r4::kReferenceType;
}

} // namespace hdl::fhir
