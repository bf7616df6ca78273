"""Browser crawling (Playwright Chromium through scrapy-playwright): config, page recognition, capture, evidence."""
