// The parsed form of a FHIRPath expression. Functions are resolved to an id at parse time so
// evaluation never looks names up.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/fhirpath/value.hpp"

namespace hdl::fhirpath {

enum class AstKind : uint8_t {
	Literal,  // literal (an empty collection when `empty` is set: `{}`)
	Member,   // focus.name (focus null: the current $this)
	Call,     // focus.fn(args) (focus null: the current $this)
	Indexer,  // focus[args[0]]
	This,     // $this
	IndexVar, // $index
	Total,    // $total
	Constant, // %name
	Negate,   // -args[0]
	Binary,   // args[0] op args[1]
	TypeOp,   // args[0] is/as typeName
};

enum class BinaryOp : uint8_t {
	None,
	Mul,
	Div,
	IntDiv,
	Mod,
	Add,
	Sub,
	Concat,
	Union,
	Lt,
	Gt,
	Le,
	Ge,
	Eq,
	Ne,
	Equiv,
	NotEquiv,
	In,
	Contains,
	And,
	Or,
	Xor,
	Implies,
	Is,
	As
};

enum class FunctionId : uint8_t {
	// existence and filtering
	Empty,
	Exists,
	All,
	AllTrue,
	AnyTrue,
	AllFalse,
	AnyFalse,
	SubsetOf,
	SupersetOf,
	Count,
	Distinct,
	IsDistinct,
	Where,
	Select,
	Repeat,
	Aggregate,
	Sort,
	OfType,
	Is,
	As,
	// subsetting
	Single,
	First,
	Last,
	Tail,
	Skip,
	Take,
	Intersect,
	Exclude,
	// combining
	Union,
	Combine,
	// conversion
	Iif,
	ToBoolean,
	ConvertsToBoolean,
	ToInteger,
	ConvertsToInteger,
	ToDecimal,
	ConvertsToDecimal,
	ToString,
	ConvertsToString,
	ToDate,
	ConvertsToDate,
	ToDateTime,
	ConvertsToDateTime,
	ToTime,
	ConvertsToTime,
	ToQuantity,
	ConvertsToQuantity,
	// strings
	IndexOf,
	Substring,
	StartsWith,
	EndsWith,
	ContainsStr,
	Upper,
	Lower,
	Replace,
	Matches,
	ReplaceMatches,
	Length,
	ToChars,
	Trim,
	Split,
	Join,
	EncodeFn,
	DecodeFn,
	Escape,
	Unescape,
	MatchesFull,
	// math
	Abs,
	Ceiling,
	Exp,
	Floor,
	Ln,
	Log,
	Power,
	Round,
	Sqrt,
	Truncate,
	// tree
	Children,
	Descendants,
	// utility
	Trace,
	Now,
	Today,
	TimeOfDay,
	Not,
	Type,
	// FHIR and SQL-on-FHIR
	Extension,
	HasValue,
	GetValue,
	Resolve,
	GetResourceKey,
	GetReferenceKey,
	LowBoundary,
	HighBoundary,
	Precision,
	MemberOf,
	ConformsTo,
	HtmlChecks,
	Comparable
};

struct Ast {
	AstKind kind = AstKind::Literal;
	BinaryOp op = BinaryOp::None;
	FunctionId fn = FunctionId::Empty;
	bool empty = false; // Literal: the empty collection {}
	std::string name;   // Member/Constant name; TypeOp and type-argument functions: the type name
	Value literal;      // Literal value
	std::unique_ptr<Ast> focus;
	std::vector<std::unique_ptr<Ast>> args;
	// Levels of the tree below and including this node: the parser refuses a tree higher than
	// the depth budget (core/depth.hpp), so every recursion over an Ast (evaluation, compilation,
	// destruction) is bounded, also for chains such as a.b.c... that parse without recursing.
	int height = 1;
};

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
