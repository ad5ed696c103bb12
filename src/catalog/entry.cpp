// SQL entry point of the catalogue implemented in C++: the element paths of one resource, the
// same walk the ingest store aggregates per batch (tests compare it with the catalogue).
#include "core/fhir/element_paths.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/value.hpp"
#include "pg/entry.hpp"
#include "pg/jsonb.hpp"

#include "pg/postgres.hpp"

HDL_FUNCTION(hdl_catalog_element_paths) {
	Jsonb *input = PG_GETARG_JSONB_P(0);
	Jsonb *result;
	{
		hdl::json::Node node = hdl::pg::JsonbNode(input);
		std::string type(node.get("resourceType").str());
		hdl::json::Value pairs = hdl::json::Value::array();
		if (!type.empty())
			for (const auto &pt : hdl::fhir::ElementPaths(type, node)) {
				hdl::json::Value pair = hdl::json::Value::array();
				pair.push_back(pt.first);
				pair.push_back(pt.second);
				pairs.push_back(std::move(pair));
			}
		result = hdl::pg::JsonbFromBytes(hdl::json::jsonb::Encode(pairs));
	}
	PG_RETURN_JSONB_P(result);
}
