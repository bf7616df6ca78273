"""README, .ci/run, settings and command help stay true to each other."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from crawler import PROJECT_DIR
from crawler.cli import COMMANDS, LazyGroup, cli
from crawler.settings_doc import END_MARKER, START_MARKER, env_settings, markdown_table

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


def first_code_block_commands() -> list[str]:
    block = re.search(r"```[^\n]*\n(.*?)```", README, re.S)
    assert block, "README has no fenced code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_demo_then_tests() -> None:
    commands = first_code_block_commands()
    assert len(commands) == 2
    assert "pantau demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (PROJECT_DIR / ".ci" / "run").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert first_code_block_commands()[1] in lines


def test_configuration_reference_matches_settings() -> None:
    section = README[README.index(START_MARKER) + len(START_MARKER): README.index(END_MARKER)]
    assert section.strip() == markdown_table().strip(), "run: python -m crawler.settings_doc"
    names = [s.name for s in env_settings()]
    assert len(names) == len(set(names)), "an environment variable is documented twice in settings.py"
    settings_text = (PROJECT_DIR / "settings.py").read_text(encoding="utf-8")
    for name in re.findall(r'_env(?:_int|_bool|_float)?\("([A-Z0-9_]+)"', settings_text):
        assert name in names, f"{name} is read from the environment but has no `# env:` line"


def test_every_command_is_documented_with_an_example() -> None:
    runner = CliRunner()
    for name in COMMANDS:
        command = LazyGroup._load(name)
        if command is None:
            continue
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert command.help and "Example" in command.help, f"`pantau {name}` help needs an example"
        for sub in getattr(command, "commands", {}).values():
            assert sub.help and "Example" in sub.help, f"`pantau {name} {sub.name}` help needs an example"
