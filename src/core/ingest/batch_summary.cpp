// BatchSummary::Merge (see store.hpp).
#include "core/ingest/store.hpp"

namespace hdl::ingest {

void
BatchSummary::Merge(const BatchSummary &other) {
	for (const auto &[type, n] : other.counts) {
		TypeCounts &c = counts[type];
		c.created += n.created;
		c.updated += n.updated;
	}
	versions.insert(versions.end(), other.versions.begin(), other.versions.end());
	elements.Merge(other.elements);
	stored += other.stored;
	rejected += other.rejected;
}

} // namespace hdl::ingest
