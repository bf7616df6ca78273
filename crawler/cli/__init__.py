"""`pantau`: the one command-line entry point (also `python -m crawler`).

Commands live in their own modules and are imported only when used, so `pantau match` does not pay for Scrapy or
the Elasticsearch client. Every user error is a `click.ClickException`: one line, exit status 1.
"""
from __future__ import annotations

import importlib
import logging
import os

import click

# command name -> "module:attribute"
COMMANDS: dict[str, str] = {
    "es": "crawler.cli.es_cmd:es",
    "match": "crawler.cli.match_cmd:match",
    "eval": "crawler.cli.match_cmd:eval_cmd",
    "crawl": "crawler.cli.crawl_cmd:crawl",
    "recheck": "crawler.cli.recheck_cmd:recheck",
    "accounts": "crawler.cli.registry_cmd:accounts",
    "candidates": "crawler.cli.registry_cmd:candidates",
    "terms": "crawler.cli.registry_cmd:terms",
    "supervisors": "crawler.cli.registry_cmd:supervisors",
    "digest": "crawler.cli.digest_cmd:digest",
    "serve": "crawler.cli.serve_cmd:serve",
    "kibana": "crawler.cli.kibana_cmd:kibana",
    "demo": "crawler.cli.demo_cmd:demo",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # not built yet
                return None
            raise
        return getattr(module, attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="pantau-netralitas", prog_name="pantau")
def cli(verbose: int) -> None:
    """Pantau Netralitas: monitor ASN neutrality on social media for Bawaslu supervisors.

    \b
    Example:
        pantau demo                       # the whole pipeline on bundled data
        pantau match --input posts.jsonl  # offline matching
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # the client logs every failed connection attempt; the command's own one-line error says it better
    logging.getLogger("elastic_transport").setLevel(logging.ERROR if verbose < 2 else logging.DEBUG)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")


def main() -> None:
    cli(prog_name="pantau")
