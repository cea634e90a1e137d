"""The Robustesse tier's unusual messages (`hubbench.engine.adversarial`) are messages the hub routes:
valid against the official pack, whatever the seed (hypothesis draws the seeds)."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from hubbench.engine.adversarial import FAMILIES, batch
from hubbench.protocol import build_message, custom_content_use_case, decode, encode
from hubbench.protocol.validator import PackValidator

SIZE = 8


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_every_batch_is_schema_valid_and_goes_smallest_first(val3: PackValidator, seed: int) -> None:
    cases = batch(random.Random(seed), SIZE)
    assert len(cases) == SIZE and [c.size for c in cases] == sorted(c.size for c in cases)
    for case in cases:
        env = build_message("fr.health.samu440", "fr.health.samu441", custom_content_use_case(**case.content))
        report = val3.validate_message(env)
        assert report.valid, (case.family, [i.message for i in report.errors][:3])
        body, content_type = encode(env, "json")
        assert decode(body, content_type) == json.loads(body)  # what the vendor reads back, unchanged


def test_a_batch_holds_every_family_and_is_reproducible_from_its_seed() -> None:
    first, again = batch(random.Random(7), SIZE), batch(random.Random(7), SIZE)
    assert [c.content for c in first] == [c.content for c in again]
    families = " | ".join(c.family for c in first)
    words = ("chaîne de", "Unicode", "dates aux limites", "nombres", "éléments", "optionnels", "imbriqués")
    assert all(word in families for word in words), families
    assert len(FAMILIES) == 7
    assert max(len(c.content.get("texte", "")) for c in first) >= 4096  # a maximum-length string is sent
