// hdl_s3 options: the one table of valid options, the validator function, value parsing shared
// with the planner and the scan, and the endpoint allowlist (hdl.s3_allowed_endpoints).
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "core/fhir/r4_schema.hpp"
#include "fdw/options.hpp"
#include "guc.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "access/reloptions.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_foreign_data_wrapper.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "utils/varlena.h"
}

namespace hdl::fdw {

namespace {

struct OptionDef {
	const char *name;
	Oid catalog;
	bool required;
	bool secret; // accepted only in a user mapping
};

// The one table: the validator checks names against it; Parse* read the values.
const OptionDef OPTIONS[] = {
    {"endpoint", ForeignServerRelationId, true, false},
    {"region", ForeignServerRelationId, false, false},
    {"url_style", ForeignServerRelationId, false, false},
    {"access_key_id", UserMappingRelationId, true, true},
    {"secret_access_key", UserMappingRelationId, true, true},
    {"session_token", UserMappingRelationId, false, true},
    {"bucket", ForeignTableRelationId, true, false},
    {"key", ForeignTableRelationId, false, false},
    {"prefix", ForeignTableRelationId, false, false},
    {"objects", ForeignTableRelationId, false, false},
    {"resource_type", ForeignTableRelationId, false, false},
    {"format", ForeignTableRelationId, false, false},
    {"compression", ForeignTableRelationId, false, false},
    {"header", ForeignTableRelationId, false, false},
    {"delimiter", ForeignTableRelationId, false, false},
    {"json_key", AttributeRelationId, false, false},
    {"csv_field", AttributeRelationId, false, false},
    {"metadata", AttributeRelationId, false, false},
};

const char *
CatalogNoun(Oid catalog) {
	switch (catalog) {
	case ForeignServerRelationId:
		return "a server";
	case UserMappingRelationId:
		return "a user mapping";
	case ForeignTableRelationId:
		return "a foreign table";
	case AttributeRelationId:
		return "a column";
	default:
		return "the foreign-data wrapper";
	}
}

[[noreturn]] void
Fail(int sqlstate, const std::string &message, std::string detail = {}, std::string hint = {}) {
	throw pg::PgError(sqlstate, message, std::move(detail), std::move(hint), {});
}

[[noreturn]] void
BadValue(const std::string &option, const std::string &value, const std::string &hint) {
	Fail(ERRCODE_FDW_INVALID_STRING_FORMAT, "invalid value for option \"" + option + "\": \"" + value + "\"", {},
	     hint);
}

void
RequireAll(const OptionList &options, Oid catalog) {
	for (const auto &def : OPTIONS) {
		if (def.catalog != catalog || !def.required)
			continue;
		bool found = std::any_of(options.begin(), options.end(), [&](const auto &o) { return o.first == def.name; });
		if (!found)
			Fail(ERRCODE_FDW_OPTION_NAME_NOT_FOUND,
			     std::string("option \"") + def.name + "\" is required for " + CatalogNoun(catalog) + " of hdl_s3");
	}
}

bool
ParseBool(const std::string &option, const std::string &value) {
	std::string v = value;
	std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
	if (v == "true" || v == "on" || v == "yes" || v == "1")
		return true;
	if (v == "false" || v == "off" || v == "no" || v == "0")
		return false;
	BadValue(option, value, "Use true or false.");
}

std::string
Lower(std::string s) {
	std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
	return s;
}

} // namespace

std::string
NormaliseEndpoint(const std::string &endpoint) {
	std::string e = endpoint;
	while (!e.empty() && std::isspace(static_cast<unsigned char>(e.back())))
		e.pop_back();
	while (!e.empty() && e.back() == '/')
		e.pop_back();
	std::string scheme = "https";
	size_t sep = e.find("://");
	if (sep != std::string::npos) {
		scheme = Lower(e.substr(0, sep));
		e = e.substr(sep + 3);
	}
	e = Lower(e);
	if ((scheme != "https" && scheme != "http") || e.empty() || e.find_first_of("/?#@ ") != std::string::npos)
		Fail(ERRCODE_FDW_INVALID_STRING_FORMAT, "invalid S3 endpoint \"" + endpoint + "\"",
		     "An endpoint is scheme://host[:port] with the scheme https or http, and no path.");
	size_t colon = e.rfind(':');
	if (colon != std::string::npos && e.find(']') == std::string::npos) {
		std::string port = e.substr(colon + 1);
		if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
			Fail(ERRCODE_FDW_INVALID_STRING_FORMAT, "invalid S3 endpoint \"" + endpoint + "\"",
			     "The port must be a number.");
		if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80"))
			e = e.substr(0, colon);
	}
	return scheme + "://" + e;
}

void
CheckEndpointAllowed(const std::string &endpoint) {
	std::string wanted = NormaliseEndpoint(endpoint);
	std::string list = guc::s3_allowed_endpoints ? guc::s3_allowed_endpoints : "";
	size_t pos = 0;
	while (pos <= list.size()) {
		size_t end = list.find_first_of(", ", pos);
		if (end == std::string::npos)
			end = list.size();
		std::string entry = list.substr(pos, end - pos);
		pos = end + 1;
		if (entry.empty())
			continue;
		std::string allowed;
		try {
			allowed = NormaliseEndpoint(entry);
		} catch (const pg::PgError &) {
			continue; // a malformed entry allows nothing
		}
		if (allowed == wanted)
			return;
		// https://*.example.com allows every host below example.com (virtual-hosted buckets).
		size_t star = allowed.find("://*.");
		if (star != std::string::npos) {
			std::string suffix = allowed.substr(star + 4);
			std::string scheme = allowed.substr(0, star + 3);
			if (wanted.compare(0, scheme.size(), scheme) == 0 && wanted.size() > scheme.size() + suffix.size() &&
			    wanted.compare(wanted.size() - suffix.size(), suffix.size(), suffix) == 0)
				return;
		}
	}
	Fail(ERRCODE_INSUFFICIENT_PRIVILEGE, "S3 endpoint \"" + wanted + "\" is not allowed",
	     "The lake connects only to the S3 endpoints listed in hdl.s3_allowed_endpoints.",
	     "A superuser can add the endpoint to hdl.s3_allowed_endpoints in postgresql.conf.");
}

s3::Config
ParseServer(const OptionList &options) {
	RequireAll(options, ForeignServerRelationId);
	s3::Config config;
	for (const auto &[name, value] : options) {
		if (name == "endpoint") {
			CheckEndpointAllowed(value);
			config.endpoint = NormaliseEndpoint(value);
		} else if (name == "region") {
			if (value.empty())
				BadValue(name, value, "Name the region, e.g. eu-west-2.");
			config.region = value;
		} else if (name == "url_style") {
			std::string v = Lower(value);
			if (v == "path")
				config.url_style = s3::UrlStyle::Path;
			else if (v == "virtual")
				config.url_style = s3::UrlStyle::VirtualHosted;
			else
				BadValue(name, value, "Use path or virtual.");
		}
	}
	config.verify_tls = true; // never switched off; plain http only where the allowlist names it
	return config;
}

void
ParseUserMapping(const OptionList &options, s3::Credentials &out) {
	RequireAll(options, UserMappingRelationId);
	for (const auto &[name, value] : options) {
		if (name == "access_key_id")
			out.access_key_id = value;
		else if (name == "secret_access_key")
			out.secret_access_key = value;
		else if (name == "session_token")
			out.session_token = value;
	}
}

TableOptions
ParseTable(const OptionList &options) {
	RequireAll(options, ForeignTableRelationId);
	TableOptions t;
	int locations = 0;
	for (const auto &[name, value] : options) {
		if (name == "bucket") {
			if (value.empty() || value.find('/') != std::string::npos)
				BadValue(name, value, "A bucket name has no slash.");
			t.bucket = value;
		} else if (name == "key") {
			if (value.empty())
				BadValue(name, value, "Name one object, or use prefix.");
			t.key = value;
			locations++;
		} else if (name == "prefix") {
			t.prefix = value;
			locations++;
		} else if (name == "objects") {
			size_t pos = 0;
			while (pos <= value.size()) {
				size_t end = value.find(',', pos);
				if (end == std::string::npos)
					end = value.size();
				std::string k = value.substr(pos, end - pos);
				k.erase(0, k.find_first_not_of(' '));
				k.erase(k.find_last_not_of(' ') + 1);
				if (!k.empty())
					t.objects.push_back(k);
				pos = end + 1;
			}
			if (t.objects.empty())
				BadValue(name, value, "List object keys separated by commas.");
			locations++;
		} else if (name == "resource_type") {
			if (fhir::r4::FindResourceType(value) == fhir::r4::kNoType)
				BadValue(name, value, "Name a FHIR R4 resource type, e.g. Patient.");
			t.resource_type = value;
		} else if (name == "format") {
			std::string v = Lower(value);
			if (v == "ndjson")
				t.format = Format::Ndjson;
			else if (v == "csv")
				t.format = Format::Csv;
			else
				BadValue(name, value, "Use ndjson or csv.");
		} else if (name == "compression") {
			std::string v = Lower(value);
			if (v == "auto")
				t.compression = Compression::Auto;
			else if (v == "gzip")
				t.compression = Compression::Gzip;
			else if (v == "none")
				t.compression = Compression::None;
			else
				BadValue(name, value, "Use auto, gzip or none.");
		} else if (name == "header") {
			t.header = ParseBool(name, value);
		} else if (name == "delimiter") {
			if (value.size() != 1 || value[0] == '"' || value[0] == '\n' || value[0] == '\r')
				BadValue(name, value, "Use one single-byte character other than a quote or a newline.");
			t.delimiter = value[0];
		}
	}
	if (locations > 1)
		Fail(ERRCODE_FDW_INVALID_OPTION_NAME, "options \"key\", \"prefix\" and \"objects\" exclude each other",
		     "A foreign table reads one object, every object under a prefix, or a list of objects.");
	return t;
}

ColumnOptions
ParseColumn(const OptionList &options, const std::string &column, bool column_is_jsonb, Format format) {
	ColumnOptions c;
	c.name = column;
	c.source = format == Format::Csv ? ColumnSource::CsvField : ColumnSource::JsonKey;
	if (format == Format::Ndjson && column_is_jsonb && column == "resource")
		c.source = ColumnSource::WholeResource;
	if (options.size() > 1)
		Fail(ERRCODE_FDW_INVALID_OPTION_NAME, "options \"json_key\", \"csv_field\" and \"metadata\" exclude each other",
		     "A column takes its value from one place.");
	for (const auto &[name, value] : options) {
		if (name == "json_key") {
			if (value.empty() || value.front() == '.' || value.back() == '.' || value.find("..") != std::string::npos)
				BadValue(name, value, "Use a key, a dotted path of keys such as meta.lastUpdated, or $ for the whole resource.");
			c.source = value == "$" ? ColumnSource::WholeResource : ColumnSource::JsonKey;
			c.name = value;
		} else if (name == "csv_field") {
			if (value.empty())
				BadValue(name, value, "Name a field of the CSV header.");
			c.source = ColumnSource::CsvField;
			c.name = value;
		} else if (name == "metadata") {
			std::string v = Lower(value);
			if (v == "object_key")
				c.source = ColumnSource::ObjectKey;
			else if (v == "line_number")
				c.source = ColumnSource::LineNumber;
			else
				BadValue(name, value, "Use object_key or line_number.");
		}
	}
	if (format == Format::Csv && (c.source == ColumnSource::JsonKey || c.source == ColumnSource::WholeResource) &&
	    !options.empty())
		Fail(ERRCODE_FDW_INVALID_OPTION_NAME, "option \"json_key\" of column \"" + column + "\" needs format ndjson",
		     {}, "Map CSV columns with csv_field.");
	if (format == Format::Ndjson && c.source == ColumnSource::CsvField)
		Fail(ERRCODE_FDW_INVALID_OPTION_NAME, "option \"csv_field\" of column \"" + column + "\" needs format csv", {},
		     "Map NDJSON columns with json_key.");
	return c;
}

std::pair<std::string, std::string>
SplitS3Url(const std::string &url) {
	std::string rest = url.compare(0, 5, "s3://") == 0 ? url.substr(5) : url;
	size_t slash = rest.find('/');
	std::string bucket = rest.substr(0, slash);
	if (bucket.empty())
		Fail(ERRCODE_INVALID_PARAMETER_VALUE, "invalid S3 location \"" + url + "\"", {},
		     "Write s3://bucket/key or bucket/key.");
	return {bucket, slash == std::string::npos ? std::string() : rest.substr(slash + 1)};
}

std::string
TypeFromKey(const std::string &key) {
	size_t slash = key.rfind('/');
	std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
	std::string type = name.substr(0, name.find('.'));
	if (type.empty() || fhir::r4::FindResourceType(type) == fhir::r4::kNoType)
		return {};
	return type;
}

} // namespace hdl::fdw

namespace {

// Names first, in Postgres style (file_fdw): unknown names get a closest-match hint, secrets
// outside user mappings and options of another catalog are refused. C-style: no C++ objects.
void
CheckOptionNames(List *options, Oid catalog) {
	ListCell *cell;
	foreach (cell, options) {
		DefElem *def = lfirst_node(DefElem, cell);
		const hdl::fdw::OptionDef *found = nullptr;
		for (const auto &o : hdl::fdw::OPTIONS)
			if (strcmp(o.name, def->defname) == 0)
				found = &o;
		if (found == nullptr) {
			// PG15 has no initClosestMatch: the same rule (edit distance up to 4, and less than
			// half the name) over varstr_levenshtein.
			const char *closest = nullptr;
			int best = 5;
			int len = static_cast<int>(strlen(def->defname));
			bool any = false;
			for (const auto &o : hdl::fdw::OPTIONS)
				if (o.catalog == catalog) {
					any = true;
					int d = varstr_levenshtein(def->defname, len, o.name, static_cast<int>(strlen(o.name)), 1, 1, 1,
					                           false);
					if (d < best && d <= len / 2) {
						best = d;
						closest = o.name;
					}
				}
			ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME), errmsg("invalid option \"%s\"", def->defname),
			                any && closest ? errhint("Perhaps you meant the option \"%s\".", closest)
			                               : errhint("There are no valid options in this context.")));
		}
		if (found->catalog != catalog) {
			if (found->secret)
				ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				                errmsg("option \"%s\" is only allowed in a user mapping", def->defname),
				                errdetail("Credentials are kept in user mappings, which only their user and "
				                          "superusers can read."),
				                errhint("Use CREATE USER MAPPING ... SERVER ... OPTIONS (%s '...').", def->defname)));
			ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			                errmsg("option \"%s\" is not valid for %s", def->defname,
			                       hdl::fdw::CatalogNoun(catalog)),
			                errhint("Set it on %s.", hdl::fdw::CatalogNoun(found->catalog))));
		}
		ListCell *later;
		for_each_cell(later, options, lnext(options, cell)) {
			if (strcmp(lfirst_node(DefElem, later)->defname, def->defname) == 0)
				ereport(ERROR, (errcode(ERRCODE_SYNTAX_ERROR), errmsg("conflicting or redundant options"),
				                errdetail("Option \"%s\" is given twice.", def->defname)));
		}
	}
}

} // namespace

namespace hdl::fdw {

OptionList
ToOptionList(List *options) {
	OptionList out;
	ListCell *cell;
	foreach (cell, options) {
		DefElem *def = lfirst_node(DefElem, cell);
		out.emplace_back(def->defname, strVal(def->arg)); // catalog options are always strings
	}
	return out;
}

} // namespace hdl::fdw

// The validator of CREATE/ALTER SERVER, USER MAPPING, FOREIGN TABLE and column options.
HDL_FUNCTION(hdl_s3_fdw_validator) {
	List *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid catalog = PG_GETARG_OID(1);
	CheckOptionNames(options, catalog);
	{
		hdl::fdw::OptionList list = hdl::fdw::ToOptionList(options);
		switch (catalog) {
		case ForeignServerRelationId:
			(void) hdl::fdw::ParseServer(list);
			break;
		case UserMappingRelationId: {
			hdl::s3::Credentials credentials;
			hdl::fdw::ParseUserMapping(list, credentials);
			break;
		}
		case ForeignTableRelationId:
			(void) hdl::fdw::ParseTable(list);
			break;
		case AttributeRelationId:
			// the table's format is not known here; ParseColumn checks it again when planning
			(void) hdl::fdw::ParseColumn(list, "", false,
			                             std::any_of(list.begin(), list.end(),
			                                         [](const auto &o) { return o.first == "csv_field"; })
			                                 ? hdl::fdw::Format::Csv
			                                 : hdl::fdw::Format::Ndjson);
			break;
		default:
			break;
		}
	}
	PG_RETURN_VOID();
}
