"""Partner tokens: what a partner's data steward presents to deliver over HTTP.

A token is shown once, when it is made; only its SHA-256 is kept (a token is 256 random
bits, so a fast hash is enough, unlike a password). A token belongs to one partner and
lets it deliver and read its own deliveries, nothing else. Revoked tokens stay on record.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from marsad.errors import InvalidInput, NotFound, Unauthorized

PREFIX = "msd_"
PARTNER = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


@dataclass
class PartnerToken:
    id: str
    partner: str
    label: str
    sha256: str
    created_at: str
    revoked_at: str | None = None

    def public(self) -> dict[str, Any]:
        """What may be shown about a token: everything but its hash."""
        return {k: v for k, v in asdict(self).items() if k != "sha256"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    def __init__(self, home: Path) -> None:
        self.path = home / "config" / "partner-tokens.json"

    def _read(self) -> list[PartnerToken]:
        if not self.path.exists():
            return []
        data = json.loads(self.path.read_text("utf-8"))
        return [PartnerToken(**item) for item in data["tokens"]]

    @contextmanager
    def _locked(self) -> Iterator[list[PartnerToken]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with (self.path.parent / "partner-tokens.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                tokens = self._read()
                yield tokens
                tmp = self.path.with_suffix(".tmp")
                payload = {"tokens": [asdict(t) for t in tokens]}
                tmp.write_text(json.dumps(payload, indent=1), "utf-8")
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def create(self, partner: str, label: str = "") -> tuple[PartnerToken, str]:
        """A new token for ``partner``: the record and the secret, shown only now."""
        if not PARTNER.match(partner):
            raise InvalidInput(f"Code de partenaire invalide : {partner!r}.")
        secret = PREFIX + secrets.token_urlsafe(32)
        record = PartnerToken(
            id=secrets.token_hex(4),
            partner=partner,
            label=label[:200],
            sha256=_digest(secret),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._locked() as tokens:
            tokens.append(record)
        return record, secret

    def revoke(self, token_id: str) -> PartnerToken:
        with self._locked() as tokens:
            for token in tokens:
                if token.id == token_id:
                    token.revoked_at = token.revoked_at or datetime.now(UTC).isoformat(
                        timespec="seconds"
                    )
                    return token
        raise NotFound(f"Aucun jeton n'a l'identifiant {token_id}.")

    def list(self, partner: str | None = None) -> list[PartnerToken]:
        return [t for t in self._read() if partner is None or t.partner == partner]

    def authenticate(self, secret: str | None) -> PartnerToken:
        """The live token whose secret this is, or ``Unauthorized``."""
        if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
            raise Unauthorized("Jeton de partenaire manquant ou mal formé.")
        digest = _digest(secret)
        for token in self._read():
            if hmac.compare_digest(token.sha256, digest) and token.revoked_at is None:
                return token
        raise Unauthorized("Jeton de partenaire inconnu ou révoqué.")
