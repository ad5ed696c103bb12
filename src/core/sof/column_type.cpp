// Column type inference over the parsed FHIRPath (see column_type.hpp), and the period starts
// of partial dates.
#include "core/sof/column_type.hpp"

#include <cctype>

#include "core/calendar/civil.hpp"
#include "core/fhirpath/ast.hpp"
#include "core/fhirpath/temporal.hpp"

namespace hdl::sof {

namespace r4 = fhir::r4;

namespace {

r4::TypeId
Primitive(std::string_view name) {
	return r4::FindType(name);
}

// "FHIR.Quantity" -> "Quantity"; "System.String" -> "string" (the FHIR primitive of that name).
std::string
TypeSpecifier(std::string_view name) {
	bool system = false;
	if (name.compare(0, 5, "FHIR.") == 0) {
		name.remove_prefix(5);
	} else if (name.compare(0, 7, "System.") == 0) {
		name.remove_prefix(7);
		system = true;
	}
	std::string out(name);
	if (system && !out.empty())
		out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
	return out;
}

// The result of a step: a type, or a choice element not yet resolved (value before ofType()).
struct Step {
	r4::TypeId type = r4::kNoType;
	r4::TypeId choiceOwner = r4::kNoType;
	std::string choiceName;
};

Step
Known(r4::TypeId t) {
	Step s;
	s.type = t;
	return s;
}

bool
IsComplex(r4::TypeId t) {
	return t != r4::kNoType &&
	       (r4::Type(t).kind == r4::TypeKind::Complex || r4::Type(t).kind == r4::TypeKind::Resource);
}

Step Infer(const fhirpath::Ast &ast, r4::TypeId context);

Step
Focus(const fhirpath::Ast &ast, r4::TypeId context) {
	return ast.focus ? Infer(*ast.focus, context) : Known(context);
}

Step
Member(const fhirpath::Ast &ast, r4::TypeId context) {
	Step focus = Focus(ast, context);
	if (!IsComplex(focus.type))
		return {};
	// A path may start with the resource type's name (Patient.birthDate).
	if (!ast.focus && r4::Type(focus.type).kind == r4::TypeKind::Resource && ast.name == r4::TypeName(focus.type))
		return focus;
	const r4::ElementDef *e = r4::FindElement(focus.type, ast.name);
	if (e != nullptr)
		return e->isChoice() ? Step {} : Known(e->type);
	// value[x]: resolved by a following ofType()/as
	Step pending;
	pending.choiceOwner = focus.type;
	pending.choiceName = ast.name;
	return pending;
}

Step
OfType(const Step &focus, std::string_view name) {
	std::string wanted = TypeSpecifier(name);
	if (wanted.empty())
		return {};
	if (focus.choiceOwner != r4::kNoType) {
		std::string member = focus.choiceName + wanted;
		member[focus.choiceName.size()] =
		    static_cast<char>(std::toupper(static_cast<unsigned char>(member[focus.choiceName.size()])));
		const r4::ElementDef *e = r4::FindElement(focus.choiceOwner, member);
		return e != nullptr && e->isChoice() ? Known(e->type) : Step {};
	}
	if (focus.type != r4::kNoType && r4::TypeName(focus.type) == wanted)
		return focus;
	return {};
}

Step
Call(const fhirpath::Ast &ast, r4::TypeId context) {
	using F = fhirpath::FunctionId;
	switch (ast.fn) {
	case F::Count:
	case F::Length:
	case F::IndexOf:
	case F::ToInteger:
		return Known(Primitive("integer"));
	case F::Empty:
	case F::Exists:
	case F::All:
	case F::AllTrue:
	case F::AnyTrue:
	case F::AllFalse:
	case F::AnyFalse:
	case F::SubsetOf:
	case F::SupersetOf:
	case F::IsDistinct:
	case F::Is:
	case F::ToBoolean:
	case F::ConvertsToBoolean:
	case F::ConvertsToInteger:
	case F::ConvertsToDecimal:
	case F::ConvertsToString:
	case F::ConvertsToDate:
	case F::ConvertsToDateTime:
	case F::ConvertsToTime:
	case F::ConvertsToQuantity:
	case F::StartsWith:
	case F::EndsWith:
	case F::ContainsStr:
	case F::Matches:
	case F::HasValue:
	case F::Not:
	case F::MemberOf:
	case F::ConformsTo:
	case F::HtmlChecks:
	case F::Comparable:
		return Known(Primitive("boolean"));
	case F::ToDecimal:
		return Known(Primitive("decimal"));
	case F::ToString:
	case F::Substring:
	case F::Upper:
	case F::Lower:
	case F::Replace:
	case F::ReplaceMatches:
	case F::Trim:
	case F::Join:
	case F::EncodeFn:
	case F::DecodeFn:
	case F::GetResourceKey:
	case F::GetReferenceKey:
		return Known(Primitive("string"));
	case F::ToDate:
		return Known(Primitive("date"));
	case F::ToDateTime:
		return Known(Primitive("dateTime"));
	case F::ToTime:
		return Known(Primitive("time"));
	case F::First:
	case F::Last:
	case F::Single:
	case F::Tail:
	case F::Skip:
	case F::Take:
	case F::Where:
	case F::Distinct:
	case F::Trace:
	case F::LowBoundary:
	case F::HighBoundary: {
		Step focus = Focus(ast, context);
		return focus.choiceOwner != r4::kNoType ? Step {} : focus;
	}
	case F::OfType:
	case F::As:
		return OfType(Focus(ast, context), ast.name);
	case F::Extension:
		return Known(r4::kExtensionType);
	default:
		return {};
	}
}

Step
Infer(const fhirpath::Ast &ast, r4::TypeId context) {
	using K = fhirpath::AstKind;
	using B = fhirpath::BinaryOp;
	switch (ast.kind) {
	case K::Member:
		return Member(ast, context);
	case K::Call:
		return Call(ast, context);
	case K::Indexer:
		return ast.focus ? Infer(*ast.focus, context) : Step {};
	case K::This:
		return Known(context);
	case K::TypeOp:
		if (ast.op == B::Is)
			return Known(Primitive("boolean"));
		return ast.args.empty() ? Step {} : OfType(Infer(*ast.args[0], context), ast.name);
	case K::Binary:
		switch (ast.op) {
		case B::Lt:
		case B::Gt:
		case B::Le:
		case B::Ge:
		case B::Eq:
		case B::Ne:
		case B::Equiv:
		case B::NotEquiv:
		case B::In:
		case B::Contains:
		case B::And:
		case B::Or:
		case B::Xor:
		case B::Implies:
			return Known(Primitive("boolean"));
		case B::Concat:
			return Known(Primitive("string"));
		default:
			return {};
		}
	default:
		return {};
	}
}

} // namespace

r4::TypeId
InferPathType(const fhirpath::Ast &path, r4::TypeId context) {
	if (context == r4::kNoType)
		return r4::kNoType;
	return Infer(path, context).type;
}

std::string
InferColumnType(const fhirpath::Ast &path, r4::TypeId context) {
	r4::TypeId t = InferPathType(path, context);
	if (t == r4::kNoType || r4::Type(t).kind != r4::TypeKind::Primitive)
		return {};
	return std::string(r4::TypeName(t));
}

bool
IsPatientKeyPath(const fhirpath::Ast &path, std::string_view resource_type) noexcept {
	if (path.kind != fhirpath::AstKind::Call)
		return false;
	if (path.fn == fhirpath::FunctionId::GetReferenceKey)
		return path.name == "Patient" || path.name == "FHIR.Patient";
	return path.fn == fhirpath::FunctionId::GetResourceKey && !path.focus && resource_type == "Patient";
}

namespace {

// The start of the period: the fields below the text's precision are at their first value.
int64_t
StartDays(const fhirpath::Temporal &t) {
	return calendar::DaysFromCivil(t.year, t.precision >= fhirpath::MONTH ? t.month : 1,
	                               t.precision >= fhirpath::DAY ? t.day : 1);
}

} // namespace

bool
FhirDateStartDays(std::string_view text, int64_t &days) noexcept {
	fhirpath::Temporal t;
	if (!fhirpath::ParseDate(text, t) || t.kind != fhirpath::TemporalKind::Date)
		return false;
	days = StartDays(t);
	return true;
}

bool
FhirDateTimeStartMicros(std::string_view text, int64_t &micros) noexcept {
	// FHIRPath literals may end in "T" ("2014T"); FHIR text never does.
	if (text.empty() || text.back() == 'T' || text.find(' ') != std::string_view::npos)
		return false;
	if (fhirpath::InstantToUnixMicros(text, micros)) // complete, with an offset: the common case
		return true;
	fhirpath::Temporal t;
	if (!fhirpath::ParseDateTime(text, t))
		return false;
	int64_t seconds = StartDays(t) * 86400;
	if (t.precision >= fhirpath::HOUR)
		seconds += t.hour * 3600;
	if (t.precision >= fhirpath::MINUTE)
		seconds += t.minute * 60;
	if (t.precision >= fhirpath::SECOND)
		seconds += t.second;
	if (t.hasTz)
		seconds -= int64_t(t.tzMinutes) * 60;
	micros = seconds * 1000000 + (t.precision >= fhirpath::MILLISECOND ? int64_t(t.millis) * 1000 : 0);
	return true;
}

bool
IsTypedTimeType(std::string_view fhir_type) noexcept {
	return fhir_type == "date" || fhir_type == "dateTime";
}

} // namespace hdl::sof
