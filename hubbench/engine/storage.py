"""The results store as an event listener, plus answers given up front (`AttestationAnswered`)."""

from __future__ import annotations

from hubbench.engine.events import AttestationAnswered, Event


class StoreListener:
    """Forwards events to `hubbench.results.store.ResultsStore`; applies up-front attestation answers."""

    def __init__(self, store: object) -> None:
        self.store = store

    @classmethod
    def open(cls, db_url: str) -> StoreListener:
        from hubbench.results.store import ResultsStore

        return cls(ResultsStore(db_url))

    def __call__(self, event: Event) -> None:
        if isinstance(event, AttestationAnswered):
            self.store.answer_attestation(  # type: ignore[attr-defined]
                event.attestation_id, list(event.answers), comment=event.comment, who=event.answered_by
            )
            return
        self.store(event)  # type: ignore[operator]

    def close(self) -> None:
        closer = getattr(self.store, "close", None)
        if callable(closer):
            closer()
