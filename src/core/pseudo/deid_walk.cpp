// The rule-driven de-identification walk (see deid_walk.hpp). One pass over the resource,
// typed by the R4 tables: person resources get their element rules (deid_rules.inc), every
// Reference and kept Identifier is handed to the hooks, nested resources are walked with the
// rules of their own type.
#include "core/pseudo/deid_walk.hpp"
#include "core/depth.hpp"
#include "core/fhir/r4_schema.hpp"

#include <utility>

namespace hdl::pseudo {

namespace {

using hdl::json::Value;
namespace r4 = hdl::fhir::r4;

r4::TypeId
IdentifierType() noexcept {
	static const r4::TypeId id = r4::FindType("Identifier");
	return id;
}

std::string
GeneraliseDateText(const std::string &date, BirthDateRule rule) {
	return date.substr(0, rule == BirthDateRule::Year ? 4 : 7);
}

// An Address reduced to what analysts may see (use, type, district, state, country, postcode
// district); null when nothing is left.
Value
GeneraliseAddress(const Value &a, const Policy &policy) {
	if (!a.isObject())
		return Value();
	Value kept = Value::object();
	for (const Value::Member &m : a.members())
		if (AddressKeeps(m.key))
			kept[m.key] = m.value;
	const Value *pc = a.find("postalCode");
	if (pc != nullptr && pc->isString() && policy.postcode == PostcodeRule::District) {
		std::string district = PostcodeDistrict(pc->str());
		if (!district.empty())
			kept["postalCode"] = district;
	}
	return kept.empty() ? Value() : kept;
}

class Walk {
public:
	Walk(const Policy &policy, DeidHooks &hooks, DeidScope scope) : policy_(policy), hooks_(hooks), scope_(scope) {
	}

	DeidResult
	Root(Value &resource) {
		DeidResult out;
		Resource(resource, true, out);
		out.nested = std::move(nested_);
		return out;
	}

private:
	// One resource object. Person resources (when their rules apply) fill identity.
	void
	Resource(Value &resource, bool root, DeidResult &out) {
		hdl::depth::Guard guard("resource");
		if (!resource.isObject())
			return;
		std::string type(resource.memberStr("resourceType"));
		r4::TypeId tid = r4::FindResourceType(type);
		if (tid == r4::kNoType) {
			Untyped(resource);
			return;
		}
		PersonClass cls = PersonClassOf(type);
		if (!root && cls != PersonClass::Patient && !policy_.keep_narrative)
			resource.erase("text"); // a nested narrative (the root's: ScrubFreeText, or the vault below)
		if (cls == PersonClass::None || (root && !scope_.root_rules)) {
			Object(resource, tid, PersonClass::None, nullptr, true);
			return;
		}
		Identity identity;
		identity.vault = Value::object();
		if (cls == PersonClass::Patient) // a patient's narrative names them: to the vault, whatever the policy
			if (Value *text = resource.find("text")) {
				identity.vault["text"] = std::move(*text);
				resource.erase("text");
			}
		Object(resource, tid, cls, &identity.vault, true);
		Collect(identity);
		if (root) {
			out.root_is_person = true;
			out.root = std::move(identity);
			return;
		}
		NestedPerson person {path_, type, std::move(identity)};
		hooks_.Nested(resource, person);
		nested_.push_back(std::move(person));
	}

	// The identifiers that left a person resource, for linkage.
	static void
	Collect(Identity &identity) {
		const Value *ids = identity.vault.find("identifier");
		if (ids == nullptr || !ids->isArray())
			return;
		for (const Value &id : ids->elements()) {
			std::string system(id.memberStr("system"));
			std::string value(id.memberStr("value"));
			if (value.empty())
				continue;
			if (system == NhsNumberSystem && identity.nhs_number.empty())
				identity.nhs_number = value;
			else
				identity.identifiers.emplace_back(system, value);
		}
	}

	// An object of schema type tid. In a person resource (cls != None) the rules apply and what
	// leaves goes to *vault (an object mirroring this one).
	void
	Object(Value &node, r4::TypeId tid, PersonClass cls, Value *vault, bool is_resource) {
		hdl::depth::Guard guard("resource");
		std::string_view owner = r4::TypeName(tid);
		if (tid == r4::kReferenceType)
			hooks_.Reference(node, reference_targets_);
		else if (tid == IdentifierType()) // in a person resource: a staff member's (a patient's go to the vault)
			hooks_.Identifier(node);
		Value::Members &members = node.members();
		for (size_t i = 0; i < members.size();) {
			Value::Member &m = members[i];
			if (is_resource && (m.key == "resourceType" || m.key == "id")) {
				i++;
				continue;
			}
			bool primitive_ext = !m.key.empty() && m.key[0] == '_';
			const r4::ElementDef *el = r4::FindElement(tid, primitive_ext ? std::string_view(m.key).substr(1) : m.key);
			if (el != nullptr && primitive_ext && !el->allowsPrimitiveExtension())
				el = nullptr;
			Action action = Action::Keep;
			if (cls != PersonClass::None) {
				if (el == nullptr) { // not an R4 element: out of a person resource at every level
					MoveOut(members, i, *vault);
					continue;
				}
				action = ElementAction(owner, m.key, cls);
			}
			if (action == Action::Vault) {
				MoveOut(members, i, *vault);
				continue;
			}
			if (action == Action::GeneraliseAddress || action == Action::GeneraliseDate) {
				(*vault)[m.key] = m.value;
				if (Generalise(m.value, action)) {
					i++;
				} else {
					members.erase(members.begin() + static_cast<std::ptrdiff_t>(i));
				}
				continue;
			}
			if (el == nullptr) {
				if (m.value.isStructured())
					Untyped(m.value);
				i++;
				continue;
			}
			std::string key = m.key;
			bool was_empty = m.value.isStructured() && m.value.empty();
			Value child_vault;
			Member(m.value, primitive_ext ? r4::kElementType : el->type, owner, key, cls,
			       vault == nullptr ? nullptr : &child_vault);
			if (!child_vault.isNull() && !child_vault.empty())
				(*vault)[key] = std::move(child_vault);
			// an element the rules emptied goes (FHIR has no empty objects or arrays)
			if (!was_empty && m.value.isStructured() && m.value.empty())
				members.erase(members.begin() + static_cast<std::ptrdiff_t>(i));
			else
				i++;
		}
	}

	static void
	MoveOut(Value::Members &members, size_t i, Value &vault) {
		vault[members[i].key] = std::move(members[i].value);
		members.erase(members.begin() + static_cast<std::ptrdiff_t>(i));
	}

	// Generalises an Address (or array of them) or a birth/death date in place; false when
	// nothing is left of it.
	bool
	Generalise(Value &value, Action action) {
		if (action == Action::GeneraliseDate) {
			if (!value.isString() || policy_.birth_date == BirthDateRule::Drop)
				return false;
			value = GeneraliseDateText(value.str(), policy_.birth_date);
			return true;
		}
		if (value.isArray()) {
			Value kept = Value::array();
			for (const Value &a : value.elements()) {
				Value g = GeneraliseAddress(a, policy_);
				if (!g.isNull())
					kept.push_back(std::move(g));
			}
			value = std::move(kept);
			return !value.empty();
		}
		value = GeneraliseAddress(value, policy_);
		return !value.isNull();
	}

	// The value of element `key` (of type tid) of an object of type owner: one value or an array.
	void
	Member(Value &value, r4::TypeId tid, std::string_view owner, const std::string &key, PersonClass cls, Value *vault) {
		const r4::TypeDef &def = r4::Type(tid);
		if (def.kind == r4::TypeKind::Primitive || !value.isStructured())
			return;
		size_t mark = path_.size();
		path_ += path_.empty() ? key : "." + key;
		uint8_t saved_targets = reference_targets_;
		if (tid == r4::kReferenceType)
			reference_targets_ = ReferenceTargets(owner, key);
		bool extensions = tid == r4::kExtensionType && cls == PersonClass::Patient;
		if (value.isArray()) {
			Value mirror = Value::array();
			bool any = false;
			Value removed = Value::array(); // identifying extensions, taken whole
			Value::Elements &items = value.elements();
			for (size_t j = 0; j < items.size();) {
				if (extensions && IdentifyingExtension(items[j])) {
					removed.push_back(std::move(items[j]));
					items.erase(items.begin() + static_cast<std::ptrdiff_t>(j));
					continue;
				}
				size_t item_mark = path_.size();
				path_ += "[" + std::to_string(j) + "]";
				bool was_empty = items[j].isStructured() && items[j].empty();
				Value item_vault;
				One(items[j], tid, def, cls, vault == nullptr ? nullptr : &item_vault);
				path_.resize(item_mark);
				any = any || (!item_vault.isNull() && !item_vault.empty());
				mirror.push_back(item_vault.isNull() ? Value::object() : std::move(item_vault));
				if (!was_empty && items[j].isStructured() && items[j].empty())
					items.erase(items.begin() + static_cast<std::ptrdiff_t>(j));
				else
					j++;
			}
			if (vault != nullptr) {
				if (!removed.empty()) { // removed extensions whole, then what left the kept ones
					for (Value &m : mirror.elements())
						if (!m.empty())
							removed.push_back(std::move(m));
					*vault = std::move(removed);
				} else if (any) {
					*vault = std::move(mirror);
				}
			}
		} else if (extensions && IdentifyingExtension(value)) {
			if (vault != nullptr)
				*vault = std::move(value);
			value = Value::object(); // an empty extension: dropped by the caller
		} else {
			One(value, tid, def, cls, vault);
		}
		reference_targets_ = saved_targets;
		path_.resize(mark);
	}

	void
	One(Value &value, r4::TypeId tid, const r4::TypeDef &def, PersonClass cls, Value *vault) {
		if (!value.isObject())
			return;
		if (def.kind == r4::TypeKind::ResourceList) {
			if (!scope_.nested)
				return;
			DeidResult ignored;
			Resource(value, false, ignored);
			return;
		}
		Value mirror = Value::object();
		Object(value, tid, cls, vault == nullptr ? nullptr : &mirror, false);
		if (vault != nullptr && !mirror.empty())
			*vault = std::move(mirror);
	}

	// In a patient-class resource: an extension whose value has an identifying type, or one of
	// the core extensions that carry identity in a string or a date.
	static bool
	IdentifyingExtension(const Value &extension) {
		if (!extension.isObject())
			return false;
		if (IsIdentifyingExtensionUrl(extension.memberStr("url")))
			return true;
		for (const Value::Member &m : extension.members())
			if (ElementAction("Extension", m.key, PersonClass::Patient) == Action::VaultExtension)
				return true;
		return false;
	}

	// Below an element that is not in R4 (kept in non-person resources at level 'minimal'): what
	// looks like a Reference or an Identifier is handed to the hooks, untyped.
	void
	Untyped(Value &node) {
		hdl::depth::Guard guard("resource");
		if (node.isObject()) {
			const Value *ref = node.find("reference");
			const Value *id = node.find("identifier");
			if ((ref != nullptr && ref->isString()) || (id != nullptr && id->isObject()))
				hooks_.Reference(node, kTargetAny);
			if (node.find("system") != nullptr && node.find("value") != nullptr)
				hooks_.Identifier(node);
			for (Value::Member &m : node.members())
				if (m.value.isStructured())
					Untyped(m.value);
		} else if (node.isArray()) {
			for (Value &v : node.elements())
				if (v.isStructured())
					Untyped(v);
		}
	}

	const Policy &policy_;
	DeidHooks &hooks_;
	DeidScope scope_;
	std::string path_;
	uint8_t reference_targets_ = 0;
	std::vector<NestedPerson> nested_;
};

} // namespace

DeidResult
Deidentify(Value &resource, const Policy &policy, DeidHooks &hooks, DeidScope scope) {
	Walk walk(policy, hooks, scope);
	return walk.Root(resource);
}

} // namespace hdl::pseudo
