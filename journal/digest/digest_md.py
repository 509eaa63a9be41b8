"""DIGEST.md: the overview as Markdown for reading on a Git host, every partner string escaped."""

from __future__ import annotations

from typing import Any

from journal.core.humanize import human_moment, percent
from journal.digest.markdown import md_block, md_text


def _quote(text: str, indent: str = "") -> str:
    return "\n".join(f"{indent}> {line}".rstrip() for line in md_block(text).splitlines())



def digest_markdown(overview: dict[str, Any]) -> str:
    """The overview as Markdown for reading on a Git host: every partner string escaped."""
    names = {m["id"]: m["name"] for m in overview["members"]}
    goal_titles = {g["id"]: g["title"] for g in overview["goals"]}
    out = [f"# {md_text(overview['title'])}", "",
           f"Progress digest as of {human_moment(overview['now'])}. Built by `journal digest`; do not edit.", ""]
    out += ["## Where everyone stands", "",
            "| Member | Streak | Longest | Score | On time | Completion | Owed | This period | Flags |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for m in overview["members"]:
        owed = f"{m['owed']:g}" + (f" {md_text(m['currency'])}" if m["currency"] and m["owed"] else "")
        out.append(f"| {md_text(m['name'])} | {m['current']} | {m['longest']} | {m['score']:.1f} | "
                   f"{percent(m['on_time_rate'])} | {percent(m['completion'])} | {owed} | "
                   f"{md_text(m['state']['text'])} | {md_text(', '.join(m['flags'])) or '–'} |")
    out.append("")
    for p in overview["pacts"]:
        out.append(f"Pact streak of *{md_text(p['title'])}*: {p['streak']} in a row with everyone checked in.")
    if overview["pacts"]:
        out.append("")
    for m in overview["members"]:
        out += [f"![{md_text(m['name'])}: check-ins by period](charts/heatmap-{m['id']}.svg)", ""]

    wins = overview["wins"]
    out += ["## Wins to celebrate", ""]
    for w in wins:
        if w["kind"] == "checkin":
            out += [f"- **{md_text(names[w['member']])}**, {w['period']}:", "", _quote(w["text"], "  "), ""]
        elif w["kind"] == "streak":
            out += [f"- **{md_text(names[w['member']])}** has checked in {w['streak']} periods in a row.", ""]
        else:
            out += [f"- Milestone reached: *{md_text(w['title'])}* ({md_text(w['goal_title'])}), done {w['done']}.", ""]
    if not wins:
        out += ["Nothing logged yet this period.", ""]

    out += ["## Commitments for the coming period", ""]
    for m in overview["members"]:
        if not m["commitments"]:
            continue
        out += [f"### {md_text(m['name'])} (from the {m['latest']} check-in)", ""]
        for c in m["commitments"]:
            goal = f" — {md_text(goal_titles[c['goal']])}" if c["goal"] else ""
            out.append(f"- {md_text(c['commitment'])}{goal}")
        out.append("")

    asks = [m for m in overview["members"] if m["ask"]]
    if asks:
        out += ["## Asks", ""] + [f"- **{md_text(m['name'])}** asks: {md_text(m['ask'])}" for m in asks] + [""]

    hard = [m for m in overview["members"] if m["obstacles"] or m["strategies"]]
    if hard:
        out += ["## Obstacles and strategies", ""]
        for m in hard:
            out += [f"### {md_text(m['name'])}", ""]
            for label, key in (("Obstacles", "obstacles"), ("Strategies", "strategies")):
                if m[key]:
                    out += [f"**{label}**", "", _quote(m[key]), ""]

    prompts = [(m, p) for m in overview["members"] for p in m["prompts"]]
    if prompts:
        out += ["## Time to recalibrate?", ""]
        out += [f"- **{md_text(m['name'])}**: {md_text(p['observation'])} *{md_text(p['question'])}*" for m, p in prompts]
        out.append("")

    out += ["## Coming up in the next 4 weeks", ""]
    for u in overview["upcoming"]:
        about = f" ({md_text(u['goal_title'])})" if u["goal_title"] else ""
        out.append(f"- {u['date']} ({u['countdown']}) — {u['kind']}: {md_text(u['title'])}{about}")
    if not overview["upcoming"]:
        out.append("Nothing due.")
    out.append("")

    if overview["goals"]:
        out += ["## Goals", ""]
        for g in overview["goals"]:
            owners = ", ".join(md_text(names[o]) for o in g["owners"])
            deadline = f", deadline {g['deadline']} ({g['countdown']})" if g["deadline"] else ""
            out += [f"### {md_text(g['title'])}", "", f"{owners} — {md_text(g['status'])}{deadline}.", ""]
            if g["measure"] is not None:
                chart = f"charts/goal-{g['id']}.svg"
                out += [f"![{md_text(g['title'])}: {md_text(g['measure']['metric'])} per period]({chart})", ""]
            for ms in g["milestones"]:
                mark = "x" if ms["done"] else " "
                when = f"done {ms['done']}" if ms["done"] else f"due {ms['due']} ({ms['countdown']})"
                out.append(f"- [{mark}] {md_text(ms['title'])} — {when}")
            if g["milestones"]:
                out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
