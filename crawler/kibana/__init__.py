"""Kibana for analysts: saved objects (data views, saved searches, Lens, dashboard), their import, Discover links.

The objects live as NDJSON in `index_mappings/kibana/` with a `{prefix}` placeholder in index patterns;
`crawler.kibana.objects` fills and checks them against `index_mappings/`, `crawler.kibana.client` imports them over
HTTP and `crawler.kibana.links` builds the Discover links digests carry.
"""
