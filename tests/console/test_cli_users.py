"""`hubbench console users …` and the refusals of `hubbench console --listen`: one French line, exit 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.processes import HUBBENCH

from hubbench.hub.pki import Pki, san_names

PASSWORD = "un mot de passe assez long"


def hubbench(*args: str, home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HUBBENCH, *args, "--home", str(home)], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_users_add_list_remove(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = hubbench("console", "users", "add", "ans", "--role", "admin", home=home, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Compte créé : ans (administrateur)"
    done = hubbench(
        "console", "users", "add", "conforme", "--role", "éditeur", "--vendor", "Éditeur Conforme",
        home=home, stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0, done.stderr
    listed = hubbench("console", "users", "list", home=home)
    assert listed.stdout.splitlines() == ["ans\tadministrateur", "conforme\téditeur\tÉditeur Conforme"]
    assert hubbench("console", "users", "remove", "ans", home=home).returncode == 0
    assert hubbench("console", "users", "list", home=home).stdout.splitlines() == [
        "conforme\téditeur\tÉditeur Conforme"
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "x", "--role", "root"), PASSWORD, "Erreur : Rôle attendu parmi admin, evaluateur, editeur"),
        (("add", "x", "--role", "editeur"), PASSWORD, "Erreur : Un compte éditeur doit nommer son éditeur"),
        (("add", "x", "--role", "admin"), "", "Erreur : Mot de passe attendu sur l'entrée standard"),
        (("add", "x", "--role", "admin"), "court", "Erreur : Mot de passe trop court"),
        (("remove", "personne"), "", "Erreur : Compte inconnu : 'personne'"),
    ],
)
def test_users_bad_input(tmp_path: Path, args: tuple[str, ...], stdin: str, message: str) -> None:
    done = hubbench("console", "users", *args, home=tmp_path / "home", stdin=stdin)
    assert done.returncode == 2 and done.stderr.startswith(message), done.stderr
    assert "Traceback" not in done.stderr


def test_listen_refuses_without_accounts(tmp_path: Path) -> None:
    done = hubbench("console", "--listen", "127.0.0.1", "--port", "8598", home=tmp_path / "home")
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : Aucun compte de console : impossible d'écouter sur le réseau")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--cert", "x.pem"), "--name, --cert et --key ne s'emploient qu'avec --listen"),
        (("--listen", "pas-une-ip"), "Adresse IP d'écoute attendue"),
        (("--listen", "0.0.0.0"), "Écoute sur 0.0.0.0 (toutes les interfaces) : nommez l'hôte"),
        (("--listen", "127.0.0.1", "--cert", "x.pem"), "--cert et --key vont ensemble"),
        (("--listen", "127.0.0.1", "--cert", "x.pem", "--key", "y.pem"), "Fichier introuvable"),
    ],
)
def test_listen_bad_options(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    home = tmp_path / "home"
    hubbench("console", "users", "add", "ans", "--role", "admin", home=home, stdin=PASSWORD)
    done = hubbench("console", *args, "--port", "8598", home=home)
    assert done.returncode == 2 and done.stderr.startswith(f"Erreur : {message}"), done.stderr


def test_console_certificate_names_and_reissue(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    cert, key = pki.named_server_files("console", ["192.168.1.20", "banc.session.local"])
    assert san_names(cert) == {"192.168.1.20", "banc.session.local"}
    assert key.stat().st_mode & 0o777 == 0o600
    first = cert.read_bytes()
    assert pki.named_server_files("console", ["banc.session.local", "192.168.1.20"])[0].read_bytes() == first
    pki.named_server_files("console", ["10.0.0.5"])
    assert san_names(cert) == {"10.0.0.5"} and cert.read_bytes() != first
