"""Every source the repository cites can be followed from the repository alone.

Public documents are cited by name and section (DST 1.2 §3.3.1, DSF 15-15 §5.4, the cahier de recette
2023, the official repositories `ansforge/SAMU-Hub-Sante` and `ansforge/SAMU-Hub-Modeles` with a path);
never a working file the repository does not hold (the protocol digest and its sections, notes, design
contracts), and no path or module of this repository that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path

from repo_text import REPO, module_exists, module_mentions, own_path_mentions, path_exists, tracked_files

# Citations of working documents that are not in the repository (checked case-sensitively where a
# capitalised key is the phantom: "RECETTE 6.1" is the digest's key, "recette" is an ordinary word).
PHANTOMS = re.compile(
    r"HUB_PROTOCOL|CISU_CONVERSION|local-rabbitmq|\b(?:ENGINE|FUNCTIONAL)_CONTRACT\b|SKETCH\.md"
    r"|\b[Dd]igest(?: §|'s\b)|\b(?:the|protocol|conversion) digest\b|\bnotes §|\bRECETTE\b"
    r"|\bDSP/|\bTST/|\b[HM]:[\w.…/]|\bM@\d|\bDST1\.|\bDSF1515\b|\bPJ\d"
)
# Working documents are named in capitals (`ARCHITECTURE.md`), and a module or feature may be named by its
# file name alone in backticks (`causes.py`): such a name must be the name of a tracked file. A file of an
# official repository is cited with the repository and its path, never by its bare name.
MARKDOWN = re.compile(r"(?<![\w/.-])([A-Z][A-Z0-9_-]*\.md)\b|(?<=`)([\w-]+\.(?:py|feature|md))(?=`)")
# This folder holds the scan and the phantoms it is tested on.
SCANNER = Path(__file__).resolve().parent


def _problems(text: str, where: str, citing: Path | None = None) -> list[str]:
    tracked_names = {p.name for p in tracked_files()}
    found = [f"{where}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r}"
             for m in PHANTOMS.finditer(text)]
    found += [f"{where}: {name} (fichier absent du dépôt)" for pair in MARKDOWN.findall(text)
              for name in pair if name and name not in tracked_names]
    found += [f"{where}: {token} (chemin absent)" for token in own_path_mentions(text)
              if not path_exists(token, citing)]
    found += [f"{where}: {name} (module absent)" for name in module_mentions(text) if not module_exists(name)]
    return found


def test_no_phantom_citation_in_tracked_files() -> None:
    problems = [problem for path in tracked_files() if path.resolve().parent != SCANNER
                for problem in _problems(path.read_text(encoding="utf-8", errors="replace"),
                                         str(path.relative_to(REPO)), path)]
    assert not problems, "Citations à corriger :\n" + "\n".join(problems)


def test_the_scan_sees_each_kind_of_phantom() -> None:
    text = "Voir HUB_PROTOCOL §6, SKETCH.md, `engine/tier1.py`, `storage.py` et `hubbench.engine.storage`.\n"
    problems = _problems(text, "exemple")
    assert len(problems) == 6, problems  # HUB_PROTOCOL, SKETCH.md (phantom, absent), path, file, module
