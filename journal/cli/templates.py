"""`journal templates …`: trusting the journal's own template overrides on this machine."""

from __future__ import annotations

import click

from journal.cli.options import State, pass_state
from journal.exitcodes import EXIT_OK, EXIT_PROBLEMS


@click.group(short_help="Trust the journal's own template overrides.")
def templates() -> None:
    """Template overrides (templates/ in the journal) are code: trust them before use."""


@templates.command("trust", short_help="Trust the overrides in templates/ as they are now.")
@pass_state
def templates_trust(state: State) -> int:
    """Trust the overrides in templates/ exactly as they are now (review them first).

    The trust is recorded on this machine only, in the repository's git dir, by a hash of
    their contents: when a partner changes any override, the built-in templates are used
    again until you trust the new set.
    """
    from journal.store.template_trust import trust

    digest = trust(state.root())
    click.echo("no template overrides to trust" if digest is None else f"trusted templates/ ({digest[:12]})")
    return EXIT_OK


@templates.command("status", short_help="Say whether the overrides in templates/ are used.")
@pass_state
def templates_status(state: State) -> int:
    """Say whether the overrides in templates/ are used (exit 1 when they are not trusted)."""
    from journal.store.template_trust import state as trust_state

    found = trust_state(state.root())
    click.echo({"none": "no template overrides", "trusted": "templates/: trusted on this machine, in use",
                "no-repository": "templates/: in use (not a Git repository: no partners)",
                "untrusted": "templates/: not trusted on this machine; the built-in templates are used "
                             "(review them, then run `journal templates trust`)"}[found])
    return EXIT_PROBLEMS if found == "untrusted" else EXIT_OK


COMMANDS = (templates,)
