// FHIRPath string functions (byte-based positions; FHIR text in the lake is mostly ASCII).
#include "core/fhirpath/evaluator.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <regex>
#include <unordered_map>

namespace hdl::fhirpath::detail {

namespace {

bool
StringArg(const Ast &call, size_t i, const Context &ctx, std::string &out) {
	Value v;
	if (!SingleArg(call, i, ctx, v))
		return false;
	std::string_view s;
	if (!AsStringView(v, s))
		Fail(ctx, call.name + "() needs a string argument");
	out = std::string(s);
	return true;
}

bool
IntArg(const Ast &call, size_t i, const Context &ctx, int64_t &out) {
	Value v;
	if (!SingleArg(call, i, ctx, v))
		return false;
	if (!AsInteger(v, out))
		Fail(ctx, call.name + "() needs an integer argument");
	return true;
}

// FHIRPath regular expressions run in single-line mode: '.' also matches a line break, which
// ECMAScript's '.' does not, so an unescaped '.' outside a class becomes [\s\S].
std::string
SingleLinePattern(const std::string &pattern) {
	std::string out;
	bool inClass = false;
	for (size_t i = 0; i < pattern.size(); i++) {
		char c = pattern[i];
		if (c == '\\' && i + 1 < pattern.size()) {
			out.push_back(c);
			out.push_back(pattern[++i]);
			continue;
		}
		if (inClass) {
			if (c == ']')
				inClass = false;
		} else if (c == '[') {
			inClass = true;
		} else if (c == '.') {
			out += "[\\s\\S]";
			continue;
		}
		out.push_back(c);
	}
	return out;
}

// Compiled patterns are kept per thread: an expression evaluated over many resources compiles
// its literal pattern once.
const std::regex &
MakeRegex(const std::string &pattern, const Context &ctx) {
	thread_local std::unordered_map<std::string, std::unique_ptr<std::regex>> cache;
	auto it = cache.find(pattern);
	if (it != cache.end())
		return *it->second;
	if (cache.size() >= 256)
		cache.clear();
	try {
		auto re = std::make_unique<std::regex>(SingleLinePattern(pattern), std::regex::ECMAScript);
		return *cache.emplace(pattern, std::move(re)).first->second;
	} catch (const std::regex_error &) {
		Fail(ctx, "invalid regular expression \"" + pattern + "\"");
	}
}

void
PushString(Collection &out, std::string s) {
	out.push_back(Value::Text(ValueKind::String, std::move(s)));
}

} // namespace

bool
CallStringFunction(const Ast &call, Span focus, const Context &ctx, Collection &out) {
	switch (call.fn) {
	case FunctionId::Join: {
		std::string sep, result;
		if (!call.args.empty())
			StringArg(call, 0, ctx, sep);
		bool first = true;
		for (const Value &v : focus) {
			std::string s;
			if (!ToText(v, s))
				continue;
			if (!first)
				result += sep;
			result += s;
			first = false;
		}
		PushString(out, std::move(result));
		return true;
	}
	case FunctionId::IndexOf:
	case FunctionId::Substring:
	case FunctionId::StartsWith:
	case FunctionId::EndsWith:
	case FunctionId::ContainsStr:
	case FunctionId::Upper:
	case FunctionId::Lower:
	case FunctionId::Replace:
	case FunctionId::Matches:
	case FunctionId::ReplaceMatches:
	case FunctionId::Length:
	case FunctionId::ToChars:
	case FunctionId::Trim:
	case FunctionId::Split:
	case FunctionId::MatchesFull:
		break;
	default:
		return false;
	}
	const Value *input;
	if (!SingleInput(focus, ctx, call.name.c_str(), input))
		return true;
	std::string_view sv;
	if (!AsStringView(*input, sv)) {
		Fail(ctx, call.name + "() needs a string input");
	}
	std::string s(sv);
	std::string a, b;
	switch (call.fn) {
	case FunctionId::IndexOf:
		if (StringArg(call, 0, ctx, a)) {
			size_t p = s.find(a);
			out.push_back(Value::Int(p == std::string::npos ? -1 : static_cast<int64_t>(p)));
		}
		return true;
	case FunctionId::Substring: {
		int64_t start, len = -1;
		if (!IntArg(call, 0, ctx, start))
			return true;
		if (start < 0 || static_cast<size_t>(start) >= s.size())
			return true;
		if (call.args.size() > 1 && !IntArg(call, 1, ctx, len))
			len = -1;
		if (call.args.size() > 1 && len < 0)
			len = 0;
		PushString(out, len < 0 ? s.substr(static_cast<size_t>(start))
		                        : s.substr(static_cast<size_t>(start), static_cast<size_t>(len)));
		return true;
	}
	case FunctionId::StartsWith:
		if (StringArg(call, 0, ctx, a))
			out.push_back(Value::Bool(s.compare(0, a.size(), a) == 0));
		return true;
	case FunctionId::EndsWith:
		if (StringArg(call, 0, ctx, a))
			out.push_back(
			    Value::Bool(s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0));
		return true;
	case FunctionId::ContainsStr:
		if (StringArg(call, 0, ctx, a))
			out.push_back(Value::Bool(s.find(a) != std::string::npos));
		return true;
	case FunctionId::Upper:
		std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
		PushString(out, std::move(s));
		return true;
	case FunctionId::Lower:
		std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
		PushString(out, std::move(s));
		return true;
	case FunctionId::Replace: {
		if (!StringArg(call, 0, ctx, a) || !StringArg(call, 1, ctx, b))
			return true;
		std::string result;
		if (a.empty()) {
			// Inserting between every character, as the specification's example shows.
			result = b;
			for (char c : s) {
				result.push_back(c);
				result += b;
			}
		} else {
			size_t p = 0;
			while (true) {
				size_t q = s.find(a, p);
				if (q == std::string::npos)
					break;
				result.append(s, p, q - p);
				result += b;
				p = q + a.size();
			}
			result.append(s, p, std::string::npos);
		}
		PushString(out, std::move(result));
		return true;
	}
	case FunctionId::Matches:
		if (StringArg(call, 0, ctx, a))
			out.push_back(Value::Bool(std::regex_search(s, MakeRegex(a, ctx))));
		return true;
	case FunctionId::MatchesFull:
		if (StringArg(call, 0, ctx, a))
			out.push_back(Value::Bool(std::regex_match(s, MakeRegex(a, ctx))));
		return true;
	case FunctionId::ReplaceMatches:
		// An empty pattern matches nowhere rather than between every character.
		if (StringArg(call, 0, ctx, a) && StringArg(call, 1, ctx, b))
			PushString(out, a.empty() ? s : std::regex_replace(s, MakeRegex(a, ctx), b));
		return true;
	case FunctionId::Length:
		out.push_back(Value::Int(static_cast<int64_t>(s.size())));
		return true;
	case FunctionId::ToChars:
		for (char c : s)
			PushString(out, std::string(1, c));
		return true;
	case FunctionId::Trim: {
		size_t first = s.find_first_not_of(" \t\r\n");
		size_t last = s.find_last_not_of(" \t\r\n");
		PushString(out, first == std::string::npos ? std::string() : s.substr(first, last - first + 1));
		return true;
	}
	case FunctionId::Split: {
		if (!StringArg(call, 0, ctx, a))
			return true;
		if (a.empty()) {
			PushString(out, s);
			return true;
		}
		size_t p = 0;
		while (true) {
			size_t q = s.find(a, p);
			PushString(out, s.substr(p, q == std::string::npos ? std::string::npos : q - p));
			if (q == std::string::npos)
				break;
			p = q + a.size();
		}
		return true;
	}
	default:
		Fail(ctx, "function " + call.name + "() is not supported");
	}
}

} // namespace hdl::fhirpath::detail
