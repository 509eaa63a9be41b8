"""When a commit's settings take effect: never before the commits it descends from.

A partner chooses a commit's author time, so a contract edit, zone change or pause dated
before the commits it builds on would rewrite verdicts that closed under the old settings
(or claim notice never given). A settings version therefore takes effect at its commit's
settled time: max(its author time, the settled times of its parents). The history cache
keeps the commits whose settled time exceeds their author time (`raised`), so an
incremental walk reads a cached parent's time exactly. Check-ins keep their author time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pygit2


def settled_times(repo: pygit2.Repository, nodes: Mapping[pygit2.Oid, tuple[Any, ...]],
                  raised: dict[str, int]) -> dict[pygit2.Oid, int]:
    """Each walked commit's settled time, parents first (iteratively: histories are deep).

    `nodes` are the walk's commits, each with its parents at index 4 and its author time at
    index 5; a parent outside them is one the cache covers (its time read from `raised`, or
    else its author time) or one a shallow or broken clone lacks. `raised` gains the walked
    commits whose settled time is above their author time."""
    settled: dict[pygit2.Oid, int] = {}

    def outside(oid: pygit2.Oid) -> int:
        if str(oid) in raised:
            return raised[str(oid)]
        commit = repo.get(oid)  # a parent the cache covers; one a shallow clone lacks counts for nothing
        return commit.author.time if isinstance(commit, pygit2.Commit) else -(2**63)

    get = settled.get
    for start in reversed(nodes):  # a walk reads children before parents: this is mostly parents first
        node = nodes[start]
        if len(node[4]) == 1:  # most commits: one parent, already settled
            seen = get(node[4][0])
            if seen is not None:
                settled[start] = time = seen if seen > node[5] else node[5]
                if time != node[5]:
                    raised[str(start)] = time
                continue
        stack = [start]
        while stack:
            oid = stack[-1]
            if oid in settled:
                stack.pop()
                continue
            node = nodes[oid]
            time, waiting = node[5], False
            for parent in node[4]:
                seen = settled.get(parent)
                if seen is None:
                    if parent in nodes:
                        stack.append(parent)
                        waiting = True
                        continue
                    seen = settled[parent] = outside(parent)
                time = max(time, seen)
            if waiting:
                continue
            stack.pop()
            settled[oid] = time
            if time != node[5]:
                raised[str(oid)] = time
    return settled


def in_force(settled: dict[pygit2.Oid, int], commit: pygit2.Commit) -> tuple[int, int]:
    """When a commit's settings take effect, in its author's offset."""
    return settled.get(commit.id, commit.author.time), commit.author.offset
