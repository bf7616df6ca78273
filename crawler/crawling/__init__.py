"""What every spider shares: platform URLs and base-URL overrides, incremental crawl state, the evidence store."""
