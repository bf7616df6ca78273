"""The configuration reference, read from `settings.py`'s `# env: NAME — description` lines.

README's configuration table is checked against it by a test, so the docs cannot drift from the settings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import settings as settings_module

_ENV_LINE = re.compile(r"^#\s*env:\s*([A-Z][A-Z0-9_]+)\s*[—-]\s*(.+)$")


@dataclass(frozen=True)
class EnvSetting:
    name: str
    description: str
    section: str


def env_settings(path: Path | None = None) -> list[EnvSetting]:
    source = (path or Path(settings_module.__file__)).read_text(encoding="utf-8").splitlines()
    section = ""
    found: list[EnvSetting] = []
    for index, line in enumerate(source):
        stripped = line.strip()
        if (stripped.startswith("#") and not stripped.startswith("# ---") and 0 < index < len(source) - 1
                and source[index - 1].startswith("# ---") and source[index + 1].startswith("# ---")):
            section = stripped.lstrip("#").strip()
        match = _ENV_LINE.match(stripped)
        if match:
            found.append(EnvSetting(match.group(1), match.group(2).strip(), section))
    return found


def markdown_table() -> str:
    rows = ["| Variable | Section | Meaning |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | {s.section} | {s.description.replace('|', '&#124;')} |" for s in env_settings()]
    return "\n".join(rows)


def update_readme(readme: Path) -> bool:
    """Rewrite the table between README's config markers; True when it changed."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(START_MARKER) + len(START_MARKER), text.index(END_MARKER)
    new = text[:start] + "\n" + markdown_table() + "\n" + text[end:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


START_MARKER = "<!-- config-reference:start (generated: python -m crawler.settings_doc) -->"
END_MARKER = "<!-- config-reference:end -->"

if __name__ == "__main__":
    from crawler import PROJECT_DIR

    print("README updated" if update_readme(PROJECT_DIR / "README.md") else "README already up to date")
