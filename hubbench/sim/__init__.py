"""sim room: the reference vendors (simulators): runtime, pure behaviour decisions, profiles (`conforme`
and its faults), case store, functional desk, prompt polling. Never imports the engine nor the checking
code of `hubbench.cases` (a fault must never be hidden by the code that judges it).

Other rooms use the names below (`from hubbench.sim import build_vendor`), never the modules behind
them; a name is imported on first use (the face itself loads nothing heavy).
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.sim.launch import VendorThread, build_vendor
    from hubbench.sim.profiles import PROFILES, Profile, get_profile
    from hubbench.sim.vendor import LogEntry, ReferenceVendor, VendorGaveUp

__all__ = [
    "PROFILES",
    "LogEntry",
    "Profile",
    "ReferenceVendor",
    "VendorGaveUp",
    "VendorThread",
    "build_vendor",
    "get_profile",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)
