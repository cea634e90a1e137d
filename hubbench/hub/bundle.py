"""A vendor's connection bundle (`hubbench clients bundle ID`): one zip with the client's PKCS#12, its PEM
certificate and key, the bench CA and a short French README (AMQPS URL per vhost, connection checks).

The zip holds a private key: it is created mode 0600, and so are the key and PKCS#12 entries inside.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hubbench.errors import UsageError
from hubbench.hub.clients import ClientEntry, ClientRegistry
from hubbench.hub.pki import write_private
from hubbench.hub.topology import HUBSANTE, client_queues

README_NAME = "LISEZMOI.txt"  # plain text: opens anywhere, Windows Notepad included
_PRIVATE = 0o600
_PUBLIC = 0o644


def default_output(client_id: str) -> Path:
    return Path(f"hubbench-{client_id}.zip")


def readme_text(registry: ClientRegistry, entry: ClientEntry) -> str:
    """The bundle's French README: files, URLs per vhost, what the client may read and write, checks."""
    settings = registry.settings
    cid, host, port = entry.client_id, settings.public_name, settings.amqps_port
    first_vhost = entry.vhosts[0]
    urls = "\n".join(f"- `{vhost}` : `{url}`" for vhost, url in registry.amqps_urls(entry).items())
    names = ", ".join(f"`{n}`" for n in settings.certificate_names)
    queues = ", ".join(f"`{q}`" for q in client_queues(cid))
    return f"""# Banc hubbench — accès du client `{cid}`

Ce dossier permet à votre système (LRM, tablette, connecteur) de se raccorder au hub du banc
de conformité hubbench, comme au Hub Santé : AMQP 0-9-1 sur TLS (AMQPS), TLS 1.2 ou 1.3,
authentification SASL EXTERNAL (le CN du certificat client est votre identifiant), pas de mot de passe.

## Fichiers

- `{cid}.p12` : certificat client, clé privée et CA, au format PKCS#12 **sans mot de passe**
- `{cid}.crt` et `{cid}.key` : le même certificat et la même clé privée, au format PEM
- `ca.crt` : l'autorité de certification du banc ; déclarez-la comme seule CA de confiance du serveur

La clé privée est confidentielle : gardez ces fichiers hors de tout partage et supprimez l'archive
une fois le certificat installé.

## Adresses

Le serveur présente un certificat valable pour : {names}.
Vérifiez le nom du serveur (c'est le comportement par défaut de la plupart des clients TLS).

{urls}

Publication sur l'échange `{HUBSANTE}` avec votre identifiant `{cid}` comme clé de routage ;
lecture des files {queues}.

## Vérifier la connexion

Poignée de main TLS (attendu : `Verify return code: 0 (ok)` ; sous Windows, dans Git Bash ou WSL) :

```sh
openssl s_client -connect {host}:{port} -servername {host} -verify_hostname {host} \\
  -CAfile ca.crt -cert {cid}.crt -key {cid}.key -verify_return_error </dev/null
```

Connexion AMQPS en Python (`pip install pika`) :

```python
import ssl

import pika

context = ssl.create_default_context(cafile="ca.crt")
context.load_cert_chain("{cid}.crt", "{cid}.key")
parameters = pika.ConnectionParameters(
    host="{host}", port={port}, virtual_host="{first_vhost}",
    ssl_options=pika.SSLOptions(context, server_hostname="{host}"),
    credentials=pika.credentials.ExternalCredentials(),
)
connection = pika.BlockingConnection(parameters)
print("Connecté au banc :", connection.is_open)
connection.close()
```
"""


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | mode) << 16  # regular file with these permissions
    archive.writestr(info, data)


def write_bundle(registry: ClientRegistry, client_id: str, output: Path) -> Path:
    """Write the vendor's zip to `output` (mode 0600); a revoked or unknown client is refused."""
    entry = registry.show(client_id)
    creds = registry.credentials(client_id)
    missing = [p for p in (creds.cert, creds.key, creds.p12, creds.ca) if not p.exists()]
    if missing:
        raise UsageError(
            f"Certificat du client « {client_id} » incomplet ({', '.join(p.name for p in missing)} absent) : "
            f"relancez `hubbench clients add {client_id}`"
        )
    if output.is_dir():
        raise UsageError(f"--output : fichier attendu, « {output} » est un dossier")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        folder = f"hubbench-{client_id}"
        _add(archive, f"{folder}/{README_NAME}", readme_text(registry, entry).encode("utf-8"), _PUBLIC)
        _add(archive, f"{folder}/ca.crt", creds.ca.read_bytes(), _PUBLIC)
        _add(archive, f"{folder}/{client_id}.crt", creds.cert.read_bytes(), _PUBLIC)
        _add(archive, f"{folder}/{client_id}.key", creds.key.read_bytes(), _PRIVATE)
        _add(archive, f"{folder}/{client_id}.p12", creds.p12.read_bytes(), _PRIVATE)
    write_private(output, buffer.getvalue())
    return output
