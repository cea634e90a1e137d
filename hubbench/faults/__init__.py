"""faults room: network faults on the vendor's own connection, owned by the bench.

A `FaultProxy` listens on the loopback and forwards bytes to the hub's AMQPS port (TLS passes through
untouched: the proxy never reads a frame); the Robustesse tier makes the vendor connect through it, then
cuts every connection (before or after the vendor's publish reaches the hub), stalls the link, or resets
it after a number of bytes. It depends on nothing else of the bench.

Other rooms use the names below (`from hubbench.faults import FaultProxy`), never the modules behind them.
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.faults.proxy import FaultProxy, ProxyStats

__all__ = ["FaultProxy", "ProxyStats"]

__getattr__, __dir__ = lazy_face(__name__, __file__)
