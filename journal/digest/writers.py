"""Every file the digest writes, as writers over one DigestView, registered in WRITERS.

A writer has a name, the place it writes to (`site`: the folder `journal digest`
builds; `committed`: the folder committed inside the journal) and a function from the
view to its outputs. Each output carries the hash of its inputs when it can be reused
from the previous build. To add an output, add a writer to WRITERS; nothing else lists
the files. This module, the templates and the wording/safety modules are what turns the
view into bytes, so `templates_key` hashes them all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from journal.core import humanize, states, text_safety
from journal.core.humanize import countdown, duration, human_date, human_moment, percent, period_title
from journal.core.states import STATUS_LABEL
from journal.digest import articles, charts
from journal.digest.json_text import JSON_TEXTS, JsonPlan, dump_json, plan_json
from journal.digest.keys import content_key
from journal.digest.markdown import md_quote, md_text, render_html
from journal.digest.threads import latest_checkins, latest_threads
from journal.digest.view import DigestView
from journal.errors import JournalError
from journal.store import templating
from journal.store.template_loader import JournalTemplateLoader
from journal.store.templating import sandboxed_environment
from journal.store.text_cache import TextCache

# Bump when the code that turns a page's context into bytes changes in a way the hash of
# the digest's modules would miss, so a rebuild after an upgrade renders every page again.
RENDER_VERSION = 2
SITE, COMMITTED = "site", "committed"


@dataclass(frozen=True)
class Output:
    path: str  # relative to the folder written, POSIX
    key: str | None  # hash of every input; None: always written
    make: Callable[[], bytes]
    page: bool = False
    shows: bool = True  # whether it is made from the view (False: the style sheet, from a template alone)


@dataclass(frozen=True)
class Rendering:
    """What every writer gets: the view, the template environment and the hash of the render code."""

    view: DigestView
    env: SandboxedEnvironment
    base_key: str
    folder: str = ""  # the committed digest's folder, for the hint in its README
    # id() of a dict a page draws a goal chart from -> (that dict, the hash of the goal's
    # inputs), for the dicts the view's ids do not name (see _chart_cache).
    charted: dict[int, tuple[dict[str, Any], str]] = field(default_factory=dict)
    # What to do once the outputs to write are made (keep what the caches learnt).
    after: list[Callable[[], None]] = field(default_factory=list)
    # digest.json's plan, made once for the writers that are keyed by it (see overview_plan).
    plans: list[JsonPlan] = field(default_factory=list)


class Outputs(list[Output]):
    """The outputs of the writers, and what to do once the ones to write have been made."""

    def __init__(self, items: Iterable[Output], after: Iterable[Callable[[], None]] = ()) -> None:
        super().__init__(items)
        self.after = list(after)

    def finish(self) -> None:
        """Called by the build once every output it writes has been made."""
        for step in self.after:
            step()


@dataclass(frozen=True)
class Writer:
    name: str
    target: str  # SITE or COMMITTED
    outputs: Callable[[Rendering], Iterable[Output]]


def environment(root: Path | None) -> SandboxedEnvironment:
    """Digest templates: the journal's own templates/digest/ first, then the packaged ones.
    A journal's templates come from partners' commits, so they render sandboxed. HTML
    templates are autoescaped; Markdown ones (*.md.j2) escape with |mdtext and |quote."""
    env = sandboxed_environment(root, autoescape=_autoescape)
    # Every value a template prints passes here first: partner text reaches no page with a
    # control or bidi override, whichever template (ours or a trusted override) prints it.
    env.finalize = _finalize
    env.filters.update(md=render_html, pct=percent, num=_num, when=human_moment, moment=human_moment, day=human_date,
                       duration=duration,
                       period_title=period_title, status=lambda s: STATUS_LABEL.get(s, s),
                       mdtext=md_text, quote=md_quote)
    env.globals.update(heatmap=charts.heatmap, goal_chart=charts.goal_chart, bar=charts.progress_bar,
                       legend=charts.legend, countdown=countdown, columns=columns)
    templating.use_bytecode_cache(env, root, f"digest {RENDER_VERSION}")
    return env


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value  # made by a filter or chart that already sanitised its text
    return text_safety.for_markup(value) if isinstance(value, str) else value


def columns(count: int) -> str:
    """The card grid's class for `count` cards at desktop width: as many columns (up to
    four) as leave no card alone on the last row."""
    if count <= 3:
        return f"cols-{max(1, count)}"
    return next((f"cols-{c}" for c in (3, 2, 4) if count % c != 1), "cols-3")


def _autoescape(name: str | None) -> bool:
    return name is None or not name.endswith(".md.j2")


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def templates_key(env: SandboxedEnvironment) -> str:
    """A hash of everything that turns a page's context into bytes: the templates and the
    digest's own code (so an upgrade of journal renders every page again)."""
    digest = hashlib.sha256(f"render {RENDER_VERSION}".encode())
    # The digest's modules, the core modules that word and sanitise its text and name its
    # states, and the environment factory.
    for module in [*sorted(Path(__file__).parent.glob("*.py")),
                   *(Path(m.__file__) for m in (humanize, text_safety, states, templating))]:
        digest.update(module.read_bytes())
    for name in sorted(env.list_templates(filter_func=_digest_template)):
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        digest.update(f"\0{name}\0{source}".encode())
    return digest.hexdigest()


_key = content_key


def render_outputs(view: DigestView, target: str, *, folder: str = "") -> Outputs:
    """The outputs of every writer for `target`, in WRITERS order; call their `finish()`
    once the ones to write are made."""
    env = environment(view.standing.root)
    rendering = Rendering(view, env, templates_key(env), folder)
    if target == SITE and view.ids:
        rendering.after.append(_chart_cache(rendering))
    outputs = [out for writer in WRITERS if writer.target == target for out in writer.outputs(rendering)]
    # Keys are made without the threads' digest forms (see thread_texts). An output made puts
    # on the forms of the check-ins it shows, as it shows them: an article (_pages), an item
    # of digest.json (_json), the latest threads (_markdown). The journal's own templates
    # may read any check-in's thread: with them, every form is put on before any output is
    # made. The forms of the threads shown are kept once every output is made.
    if _overridden(env):
        outputs = [replace(out, make=_filled(view, out.make)) if out.shows else out for out in outputs]
    rendering.after.append(view.texts.save)
    return Outputs(outputs, rendering.after)


def _overridden(env: SandboxedEnvironment) -> bool:
    """Whether the journal's own digest templates are in use (trusted, under templates/digest/)."""
    loaders = getattr(env.loader, "loaders", ())
    return any(isinstance(loader, JournalTemplateLoader) and any(map(_digest_template, loader.list_templates()))
               for loader in loaders)


def _digest_template(name: str) -> bool:
    """Whether template `name` is a digest template: in any case, since on a file system that
    ignores case (macOS, Windows) `templates/Digest/…` is what a load of `digest/…` opens."""
    return name.casefold().startswith("digest/")


def _filled(view: DigestView, make: Callable[[], bytes]) -> Callable[[], bytes]:
    def filled() -> bytes:
        view.fill()
        return make()
    return filled


#: The overview's small goal charts, kept under the git folder by the hash of each goal's inputs.
CHART_TEXTS = "digest-charts.bin"


def _chart_cache(r: Rendering) -> Callable[[], None]:
    """Make the pages' `goal_chart` read the overview's small charts back from the git
    folder while their goal's inputs are the same: the index shows one per goal and is
    rendered again on every new check-in, which redraws one or two of them. Returns what
    keeps the charts of the goals there are now, once the pages are rendered."""
    workspace = r.view.standing.workspace
    folder = workspace.cache_dir if workspace is not None else None
    cache = TextCache(folder / CHART_TEXTS if folder is not None else None, f"journal-chart-texts {RENDER_VERSION}")
    base = hashlib.sha256(f"{r.base_key}\0compact chart\0".encode())

    def key(named: str) -> str:
        digest = base.copy()
        digest.update(named.encode())
        return digest.hexdigest()

    def goal_chart(goal: Any, *, compact: bool = False, standalone: bool = False) -> Markup:
        found = r.charted.get(id(goal))
        # What a chart draws (title, measure, timeline, milestones) is the goal's: named by
        # the hash of its inputs, with the dict itself held, so no other object can pose as it.
        if not compact or standalone or found is None or found[0] is not goal:
            return charts.goal_chart(goal, compact=compact, standalone=standalone)
        # Our own drawing, kept by this machine under the git folder: markup as it was made.
        return Markup(cache.text(key(found[1]), lambda: str(charts.goal_chart(goal, compact=True))))

    r.env.globals["goal_chart"] = goal_chart
    return lambda: cache.save(key(r.view.ids[id(g)]) for g in r.view.overview["goals"] if id(g) in r.view.ids)


# --- the writers ---------------------------------------------------------------------------


def _pages(r: Rendering) -> list[Output]:
    overview = r.view.overview
    members, goals = overview["members"], overview["goals"]
    brief_goals = [{k: g[k] for k in ("id", "title", "owners", "status", "deadline", "countdown", "measure")}
                   for g in goals]
    common = {"title": overview["title"], "now": overview["now"], "today": overview["today"],
              "shallow": overview.get("shallow"),
              "names": {m["id"]: m["name"] for m in members}, "goal_titles": {g["id"]: g["title"] for g in goals},
              "goal_units": {g["id"]: g["measure"]["metric"] for g in goals if g["measure"]}}
    by_member: dict[str, list[dict[str, Any]]] = {}
    by_period: dict[str, list[dict[str, Any]]] = {}
    for c in overview["checkins"]:
        by_member.setdefault(c["member"], []).append(c)
        by_period.setdefault(c["period"], []).append(c)
    outputs: list[Output] = []
    thread_html = _thread_renderer(r.env, common["names"])

    def render_checkin(c: dict[str, Any], heading: Any, base: Any) -> str:
        r.view.fill([c])  # its thread, left off until shown
        # Looked up when a check-in is rendered, not before: the templates' renderer.
        return _renderer(r.env, "_checkin.html.j2", {
            **common, "thread_html": thread_html, "c": c, "heading": heading, "base": base})().decode()

    # What every page shows is hashed once; a page's key names it by that hash.
    shared = {"\0common": _key(r.base_key, "common", common)}
    checkin_html = articles.checkin_renderer(
        r.view, "\0".join((r.base_key, "article", shared["\0common"])), RENDER_VERSION,
        lambda: [out.path for out in outputs if out.page], r.after,
        render_checkin)

    idents: dict[int, Any] = {}  # a check-in shows on two pages: named once

    def ident(item: dict[str, Any]) -> Any:
        found = idents.get(id(item))
        if found is None:
            found = idents[id(item)] = _ident(r, item)
        return found

    def page(path: str, template: str, keyed: dict[str, Any] | None = None, **context: Any) -> None:
        """A page rendered from `context`; its key hashes `keyed` in place of the same names there."""
        own = {**context, "base": "../" * path.count("/"), "page_path": path}
        # thread_html and checkin_html are not in the key: what they render is the page's
        # check-ins (with their threads), what every page shows and the page's base.
        context = {**common, **own, "thread_html": thread_html, "checkin_html": checkin_html(path)}
        outputs.append(Output(path, _key(r.base_key, template, {**shared, **own, **(keyed or {})}),
                              _renderer(r.env, template, context), page=True))

    shown = [{**b, **_drawn(g), "reading": g["reading"]} for b, g in zip(brief_goals, goals, strict=True)]
    for g, drawn in zip(goals, shown, strict=True):
        named = r.view.ids.get(id(g))
        if named is not None:
            r.charted[id(drawn)] = (drawn, named)  # its chart is the goal's
    # A member (every period of theirs) shows on the index and their page, and the brief
    # list of members on every period page: each is hashed once, and keys name the hash.
    member_keys = [_key(r.base_key, "member", m) for m in members]
    briefs = [_brief(m) for m in members]
    briefs_key = _key(r.base_key, "briefs", briefs)
    page("index.html", "index.html.j2", members=members, pacts=overview["pacts"], wins=overview["wins"],
         upcoming=overview["upcoming"], goals=shown,
         unanswered=overview.get("unanswered", []), keyed={"goals": [ident(g) for g in goals], "members": member_keys})
    page("archive.html", "archive.html.j2", members=briefs, periods=overview["periods"],
         goals=brief_goals)
    for m, member_key in zip(members, member_keys, strict=True):
        page(f"members/{m['id']}.html", "member.html.j2", member=m, checkins=by_member.get(m["id"], []),
             goals=[g for g in brief_goals if m["id"] in g["owners"]],
             keyed={"checkins": [ident(c) for c in by_member.get(m["id"], [])], "member": member_key})
    for g in goals:
        page(f"goals/{g['id']}.html", "goal.html.j2", goal=g, keyed={"goal": ident(g)})
    keys = [p["period"] for p in overview["periods"]]
    for i, p in enumerate(overview["periods"]):
        page(f"periods/{p['period']}.html", "period.html.j2", period=p, checkins=by_period.get(p["period"], []),
             members=briefs, keyed={"checkins": [ident(c) for c in by_period.get(p["period"], [])], "members": briefs_key},
             newer=keys[i - 1] if i > 0 else None, older=keys[i + 1] if i + 1 < len(keys) else None)
    return outputs


def _ident(r: Rendering, item: dict[str, Any]) -> Any:
    """A check-in or goal of the overview as its key names it: by the hash of its inputs
    (with the keys it has and the thread put on it since), else by its content."""
    found = r.view.ids.get(id(item))
    if found is None:
        return item
    # A thread (its replies' text with it) is named by the hash of its content: hashed once
    # here, although it shows on two pages (its member's and its period's).
    return [found, _keyset(tuple(r.view.names(item))), r.view.thread_id(item)]


@lru_cache(maxsize=64)
def _keyset(names: tuple[str, ...]) -> str:
    # The names of an item's keys (nearly every check-in has the same): short, and hashed once.
    return hashlib.sha256("\0".join(names).encode()).hexdigest()[:16]


def _thread_renderer(env: SandboxedEnvironment, names: dict[str, str]) -> Callable[[dict[str, Any]], Markup]:
    """thread_html(c) for the pages: check-in `c`'s thread rendered by _thread.html.j2, once
    per build however many pages show it (its member's and its period's), and only when a
    page that shows it is rendered. The fragment is autoescaped HTML, so it is Markup."""
    done: dict[int, tuple[dict[str, Any], Markup]] = {}  # by the check-in's dict, kept alive with it

    def thread_html(c: dict[str, Any]) -> Markup:
        found = done.get(id(c))
        if found is None or found[0] is not c:
            found = done[id(c)] = (c, Markup(_renderer(env, "_thread.html.j2", {"c": c, "names": names})().decode()))
        return found[1]

    return thread_html


def _brief(m: dict[str, Any]) -> dict[str, Any]:
    # Only what the pages show: a period page must not change when someone's state does.
    return {"id": m["id"], "name": m["name"]}


def _member_charts(r: Rendering) -> list[Output]:
    """A heatmap per member and a chart per measured goal (the site's and the committed digest's)."""
    overview = r.view.overview
    outputs = []
    for m in overview["members"]:
        outputs.append(Output(f"charts/heatmap-{m['id']}.svg", _key(r.base_key, "heatmap", m["periods"], m["name"]),
                              _chart(charts.heatmap, m["periods"], f"{m['name']}: check-ins")))
    for g in overview["goals"]:
        if g["measure"] is not None:
            drawn = _drawn(g)
            # Named by the hash of the goal's inputs where the view has it (as its page is):
            # hashing every goal's timeline again costs more than drawing the one that changed.
            named = r.view.ids.get(id(g))
            outputs.append(Output(f"charts/goal-{g['id']}.svg",
                                  _key(r.base_key, "goal", drawn if named is None else ["named", named]),
                                  _chart(charts.goal_chart, drawn)))
    return outputs


def _drawn(g: dict[str, Any]) -> dict[str, Any]:
    """What a goal chart draws: its key hashes no more than this."""
    return {k: g[k] for k in ("title", "measure", "timeline", "milestones")}


def _site_charts(r: Rendering) -> list[Output]:
    return [*_member_charts(r), Output("charts/legend.svg", _key(r.base_key, "legend"), _chart(charts.legend))]


def _style(r: Rendering) -> list[Output]:
    def make() -> bytes:
        source, _, _ = r.env.loader.get_source(r.env, "digest/style.css")  # type: ignore[union-attr]
        return source.encode()
    return [Output("style.css", None, make, shows=False)]


def _markdown(template: str, r: Rendering, **extra: Any) -> bytes:
    overview = r.view.overview
    r.view.fill(latest_checkins(overview))  # the only threads a Markdown digest shows
    context = {"shallow": None, **overview, "names": {m["id"]: m["name"] for m in overview["members"]},
               "goal_titles": {g["id"]: g["title"] for g in overview["goals"]},
               "latest_threads": latest_threads(overview), **extra}
    # Blank lines a section leaves at the end do not count: the file ends in one newline.
    return _renderer(r.env, template, context)().decode().rstrip("\n").encode() + b"\n"


def overview_plan(r: Rendering) -> JsonPlan:
    """digest.json's plan (json_text.plan_json), made once per build: its key is the hash of
    the whole overview, check-ins and goals named by the hash of their inputs."""
    if not r.plans:
        r.plans.append(plan_json(r.view, r.base_key))
    return r.plans[0]


def _digest_md(r: Rendering) -> list[Output]:
    # DIGEST.md reads the overview and nothing else (names, goal titles and the latest
    # threads are taken from it): it is keyed by the overview's hash.
    return [Output("DIGEST.md", _key(r.base_key, "DIGEST.md", overview_plan(r).key),
                   lambda: _markdown("DIGEST.md.j2", r))]


def _json(r: Rendering) -> list[Output]:
    plan = overview_plan(r)

    def make() -> bytes:
        workspace = r.view.standing.workspace
        folder = workspace.cache_dir if workspace is not None else None
        cache = TextCache(folder / JSON_TEXTS if folder is not None else None, f"journal-json-texts {RENDER_VERSION}")
        data = dump_json(plan, cache, lambda item: r.view.fill([item]))
        cache.save()
        return data
    # Written again only when the overview changed: the plan's key hashes all of it.
    return [Output("digest.json", _key(r.base_key, "json", plan.key), make)]


def _entries_id(r: Rendering) -> str:
    """One id for the text of journal.yaml and the view's contracts and goals: what the
    calendar is keyed by instead of hashing everything it would show."""
    journal = r.view.standing.journal
    # From the journal's indexes of them, which the calendar reads: not a walk over every
    # entry (most are check-ins and replies).
    entries = [*journal.contracts.values(), *journal.goals.values(), *filter(None, [journal.config])]
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.path):
        digest.update(f"{entry.path}\0{entry.head.digest}\0".encode())  # the text's hash, kept with its parse
    return digest.hexdigest()


def _feed(r: Rendering) -> list[Output]:
    from journal.digest.feed import feed_plan

    # Only the newest items count, named by what each is made of (built only when the key
    # changed): an edit to an entry older than the feed leaves it as it was.
    key, make = feed_plan(r.view.standing, r.view.private)
    return [Output("feed.xml", _key(r.base_key, "feed", key), make)]


def _calendar(r: Rendering) -> list[Output]:
    from journal.digest.calendar import read_fixed, render_calendar, reply_due_inputs
    from journal.digest.feed import journal_namespace

    s = r.view.standing
    # Contracts, goals and the roster (journal.yaml) say what it holds, with the replies still
    # owed to the latest check-ins; every event is stamped with the build's time.
    fixed = _key(r.base_key, "calendar", _entries_id(r),
                 sorted(r.view.private.fields), str(journal_namespace(s)), s.now.isoformat())
    key = _key(r.base_key, "calendar", fixed, reply_due_inputs(s, r.view.private))

    def make() -> bytes:
        # A reply owed or made changes the reply events only: the contract and goal events,
        # most of the file, are kept under the git folder by `fixed`, what they are made of.
        workspace = s.workspace
        folder = workspace.cache_dir if workspace is not None else None
        cache = TextCache(folder / CALENDAR_TEXTS if folder is not None else None,
                          f"journal-calendar-texts {RENDER_VERSION}")
        data = render_calendar(s, r.view.private,
                               lambda part: cache.text(fixed, part, lambda text: read_fixed(text) is not None),
                               lambda zone, part: cache.text(zone, part, _vtimezone), cache.text)
        cache.save()
        return data
    return [Output("calendar.ics", key, make)]


#: The calendar's contract and goal events, its zones, its own lines and each reply due event,
#: kept under the git folder.
CALENDAR_TEXTS = "digest-calendar.bin"


def _vtimezone(text: str) -> bool:
    """Whether a kept text has a VTIMEZONE's shape ("" is a zone icalendar does not know)."""
    return not text or (text.startswith("BEGIN:VTIMEZONE\r\n") and text.endswith("END:VTIMEZONE\r\n"))


def _committed(r: Rendering) -> list[Output]:
    """digest/README.md and its charts, committed inside the journal."""
    return [Output("README.md", None, lambda: _markdown("README.md.j2", r, folder=r.folder)), *_member_charts(r)]


WRITERS: tuple[Writer, ...] = (
    Writer("pages", SITE, _pages),
    Writer("charts", SITE, _site_charts),
    Writer("style", SITE, _style),
    Writer("markdown", SITE, _digest_md),
    Writer("json", SITE, _json),
    Writer("feed", SITE, _feed),
    Writer("calendar", SITE, _calendar),
    Writer("committed", COMMITTED, _committed),
)


def _renderer(env: SandboxedEnvironment, template: str, context: dict[str, Any]) -> Callable[[], bytes]:
    def render() -> bytes:
        try:
            return env.get_template(f"digest/{template}").render(context).encode()
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{getattr(exc, 'filename', None) or template}:{line}" if line else template
            raise JournalError(f"digest template {where}: {exc}",
                               hint="fix or remove the override in templates/digest/") from exc
    return render


def _chart(draw: Callable[..., Markup], *args: Any) -> Callable[[], bytes]:
    return lambda: str(draw(*args, standalone=True)).encode()
