"""Signing a run's manifest, so that evidence cannot be rewritten unnoticed (``oedr keygen/sign/verify``).

SHA256SUMS alone detects a changed file, not a rewritten manifest (anyone can run ``sha256sum`` again).
Two defences, either enough:

- a signature: ``oedr run --sign KEY`` or ``oedr sign DIR KEY`` writes ``DIR/SHA256SUMS.sig``, an Ed25519
  signature (through the ``cryptography`` package) over the manifest's exact bytes, base64 on one line;
  ``oedr verify DIR --key PUB`` checks it with the public key. ``oedr keygen NAME`` writes ``NAME`` (the
  private key, PEM PKCS#8, mode 0600; keep it off the machines whose runs it signs, e.g. in the CI's secret
  store) and ``NAME.pub`` (the public key, PEM, given to the auditors).
- a digest recorded elsewhere: ``oedr run`` prints the manifest's SHA-256 (the report shows it too); kept in
  the change ticket, ``oedr verify DIR --digest HEX`` checks the manifest is the one that was recorded.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from oedr.harness.evidence import manifest

MAX_KEY_BYTES = 64 * 1024  # a PEM key is a few hundred bytes; anything far larger is not one


class SigningProblem(Exception):
    """A key or signature that cannot be used; the message says which and why."""


def keygen(private_path: Path) -> Path:
    """Write a new Ed25519 key pair (``private_path`` and ``private_path.pub``); return the public key's path."""
    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise SigningProblem(f"{path} exists: oedr never writes over a key (choose another name)")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(private)
        public_path.write_bytes(public)
    except OSError as exc:
        raise SigningProblem(f"cannot write the key pair at {private_path}: {exc.strerror or exc}") from None
    return public_path


def _read_key_file(path: Path, what: str) -> bytes:
    try:
        if path.stat().st_size > MAX_KEY_BYTES:
            raise SigningProblem(f"{path} is not an {what} (too large)")
        return path.read_bytes()
    except OSError as exc:
        raise SigningProblem(f"cannot read the {what} {path}: {exc.strerror or exc}") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in a PEM file (as ``oedr keygen`` writes it)."""
    data = _read_key_file(path, "Ed25519 private key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningProblem(
            f"{path} is not an unencrypted PEM private key ({exc}); make one with `oedr keygen NAME`"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningProblem(f"{path} is a {type(key).__name__}, not an Ed25519 key: make one with `oedr keygen NAME`")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The Ed25519 public key in a PEM file (``NAME.pub`` of ``oedr keygen``)."""
    data = _read_key_file(path, "Ed25519 public key")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise SigningProblem(f"{path} is not a PEM public key ({exc}): give the .pub file of `oedr keygen`") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningProblem(f"{path} is a {type(key).__name__}, not an Ed25519 public key")
    return key


def sign(directory: Path, key: Ed25519PrivateKey) -> Path:
    """Sign the run's manifest; write and return ``SHA256SUMS.sig``."""
    try:
        data = (directory / manifest.MANIFEST).read_bytes()
    except OSError as exc:
        raise SigningProblem(
            f"{directory / manifest.MANIFEST} cannot be read ({exc.strerror or exc}): give the --out directory of a run"
        ) from None
    target = directory / manifest.SIGNATURE
    target.write_text(base64.b64encode(key.sign(data)).decode("ascii") + "\n", encoding="ascii")
    return target


def signature_problem(directory: Path, key: Ed25519PublicKey) -> str | None:
    """None when SHA256SUMS.sig is a valid signature of SHA256SUMS by this key; else what is wrong."""
    try:
        text = (directory / manifest.SIGNATURE).read_bytes()[:4096]
        signature = base64.b64decode(text.strip(), validate=True)
    except FileNotFoundError:
        return f"MISSING   {manifest.SIGNATURE} (the run was not signed: `oedr sign DIR KEY` signs it)"
    except (OSError, ValueError, binascii.Error):
        return f"CHANGED   {manifest.SIGNATURE} (it is not a signature)"
    try:
        key.verify(signature, (directory / manifest.MANIFEST).read_bytes())
    except InvalidSignature:
        return f"CHANGED   {manifest.MANIFEST} (its signature does not match this key: rewritten, or another key)"
    return None


def digest_problem(directory: Path, expected: str) -> str | None:
    """None when the manifest's SHA-256 is the digest recorded elsewhere; else what is wrong."""
    actual = manifest.file_digest(directory / manifest.MANIFEST)
    if actual != expected.strip().lower():
        return f"CHANGED   {manifest.MANIFEST} (sha256 {actual}, but {expected.strip()} was recorded)"
    return None


def valid_digest(text: str) -> bool:
    """True for 64 hex digits (a SHA-256 as ``oedr run`` prints it)."""
    value = text.strip().lower()
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)
