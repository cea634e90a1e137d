"""Root causes, not cascades: the rules later tiers depend on, and which of them already failed in a run.

A scenario tagged `@prealable-<key>` is the root check of a prerequisite rule (tier 2 « Les messages
reçus sont acquittés » for the AMQP acknowledgement, DST 1.2 §3.3.1; tier 3 « Identifiant de distribution
préfixé par l'émetteur » for the distributionID, DST 1.2 §3.4.3; tier 3 « Acquittement de réception
finale (RC-REF) », DST 1.2 §3.3.2). When it fails (or times out), the run remembers it; a check of a
higher tier that fails for that very reason (the engine names the prerequisite where the check is made:
`Checker.that(..., prerequisite=…)`, or the exception's `prerequisite`) is recorded « bloqué par le
palier N » with a link to the root scenario, instead of a fourth independent red. A check of the root's
own tier is its own red, unless its scenario is tagged `@apres-prealable-<key>` (played after the root and
needing its rule: tier 3's refusal by RC-REF, `engine/refusals.py`). A blocked check is never a pass:
the scenario is BLOCKED, which fails the run like any failure. Once a root failed, the waits that need
its rule (`ScenarioEngine.wait_after_root`) last the quiet window, not their full timeout: a vendor that
never acks is told « bloqué » on tiers 4, 6 and 7 in seconds, not after one full wait per scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hubbench.events import Verdict, blocked_label

AMQP_ACK = "acquittement-amqp"
DISTRIBUTION_ID = "distribution-id"
RC_REF = "rc-ref"
PREREQUISITES: dict[str, str] = {
    AMQP_ACK: "acquittement AMQP des messages reçus (DST 1.2 §3.3.1)",
    DISTRIBUTION_ID: "distributionID préfixé par l'émetteur (DST 1.2 §3.4.3)",
    RC_REF: "acquittement de réception finale RC-REF (DST 1.2 §3.3.2)",
}
ROOT_TAG_PREFIX = "prealable-"
AFTER_TAG_PREFIX = "apres-prealable-"
ROOT_VERDICTS = frozenset({Verdict.FAILED, Verdict.TIMED_OUT})  # the vendor's fault, not the bench's


def after_roots_of(tags: set[str] | frozenset[str] | tuple[str, ...]) -> list[str]:
    """The prerequisite keys whose root, failed earlier in the same tier, blocks the scenario
    (`@apres-prealable-<key>`)."""
    return sorted(tag[len(AFTER_TAG_PREFIX):] for tag in tags if tag.startswith(AFTER_TAG_PREFIX))


def roots_of(tags: set[str] | frozenset[str] | tuple[str, ...]) -> list[str]:
    """The prerequisite keys a scenario is the root check of (its `@prealable-<key>` tags)."""
    return sorted(tag[len(ROOT_TAG_PREFIX):] for tag in tags if tag.startswith(ROOT_TAG_PREFIX))


@dataclass(frozen=True)
class RootFailure:
    key: str
    scenario_id: str
    name: str
    tier: int

    @property
    def label(self) -> str:
        return blocked_label(self.tier)

    def explain(self, rule: str) -> str:
        """« bloqué par le palier 2 (« Les messages reçus sont acquittés ») : <rule> »."""
        return f"{self.label} (« {self.name} » : {PREREQUISITES.get(self.key, self.key)}) — {rule}"


@dataclass
class Ledger:
    """The run's failed root checks (first failure per prerequisite) and the tier being played."""

    failed: dict[str, RootFailure] = field(default_factory=dict)
    current_tier: int = 0
    after_roots: frozenset[str] = frozenset()  # the played scenario's `@apres-prealable-<key>` keys

    def scenario_closed(self, scenario_id: str, name: str, tier: int, tags: tuple[str, ...],
                        verdict: Verdict) -> None:
        if verdict in ROOT_VERDICTS:
            for key in roots_of(tags):
                self.failed.setdefault(key, RootFailure(key, scenario_id, name, tier))

    def blocking(self, key: str | None) -> RootFailure | None:
        """The failed root of `key` in a lower tier than the one being played, if any; or in the same tier
        when the scenario played says it comes after that root (`@apres-prealable-<key>`: a root is recorded
        when its scenario closes, so only a root played earlier blocks it)."""
        root = self.failed.get(key) if key else None
        if root is None:
            return None
        own_tier = root.tier == self.current_tier and root.key in self.after_roots
        return root if root.tier < self.current_tier or own_tier else None
