"""Our key pairs as the running BPP holds them (loaded by the composition root, see `bpp.wiring.services`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeyMaterial:
    """Our private keys (base64) and their public halves."""

    signing_private_key: str
    encryption_private_key: str
    signing_public_key: str
    encryption_public_key: str
