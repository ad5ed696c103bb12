// FHIRPath parser: precedence climbing over the tokens of lexer.cpp, producing an Ast with
// functions resolved to ids (see fhirpath.hpp for the public entry point).
#include "core/depth.hpp"
#include "core/error.hpp"
#include "core/fhirpath/fhirpath.hpp"
#include "core/fhirpath/lexer.hpp"
#include "core/fhirpath/ucum.hpp"

#include <algorithm>

namespace hdl::fhirpath {

namespace {

struct FunctionInfo {
	const char *name;
	FunctionId id;
	int minArgs;
	int maxArgs;
};

constexpr FunctionInfo FUNCTIONS[] = {
    {"empty", FunctionId::Empty, 0, 0},
    {"exists", FunctionId::Exists, 0, 1},
    {"all", FunctionId::All, 1, 1},
    {"allTrue", FunctionId::AllTrue, 0, 0},
    {"anyTrue", FunctionId::AnyTrue, 0, 0},
    {"allFalse", FunctionId::AllFalse, 0, 0},
    {"anyFalse", FunctionId::AnyFalse, 0, 0},
    {"subsetOf", FunctionId::SubsetOf, 1, 1},
    {"supersetOf", FunctionId::SupersetOf, 1, 1},
    {"count", FunctionId::Count, 0, 0},
    {"distinct", FunctionId::Distinct, 0, 0},
    {"isDistinct", FunctionId::IsDistinct, 0, 0},
    {"where", FunctionId::Where, 1, 1},
    {"select", FunctionId::Select, 1, 1},
    {"repeat", FunctionId::Repeat, 1, 1},
    {"aggregate", FunctionId::Aggregate, 1, 2},
    {"sort", FunctionId::Sort, 0, 8},
    {"ofType", FunctionId::OfType, 1, 1},
    {"is", FunctionId::Is, 1, 1},
    {"as", FunctionId::As, 1, 1},
    {"single", FunctionId::Single, 0, 0},
    {"first", FunctionId::First, 0, 0},
    {"last", FunctionId::Last, 0, 0},
    {"tail", FunctionId::Tail, 0, 0},
    {"skip", FunctionId::Skip, 1, 1},
    {"take", FunctionId::Take, 1, 1},
    {"intersect", FunctionId::Intersect, 1, 1},
    {"exclude", FunctionId::Exclude, 1, 1},
    {"union", FunctionId::Union, 1, 1},
    {"combine", FunctionId::Combine, 1, 1},
    {"iif", FunctionId::Iif, 2, 3},
    {"toBoolean", FunctionId::ToBoolean, 0, 0},
    {"convertsToBoolean", FunctionId::ConvertsToBoolean, 0, 0},
    {"toInteger", FunctionId::ToInteger, 0, 0},
    {"convertsToInteger", FunctionId::ConvertsToInteger, 0, 0},
    {"toDecimal", FunctionId::ToDecimal, 0, 0},
    {"convertsToDecimal", FunctionId::ConvertsToDecimal, 0, 0},
    {"toString", FunctionId::ToString, 0, 0},
    {"convertsToString", FunctionId::ConvertsToString, 0, 0},
    {"toDate", FunctionId::ToDate, 0, 0},
    {"convertsToDate", FunctionId::ConvertsToDate, 0, 0},
    {"toDateTime", FunctionId::ToDateTime, 0, 0},
    {"convertsToDateTime", FunctionId::ConvertsToDateTime, 0, 0},
    {"toTime", FunctionId::ToTime, 0, 0},
    {"convertsToTime", FunctionId::ConvertsToTime, 0, 0},
    {"toQuantity", FunctionId::ToQuantity, 0, 1},
    {"convertsToQuantity", FunctionId::ConvertsToQuantity, 0, 1},
    {"indexOf", FunctionId::IndexOf, 1, 1},
    {"substring", FunctionId::Substring, 1, 2},
    {"startsWith", FunctionId::StartsWith, 1, 1},
    {"endsWith", FunctionId::EndsWith, 1, 1},
    {"contains", FunctionId::ContainsStr, 1, 1},
    {"upper", FunctionId::Upper, 0, 0},
    {"lower", FunctionId::Lower, 0, 0},
    {"replace", FunctionId::Replace, 2, 2},
    {"matches", FunctionId::Matches, 1, 1},
    {"replaceMatches", FunctionId::ReplaceMatches, 2, 2},
    {"length", FunctionId::Length, 0, 0},
    {"toChars", FunctionId::ToChars, 0, 0},
    {"trim", FunctionId::Trim, 0, 0},
    {"split", FunctionId::Split, 1, 1},
    {"join", FunctionId::Join, 0, 1},
    {"encode", FunctionId::EncodeFn, 1, 1},
    {"decode", FunctionId::DecodeFn, 1, 1},
    {"escape", FunctionId::Escape, 1, 1},
    {"unescape", FunctionId::Unescape, 1, 1},
    {"matchesFull", FunctionId::MatchesFull, 1, 1},
    {"type", FunctionId::Type, 0, 0},
    {"abs", FunctionId::Abs, 0, 0},
    {"ceiling", FunctionId::Ceiling, 0, 0},
    {"exp", FunctionId::Exp, 0, 0},
    {"floor", FunctionId::Floor, 0, 0},
    {"ln", FunctionId::Ln, 0, 0},
    {"log", FunctionId::Log, 1, 1},
    {"power", FunctionId::Power, 1, 1},
    {"round", FunctionId::Round, 0, 1},
    {"sqrt", FunctionId::Sqrt, 0, 0},
    {"truncate", FunctionId::Truncate, 0, 0},
    {"children", FunctionId::Children, 0, 0},
    {"descendants", FunctionId::Descendants, 0, 0},
    {"trace", FunctionId::Trace, 1, 2},
    {"now", FunctionId::Now, 0, 0},
    {"today", FunctionId::Today, 0, 0},
    {"timeOfDay", FunctionId::TimeOfDay, 0, 0},
    {"not", FunctionId::Not, 0, 0},
    {"extension", FunctionId::Extension, 1, 1},
    {"hasValue", FunctionId::HasValue, 0, 0},
    {"getValue", FunctionId::GetValue, 0, 0},
    {"resolve", FunctionId::Resolve, 0, 0},
    {"getResourceKey", FunctionId::GetResourceKey, 0, 0},
    {"getReferenceKey", FunctionId::GetReferenceKey, 0, 1},
    {"lowBoundary", FunctionId::LowBoundary, 0, 1},
    {"highBoundary", FunctionId::HighBoundary, 0, 1},
    {"precision", FunctionId::Precision, 0, 0},
    {"memberOf", FunctionId::MemberOf, 1, 1},
    {"conformsTo", FunctionId::ConformsTo, 1, 1},
    {"htmlChecks", FunctionId::HtmlChecks, 0, 0},
    {"comparable", FunctionId::Comparable, 1, 1},
};

class Parser {
public:
	Parser(std::string_view text, std::vector<Token> tokens) : text_(text), tokens_(std::move(tokens)) {
	}

	std::unique_ptr<Ast>
	parseAll() {
		auto e = parseExpr(0);
		if (peek().kind != TokenKind::End)
			fail("unexpected \"" + peek().text + "\"");
		return e;
	}

	std::vector<std::string> constants;

private:
	std::string_view text_;
	std::vector<Token> tokens_;
	size_t pos_ = 0;

	const Token &
	peek(size_t ahead = 0) const {
		size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
		return tokens_[i];
	}
	Token
	next() {
		Token t = peek();
		if (pos_ < tokens_.size() - 1)
			pos_++;
		return t;
	}
	[[noreturn]] void
	fail(const std::string &what) const {
		std::string where =
		    peek().kind == TokenKind::End ? "at end" : "at offset " + std::to_string(peek().offset);
		throw Error(ErrorKind::InvalidParameter,
		            "invalid FHIRPath expression \"" + std::string(text_) + "\": " + what + " " + where);
	}
	bool
	isSymbol(const char *s, size_t ahead = 0) const {
		const Token &t = peek(ahead);
		return t.kind == TokenKind::Symbol && t.text == s;
	}
	void
	expect(const char *s) {
		if (!isSymbol(s))
			fail(std::string("expected \"") + s + "\"");
		next();
	}

	// Binary operator at the current token with its precedence (higher binds tighter), or 0.
	int
	binaryPrecedence(BinaryOp &op) const {
		const Token &t = peek();
		if (t.kind == TokenKind::Symbol) {
			static const std::pair<const char *, std::pair<BinaryOp, int>> symbols[] = {
			    {"*", {BinaryOp::Mul, 10}},  {"/", {BinaryOp::Div, 10}},      {"+", {BinaryOp::Add, 9}},
			    {"-", {BinaryOp::Sub, 9}},   {"&", {BinaryOp::Concat, 9}},    {"|", {BinaryOp::Union, 7}},
			    {"<", {BinaryOp::Lt, 6}},    {">", {BinaryOp::Gt, 6}},        {"<=", {BinaryOp::Le, 6}},
			    {">=", {BinaryOp::Ge, 6}},   {"=", {BinaryOp::Eq, 5}},        {"!=", {BinaryOp::Ne, 5}},
			    {"~", {BinaryOp::Equiv, 5}}, {"!~", {BinaryOp::NotEquiv, 5}},
			};
			for (const auto &s : symbols) {
				if (t.text == s.first) {
					op = s.second.first;
					return s.second.second;
				}
			}
			return 0;
		}
		if (t.kind != TokenKind::Identifier || t.delimited)
			return 0;
		static const std::pair<const char *, std::pair<BinaryOp, int>> words[] = {
		    {"div", {BinaryOp::IntDiv, 10}}, {"mod", {BinaryOp::Mod, 10}},
		    {"is", {BinaryOp::Is, 8}},       {"as", {BinaryOp::As, 8}},
		    {"in", {BinaryOp::In, 4}},       {"contains", {BinaryOp::Contains, 4}},
		    {"and", {BinaryOp::And, 3}},     {"or", {BinaryOp::Or, 2}},
		    {"xor", {BinaryOp::Xor, 2}},     {"implies", {BinaryOp::Implies, 1}},
		};
		for (const auto &w : words) {
			if (t.text == w.first) {
				op = w.second.first;
				return w.second.second;
			}
		}
		return 0;
	}

	// A node with its children attached: its height, refused above the depth budget.
	std::unique_ptr<Ast>
	sealed(std::unique_ptr<Ast> node) {
		int below = node->focus ? node->focus->height : 0;
		for (const auto &a : node->args)
			below = std::max(below, a->height);
		node->height = below + 1;
		depth::CheckHeight(node->height, "FHIRPath expression");
		return node;
	}

	std::unique_ptr<Ast>
	parseExpr(int minPrec) {
		depth::Guard guard("FHIRPath expression");
		auto left = parseUnary();
		while (true) {
			BinaryOp op = BinaryOp::None;
			int prec = binaryPrecedence(op);
			if (prec == 0 || prec < minPrec)
				return left;
			next();
			auto node = std::make_unique<Ast>();
			if (op == BinaryOp::Is || op == BinaryOp::As) {
				node->kind = AstKind::TypeOp;
				node->op = op;
				node->name = parseTypeSpecifier();
				node->args.push_back(std::move(left));
			} else {
				node->kind = AstKind::Binary;
				node->op = op;
				node->args.push_back(std::move(left));
				node->args.push_back(parseExpr(prec + 1));
			}
			left = sealed(std::move(node));
		}
	}

	std::string
	parseTypeSpecifier() {
		if (peek().kind != TokenKind::Identifier)
			fail("type name expected");
		std::string name = next().text;
		while (isSymbol(".") && peek(1).kind == TokenKind::Identifier) {
			next();
			name += "." + next().text;
		}
		return name;
	}

	std::unique_ptr<Ast>
	parseUnary() {
		depth::Guard guard("FHIRPath expression");
		if (isSymbol("-") || isSymbol("+")) {
			bool negate = next().text == "-";
			auto operand = parseUnary();
			if (!negate)
				return operand;
			auto node = std::make_unique<Ast>();
			node->kind = AstKind::Negate;
			node->args.push_back(std::move(operand));
			return sealed(std::move(node));
		}
		return parsePostfix(parseTerm());
	}

	std::unique_ptr<Ast>
	parsePostfix(std::unique_ptr<Ast> focus) {
		while (true) {
			if (isSymbol(".")) {
				next();
				if (peek().kind != TokenKind::Identifier)
					fail("name expected after \".\"");
				focus = parseInvocation(std::move(focus));
			} else if (isSymbol("[")) {
				next();
				auto node = std::make_unique<Ast>();
				node->kind = AstKind::Indexer;
				node->focus = std::move(focus);
				node->args.push_back(parseExpr(0));
				expect("]");
				focus = sealed(std::move(node));
			} else {
				return focus;
			}
		}
	}

	// An identifier (already current) as a member access or a function call on `focus`.
	std::unique_ptr<Ast>
	parseInvocation(std::unique_ptr<Ast> focus) {
		Token name = next();
		auto node = std::make_unique<Ast>();
		node->focus = std::move(focus);
		if (!isSymbol("(")) {
			node->kind = AstKind::Member;
			node->name = name.text;
			return sealed(std::move(node));
		}
		next();
		node->kind = AstKind::Call;
		const FunctionInfo *info = nullptr;
		for (const auto &f : FUNCTIONS) {
			if (name.text == f.name)
				info = &f;
		}
		if (!info)
			fail("unknown function \"" + name.text + "\"");
		node->fn = info->id;
		node->name = name.text;
		if (!isSymbol(")")) {
			while (true) {
				node->args.push_back(parseExpr(0));
				if (!isSymbol(","))
					break;
				next();
			}
		}
		expect(")");
		int n = static_cast<int>(node->args.size());
		if (n < info->minArgs || n > info->maxArgs)
			fail("wrong number of arguments for " + name.text + "()");
		if (node->fn == FunctionId::OfType || node->fn == FunctionId::Is || node->fn == FunctionId::As ||
		    (node->fn == FunctionId::GetReferenceKey && n == 1)) {
			node->name = TypeNameOf(*node->args[0]);
			node->args.clear();
		}
		return sealed(std::move(node));
	}

	// The dotted name of a type argument such as ofType(FHIR.Quantity).
	std::string
	TypeNameOf(const Ast &arg) {
		if (arg.kind == AstKind::Member) {
			if (!arg.focus)
				return arg.name;
			return TypeNameOf(*arg.focus) + "." + arg.name;
		}
		fail("type name expected as function argument");
	}

	std::unique_ptr<Ast>
	literal(Value v) {
		auto node = std::make_unique<Ast>();
		node->kind = AstKind::Literal;
		node->literal = std::move(v);
		return node;
	}

	std::unique_ptr<Ast>
	parseTerm() {
		const Token &t = peek();
		switch (t.kind) {
		case TokenKind::End:
			fail("expression expected");
		case TokenKind::String:
			return literal(Value::Text(ValueKind::String, next().text));
		case TokenKind::Integer:
		case TokenKind::Decimal: {
			Token number = next();
			bool isInt = number.kind == TokenKind::Integer;
			if (peek().kind == TokenKind::String) {
				return literal(Value::Quantity(number.text, next().text));
			}
			if (peek().kind == TokenKind::Identifier && !peek().delimited && IsCalendarKeyword(peek().text))
				return literal(Value::Quantity(number.text, next().text));
			if (isInt) {
				try {
					return literal(Value::Int(std::stoll(number.text)));
				} catch (const std::exception &) {
					fail("integer literal out of range");
				}
			}
			return literal(Value::Text(ValueKind::Decimal, number.text));
		}
		case TokenKind::Long:
			try {
				return literal(Value::Int(std::stoll(next().text)));
			} catch (const std::exception &) {
				fail("integer literal out of range");
			}
		case TokenKind::Date:
			return literal(Value::Text(ValueKind::Date, next().text));
		case TokenKind::DateTime: {
			std::string s = next().text;
			if (!s.empty() && s.back() == 'T')
				s.pop_back();
			return literal(Value::Text(ValueKind::DateTime, s));
		}
		case TokenKind::Time:
			return literal(Value::Text(ValueKind::Time, next().text));
		case TokenKind::Constant: {
			auto node = std::make_unique<Ast>();
			node->kind = AstKind::Constant;
			node->name = next().text;
			if (std::find(constants.begin(), constants.end(), node->name) == constants.end())
				constants.push_back(node->name);
			return node;
		}
		case TokenKind::Special: {
			auto node = std::make_unique<Ast>();
			std::string s = next().text;
			node->kind = s == "this" ? AstKind::This : (s == "index" ? AstKind::IndexVar : AstKind::Total);
			return node;
		}
		case TokenKind::Identifier:
			if (!t.delimited && (t.text == "true" || t.text == "false"))
				return literal(Value::Bool(next().text == "true"));
			return parseInvocation(nullptr);
		default:
			break;
		}
		if (isSymbol("(")) {
			next();
			auto e = parseExpr(0);
			expect(")");
			return e;
		}
		if (isSymbol("{")) {
			next();
			expect("}");
			auto node = std::make_unique<Ast>();
			node->kind = AstKind::Literal;
			node->empty = true;
			return node;
		}
		fail("unexpected \"" + t.text + "\"");
	}
};

} // namespace

Expression
Parse(std::string_view expression) {
	Parser parser(expression, Tokenize(expression));
	Expression e;
	e.root_ = parser.parseAll();
	e.fast_ = NodePath::Compile(*e.root_);
	e.text_ = std::string(expression);
	e.constants_ = std::move(parser.constants);
	return e;
}

} // namespace hdl::fhirpath
