"""`@apres-prealable-<key>`: a scenario of a root's own tier, played after it, may be blocked by it."""

from __future__ import annotations

from hubbench.engine.prerequisites import RC_REF, Ledger, after_roots_of
from hubbench.events import Verdict

ROOT_TAGS = ("palier-3", "prealable-rc-ref")


def _ledger_after_failed_root() -> Ledger:
    ledger = Ledger(current_tier=3)
    ledger.scenario_closed("p3::racine", "Acquittement de réception finale (RC-REF)", 3, ROOT_TAGS,
                           Verdict.TIMED_OUT)
    return ledger


def test_the_tag_names_the_roots_a_scenario_comes_after() -> None:
    assert after_roots_of({"palier-3", "apres-prealable-rc-ref", "prealable-distribution-id"}) == [RC_REF]
    assert after_roots_of(ROOT_TAGS) == []


def test_same_tier_is_its_own_red_unless_tagged() -> None:
    ledger = _ledger_after_failed_root()
    assert ledger.blocking(RC_REF) is None  # the root's own tier: its own red
    ledger.after_roots = frozenset({RC_REF})
    root = ledger.blocking(RC_REF)
    assert root is not None and (root.scenario_id, root.tier) == ("p3::racine", 3)
    assert ledger.blocking("acquittement-amqp") is None  # another rule: not that root's fault


def test_a_higher_tier_is_blocked_without_the_tag() -> None:
    ledger = _ledger_after_failed_root()
    ledger.current_tier = 4
    assert ledger.blocking(RC_REF) is not None
