"""Pure parsers: platform responses (HTML, JSON, Atom/RSS) → Post items, without Scrapy.

Each module takes the body as the platform sent it and returns a `ParsedPage` (posts newest first, the cursor of
the next older page, and the items it had to skip with why). They are unit-tested on the project's own fixtures.
"""
