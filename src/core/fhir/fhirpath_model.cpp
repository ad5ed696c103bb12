// The R4 FHIRPath type model (see fhirpath_model.hpp).
#include "core/fhir/fhirpath_model.hpp"
#include "core/fhir/r4_schema.hpp"

#include <string_view>
#include <unordered_map>

namespace hdl::fhir {

namespace {

class R4Model final : public fhirpath::Model {
public:
	R4Model() {
		// Types by name, once: FindType is a linear scan.
		for (size_t id = 0; id < r4::TypeCount(); id++)
			byName_.emplace(r4::TypeName(static_cast<r4::TypeId>(id)), static_cast<r4::TypeId>(id));
	}

	Lookup
	element(std::string_view owner, std::string_view name, std::string_view &type) const override {
		auto it = byName_.find(owner);
		if (it == byName_.end())
			return Lookup::UnknownOwner;
		const r4::TypeDef &def = r4::Type(it->second);
		if (def.kind == r4::TypeKind::Primitive || def.kind == r4::TypeKind::ResourceList)
			return Lookup::UnknownOwner;
		if (const r4::ElementDef *e = r4::FindElement(it->second, name)) {
			if (e->isChoice())
				return Lookup::ChoiceVariant;
			const r4::TypeDef &t = r4::Type(e->type);
			type = t.kind == r4::TypeKind::ResourceList || t.kind == r4::TypeKind::Resource
			           ? std::string_view()
			           : r4::TypeName(e->type);
			return Lookup::Element;
		}
		for (size_t slot = 0; slot < def.choiceCount; slot++) {
			if (r4::Name(r4::Choice(it->second, slot).name) == name)
				return Lookup::ChoiceBase;
		}
		return Lookup::Missing;
	}

	bool
	hasType(std::string_view name) const override {
		// The abstract bases are not in the tables, which describe JSON shapes.
		if (name == "Resource" || name == "DomainResource" || name == "Element" || name == "BackboneElement")
			return true;
		auto it = byName_.find(name);
		return it != byName_.end() && r4::Type(it->second).kind != r4::TypeKind::ResourceList;
	}

	bool
	isResourceType(std::string_view name) const override {
		return r4::FindResourceType(name) != r4::kNoType;
	}

private:
	std::unordered_map<std::string_view, r4::TypeId> byName_;
};

} // namespace

const fhirpath::Model &
R4FhirPathModel() {
	static const R4Model model;
	return model;
}

} // namespace hdl::fhir
