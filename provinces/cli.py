"""``flask --app app rules export FILE.json`` and ``rules import FILE.json``: the stored rule sets
as a JSON list of their JSON form (core.policy.ruledata), the same the admin API takes.

Import checks every version in the file first and saves nothing unless all are sound; it adds
or replaces the versions it holds (by prefix and effective date) and leaves the others. A change
to a locked year is refused, except into an empty book (an install's first rules). Both
are audited without an actor (``via="cli"``), as the other commands are.
"""
import json
from pathlib import Path

import click
from flask.cli import AppGroup

from accounts import audit
from core.db import utcnow
from core.extensions import db
from core.policy import ruledata
from core.policy.rulebook import RuleError
from provinces import store
from provinces.areas import url_key

rules_cli = AppGroup("rules", help="Province rule sets: export and import.")


@rules_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(path: Path) -> None:
    """Write every stored version to PATH."""
    versions = [ruledata.dump(rules) for rules in store.versions()]
    path.write_text(json.dumps(versions, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    audit.record("rules_exported", target=str(path.name), versions=len(versions), via="cli")
    db.session.commit()
    click.echo(f"{len(versions)} rule set versions written to {path}.")


@rules_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Check every version in PATH, then save them all (or none); print what changed."""
    versions = _checked(_read(path))
    now, changes, first = utcnow(), [], store.is_empty()
    try:
        for rules in versions:
            changes.append(store.save(rules, now, check_locks=not first, via="cli", file=path.name))
    except store.Refused as e:
        db.session.rollback()
        raise click.ClickException(f"{_name(rules)}: {e.message} Nothing was imported.") from None
    db.session.commit()
    for saved in changes:
        click.echo(f"{saved.change:9} {_name(saved.rules)}")
    counts = {kind: sum(saved.change == kind for saved in changes) for kind in ("created", "updated", "unchanged")}
    click.echo("{created} created, {updated} updated, {unchanged} unchanged.".format(**counts))


def _read(path: Path) -> list:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise click.ClickException(f"{path} is not JSON ({e}). Nothing was imported.") from None
    if not isinstance(data, list):
        raise click.ClickException("The file should hold a JSON list of rule sets. Nothing was imported.")
    return data


def _checked(data: list) -> list:
    """Every entry as a RuleSet, or the reason of each one that is not (and then nothing is saved)."""
    versions, problems, seen = [], [], set()
    for number, entry in enumerate(data, start=1):
        try:
            rules = store.check(entry)
        except RuleError as e:
            problems.append(f"#{number} {e.field}: {e.message}")
            continue
        if (rules.prefix, rules.effective_from) in seen:
            problems.append(f"#{number}: {_name(rules)} appears twice.")
        seen.add((rules.prefix, rules.effective_from))
        versions.append(rules)
    if problems:
        raise click.ClickException("\n".join([*problems, "Nothing was imported."]))
    return versions


def _name(rules) -> str:
    return f"{url_key(rules.prefix)} from {rules.effective_from.isoformat()}"
