"""`journal streaks` and `journal status`: everyone's standing, judged from the history."""

from __future__ import annotations

import click

from journal.cli.options import State, now_option, parse_now, pass_state, slug_id
from journal.cli.output import echo_json, status_lines, streak_table, warn
from journal.core.problems import safe_json
from journal.exitcodes import EXIT_OK, EXIT_OVERDUE


@click.command(short_help="Streaks, scores and flags per member, from the history.")
@click.option("--member", metavar="ID", callback=slug_id, help="Only this member.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures and every period as JSON.")
@now_option
@pass_state
def streaks(state: State, member: str | None, as_json: bool, now: str | None) -> int:
    """Streaks, scores and flags for each member, judged from the commit history.

    A check-in counts for its period by the author time of the commit that first brought
    it into the history, in the member's time zone. The heatmap shows one character per
    period: # on time, + late, x missed, - paused, . pending, e early.
    """
    from journal.cli.streaks_text import streaks_pieces
    from journal.standing import JSON_TEXT, compute_standing, streaks_json

    standing = compute_standing(state.workspace(), parse_now(now), member, renders=JSON_TEXT if as_json else None)
    if as_json:
        echo_json(streaks_pieces(streaks_json(standing, texts=True)))
        return EXIT_OK
    warn(standing.warnings)
    for line in streak_table(standing):
        click.echo(line)
    return EXIT_OK


@click.command(short_help="This period for everyone: checked in, due or overdue.")
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@now_option
@pass_state
def status(state: State, as_json: bool, now: str | None) -> int:
    """This period for everyone: checked in, due in how long, or overdue.

    Also lists the commitments each member made for this period and what is due in the
    next two weeks, and the partners' asks waiting for your reply. Exits 4 when you (the
    member whose email is git's user.email) are overdue with your check-in or with a reply,
    so a cron job or a shell prompt can remind you.
    """
    from journal.core.states import is_overdue
    from journal.standing import compute_standing, status_json

    standing = compute_standing(state.workspace(), parse_now(now))
    data = status_json(standing)
    if as_json:
        echo_json(safe_json(data))
    else:
        from journal.commands.scaffold import machine_timezone

        warn(standing.warnings)
        # The reader: the member whose email is git's user.email, else this machine's zone.
        reader = standing.members[standing.me].tz.key if standing.me in standing.members else machine_timezone()
        for line in status_lines(data, reader):
            click.echo(line)
    mine = next((r for r in standing.reports if r.member == standing.me), None)
    late_reply = any(w["overdue"] for w in data["waiting_for_your_reply"])
    return EXIT_OVERDUE if late_reply or (mine is not None and is_overdue(mine, standing.now)) else EXIT_OK


COMMANDS = (streaks, status,)
