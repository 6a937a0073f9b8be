"""One pass over a document for the hundreds of "element path" syntax rules.

The syntax bindings forbid or bound hundreds of element paths: UBL-CR-* (≈680 "should not be
present" rules, context the document root), CII-SR-* and CII-DT-* (≈500, contexts such as an
invoice line or ``//ram:*[ends-with(name(), 'Amount')]``). Evaluating each as an XPath costs a
tree walk per rule. Here every rule is compiled into a trie of element tags (a path *signature*)
and one walk over the document's elements (``root.iter()``, C speed) follows each element's trie
nodes from its parent's: a rule fires when its target node is reached.

A :class:`PathRule` is ``context`` + ``path`` (+ an attribute):

* ``context`` is an :class:`Anchor`: steps from the document root (``start=None``), or steps from
  any element that a *start* matches — a tag (``//cac:Party``), or a named tag class
  (``//ram:*[ends-with(name(), 'ID')]``);
* ``kind``: ``ABSENT`` (``not(path)``), ``MAX1`` (``count(path) <= 1``), ``ONE``
  (``count(path) = 1``) or ``SOME`` (``exists(path)``). A hit is the context node, once per
  context node, as the Schematron reports it;
* ``descendant=True`` means ``//path`` from the context (only used from the root context).

Schematron evaluates a node against the *first* rule of a pattern whose context matches it;
where two contexts of one pattern overlap the earlier one declares ``shadows`` (start names that
then do not start on the same element).

Named contexts (``Scanner.named``) collect their context nodes during the same walk, for the rules
written by hand, and ``attr_watch`` lists the elements carrying some attributes anywhere. A named
context may have several anchors (e.g. every tag of the code-list rules): its list then holds
the elements any of them matches, each once, in document order. This is how the code-list rules
(:mod:`.codes`) and the VAT facts (:mod:`.vat_ubl_facts`) get their elements from this one walk
instead of walking the tree again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

__all__ = ["ABSENT", "MAX1", "ONE", "SOME", "Anchor", "PathRule", "Scan", "Scanner"]

ABSENT, MAX1, ONE, SOME = "absent", "max1", "one", "some"
_ROOT = -1  # "up" value: the context is the document root
# What a _State does for its elements, as bit flags (``_State.mode``): count for the "at most
# once" rules, look at attributes, collect named contexts, and the rarer rest (present/contexts).
_COUNT, _ATTRS, _NAMED, _OTHER = 1, 2, 4, 8


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where context nodes are: ``steps`` (Clark tags) below the root, or below an element
    matched by ``start`` (a Clark tag, or a class name of :attr:`Scanner.classes`)."""

    steps: tuple[str, ...] = ()
    start: str | None = None
    shadows: tuple[str, ...] = ()


ROOT = Anchor()


@dataclass(frozen=True, slots=True)
class PathRule:
    id: str
    kind: str
    context: Anchor
    path: tuple[str, ...]  # Clark tags from the context node to the target element
    attr: str | None = None  # the target is this attribute of the last element
    descendant: bool = False  # ``//path`` (context must be the root)


class _Node:
    __slots__ = ("attrs", "children", "contexts", "counted", "excludes", "named", "present")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.present: list[tuple[str, int]] = []  # (rule, levels up to the context node)
        self.counted: list[tuple[str, int]] = []
        self.contexts: list[str] = []  # rules (ONE/SOME) whose context node this is
        self.attrs: list[tuple[str, str, int]] = []  # (attribute, rule, up)
        self.named: list[str] = []  # named contexts collected here
        self.excludes: frozenset[str] = frozenset()

    def child(self, tag: str) -> _Node:
        node = self.children.get(tag)
        if node is None:
            node = self.children[tag] = _Node()
        return node


@dataclass(slots=True)
class Scan:
    """What one walk found: ``hits`` per table rule (context elements, document order), the
    ``named`` context nodes and the elements carrying each watched attribute."""

    hits: dict[str, list[Any]]
    named: dict[str, list[Any]]
    attrs: dict[str, list[Any]]
    # Every element of the document, mapped to its automaton state. Kept with the scan on purpose:
    # it holds the lxml proxies alive, so that the rules walking the tree after the scan reuse
    # them instead of having lxml create (and free) a Python object per element visit.
    states: dict[Any, Any] = field(default_factory=dict, repr=False)


class Scanner:
    """Compiled table of path rules; :meth:`scan` evaluates all of them in one walk."""

    def __init__(
        self,
        rules: Iterable[PathRule],
        *,
        classes: Mapping[str, Callable[[str], bool]] | None = None,
        named: Mapping[str, Anchor | Iterable[Anchor]] | None = None,
        attr_watch: Iterable[str] = (),
    ) -> None:
        self.classes = dict(classes or {})
        self.root = _Node()
        self.starts: dict[str, _Node] = {}
        self.kinds: dict[str, str] = {}
        self.attr_watch = frozenset(attr_watch)
        self.named_names = tuple(named or ())
        self._start_cache: dict[str, tuple[_Node, ...]] = {}
        self._states: dict[tuple[_Node, ...], _State] = {}
        for rule in rules:
            self._add(rule)
        for name, anchors in (named or {}).items():
            for anchor in (anchors,) if isinstance(anchors, Anchor) else anchors:
                node = self._anchor(anchor)
                if name not in node.named:
                    node.named.append(name)
        self._start_names = {id(node): name for name, node in self.starts.items()}

    # -- compilation ------------------------------------------------------------------------------

    def _anchor(self, anchor: Anchor) -> _Node:
        if anchor.start is None:
            node = self.root
        else:
            node = self._start(anchor.start)
        for tag in anchor.steps:
            node = node.child(tag)
        if anchor.shadows:
            node.excludes = node.excludes | frozenset(anchor.shadows)
        return node

    def _start(self, name: str) -> _Node:
        node = self.starts.get(name)
        if node is None:
            node = self.starts[name] = _Node()
        return node

    def _add(self, rule: PathRule) -> None:
        self.kinds[rule.id] = rule.kind
        ctx = self._anchor(rule.context)
        if rule.descendant:
            if rule.context != ROOT or not rule.path:
                raise ValueError(f"{rule.id}: '//' paths are only supported from the root context")
            node, rest, up = self._start(rule.path[0]), rule.path[1:], _ROOT
        else:
            # From the root context the context node is the root whatever the depth.
            node, rest, up = ctx, rule.path, _ROOT if rule.context == ROOT else len(rule.path)
        for tag in rest:
            node = node.child(tag)
        if rule.attr is not None:
            if rule.kind != ABSENT:
                raise ValueError(f"{rule.id}: attribute rules can only forbid")
            node.attrs.append((rule.attr, rule.id, up))
        elif rule.kind == ABSENT:
            node.present.append((rule.id, up))
        else:
            node.counted.append((rule.id, up))
            if rule.kind in (ONE, SOME):
                ctx.contexts.append(rule.id)

    def _starts_for(self, tag: str) -> tuple[_Node, ...]:
        cached = self._start_cache.get(tag)
        if cached is not None:
            return cached
        found = []
        exact = self.starts.get(tag)
        if exact is not None:
            found.append(exact)
        for name, matches in self.classes.items():
            node = self.starts.get(name)
            if node is not None and matches(tag):
                found.append(node)
        nodes = self._start_cache[tag] = tuple(found)
        return nodes

    # -- evaluation -------------------------------------------------------------------------------
    #
    # The trie nodes an element is in depend only on its parent's nodes and its own tag, so the
    # walk runs a lazily built deterministic automaton: a _State is an interned tuple of nodes
    # with its merged actions and a {tag: next state} cache. Per element this costs one dict
    # lookup, plus the actions of the few states that have any.

    def _state(self, nodes: tuple[_Node, ...]) -> _State:
        state = self._states.get(nodes)
        if state is None:
            state = self._states[nodes] = _State(nodes)
        return state

    def _next(self, state: _State, tag: str) -> _State:
        if len(self._states) > 20000:  # a hostile document may use endless element names
            self._reset()
            state = self._state(state.nodes)
        children = [c for n in state.nodes if (c := n.children.get(tag)) is not None]
        starts = self._starts_for(tag)
        if starts and any(n.excludes for n in children):
            excluded = frozenset().union(*(n.excludes for n in children))
            starts = tuple(s for s in starts if self._start_names[id(s)] not in excluded)
        nxt = state.next[tag] = self._state((*children, *starts))
        return nxt

    def _reset(self) -> None:
        self._states = {}
        self._start_cache.clear()

    def scan(
        self,
        root: etree._Element,
        watch: frozenset[str] | None = None,
        elements: Sequence[etree._Element] | None = None,
    ) -> Scan:
        """Evaluate every rule on the tree of ``root``. ``watch`` narrows :attr:`attr_watch`
        (e.g. to the names that occur at all in the raw document). ``elements``: every element
        of the tree in document order, ``root`` first (``ParsedDocument.elements``), walked
        instead of ``root.iter()`` (a list is cheaper to walk than lxml's iterator)."""
        hits: dict[str, dict[Any, None]] = {}
        counts: dict[tuple[str, Any], int] = {}
        contexts: dict[str, list[Any]] = {}
        named: dict[str, list[Any]] = {name: [] for name in self.named_names}
        attrs: dict[str, list[Any]] = {}
        if watch is None:
            watch = self.attr_watch

        def up_to(el: Any, up: int) -> Any:
            if up == _ROOT:
                return root
            for _ in range(up):
                el = el.getparent()
            return el

        def apply(st: _State, el: Any) -> None:
            for rid, up in st.present:
                ctx = up_to(el, up)
                found = hits.get(rid)
                if found is None:
                    found = hits[rid] = {}
                found[ctx] = None
            for rid, up in st.counted:
                key = (rid, up_to(el, up))
                counts[key] = counts.get(key, 0) + 1
            for rid in st.contexts:
                found_ctx = contexts.get(rid)
                if found_ctx is None:
                    found_ctx = contexts[rid] = []
                found_ctx.append(el)
            if st.attrs:
                for key in el.keys():  # noqa: SIM118 - lxml: attribute names, not children
                    for rid, up in st.attrs.get(key, ()):
                        hits.setdefault(rid, {})[up_to(el, up)] = None
            for name in st.named:
                named[name].append(el)

        top = self._state((self.root, *self._starts_for(root.tag)))
        if top.mode:
            apply(top, root)
        if watch:
            for key in root.keys():  # noqa: SIM118 - lxml: the attribute names
                if key in watch:
                    attrs.setdefault(key, []).append(root)
        state = {root: top}
        nxt = self._next
        # Any other list (not this tree's, or empty) is ignored: the tree is walked.
        it = iter(elements) if elements and elements[0] is root else root.iter(etree.Element)
        next(it)  # the root, done above
        for el in it:
            tag = el.tag
            p = el.getparent()
            parent = state[p]
            st = parent.next.get(tag)
            if st is None:
                st = nxt(parent, tag)
            state[el] = st  # cheaper than asking len(el) whether it is a parent
            mode = st.mode
            if mode:
                if mode & _OTHER:  # rare: forbidden elements, ONE/SOME contexts
                    apply(st, el)
                else:  # inline: no call, and no loop over empty action lists
                    if mode & _COUNT:  # the most frequent: "at most once" syntax rules
                        for rid, up in st.counted:
                            # The context is nearly always the root, the parent or the grandparent.
                            if up == 1:
                                key = (rid, p)
                            elif up == _ROOT:
                                key = (rid, root)
                            elif up == 2:
                                key = (rid, p.getparent())
                            else:
                                key = (rid, up_to(el, up))
                            counts[key] = counts.get(key, 0) + 1
                    if mode & _NAMED:
                        for name in st.named:
                            named[name].append(el)
                    if mode & _ATTRS and el.keys():  # most elements carry no attribute at all
                        for key in el.keys():  # noqa: SIM118
                            for rid, up in st.attrs.get(key, ()):
                                hits.setdefault(rid, {})[up_to(el, up)] = None
            if watch:
                for key in el.keys():  # noqa: SIM118
                    if key in watch:
                        attrs.setdefault(key, []).append(el)

        out = {rid: list(found) for rid, found in hits.items()}
        kinds = self.kinds
        for (rid, ctx), n in counts.items():
            if n > 1 and kinds[rid] == MAX1:
                out.setdefault(rid, []).append(ctx)
        for rid, ctxs in contexts.items():
            kind = kinds[rid]
            for ctx in ctxs:
                n = counts.get((rid, ctx), 0)
                if (kind == ONE and n != 1) or (kind == SOME and n == 0):
                    out.setdefault(rid, []).append(ctx)
        return Scan(out, named, attrs, state)


class _State:
    """A set of trie nodes an element is in, with their merged actions."""

    __slots__ = ("attrs", "contexts", "counted", "mode", "named", "next", "nodes", "present")

    def __init__(self, nodes: tuple[_Node, ...]) -> None:
        self.nodes = nodes
        self.next: dict[str, _State] = {}
        self.present = [a for n in nodes for a in n.present]
        self.counted = [a for n in nodes for a in n.counted]
        self.contexts = [a for n in nodes for a in n.contexts]
        # Each name once: an element matched by two anchors of one name is collected once.
        self.named = list(dict.fromkeys(a for n in nodes for a in n.named))
        self.attrs: dict[str, list[tuple[str, int]]] = {}
        for n in nodes:
            for attr, rid, up in n.attrs:
                self.attrs.setdefault(attr, []).append((rid, up))
        self.mode = (
            (_COUNT if self.counted else 0)
            | (_ATTRS if self.attrs else 0)
            | (_NAMED if self.named else 0)
            | (_OTHER if self.present or self.contexts else 0)
        )
