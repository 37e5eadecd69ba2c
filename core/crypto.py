"""Encryption at rest for sensitive values, and keyed hashes for exact-match lookups.

A stored value is `eap1:<key id>:<base64 of nonce + AES-256-GCM ciphertext>`. The key id travels
with the value so that keys can rotate: new values use the first configured key, older ones are
read with whichever key they name until `rotate_keys` moves them. A value whose key is not
configured, or that fails authentication, raises UndecryptableValue: returning the stored text
instead would show ciphertext as if it were the note, or hide that a key went missing.

Keys come from dedicated settings (never derived from SECRET_KEY, which rotates for other reasons).
"""
import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

PREFIX = "eap1"
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class UndecryptableValue(Exception):
    """A stored value that no configured key can decrypt. The message never carries the value."""


def _decode_key(text, what):
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{what} is not base64.") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (base64 of 32 random bytes).")
    return key


def parse_field_keys(text):
    """`id=key,id=key` (newest first) → [(id, key bytes)]; refuses junk rather than guessing."""
    keys = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition("=")
        key_id = key_id.strip()
        if not sep or not KEY_ID.match(key_id):
            raise ImproperlyConfigured("EAP_FIELD_KEYS entries look like id=base64key (id: letters, digits, - or _).")
        if key_id in {existing for existing, _ in keys}:
            raise ImproperlyConfigured(f"EAP_FIELD_KEYS names the key id {key_id!r} twice.")
        keys.append((key_id, _decode_key(encoded, f"EAP_FIELD_KEYS key {key_id!r}")))
    if not keys:
        raise ImproperlyConfigured("EAP_FIELD_KEYS holds no key.")
    return keys


def parse_blind_index_key(text):
    return _decode_key(text, "EAP_BLIND_INDEX_KEY")


def new_key():
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def development_keys(path):
    """The embedded default's own keys, made once and kept beside its database. Losing the file
    makes the encrypted values unreadable, which is the point: they are not derived from anything."""
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:
        keys = {"field_keys": f"dev1={new_key()}", "blind_index_key": new_key()}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(keys, handle)
        return keys


def _configured_keys():
    from django.conf import settings

    return settings.EAP_FIELD_KEYS


def current_key_id():
    return _configured_keys()[0][0]


def encrypt(plaintext):
    key_id, key = _configured_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), key_id.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token):
    """The key id a stored value names, or None if it is not an encrypted value at all."""
    parts = token.split(":", 2) if isinstance(token, str) else ()
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(token):
    key_id = key_id_of(token)
    if key_id is None:
        raise UndecryptableValue("The stored value is not an encrypted value.")
    key = dict(_configured_keys()).get(key_id)
    if key is None:
        raise UndecryptableValue(f"No configured key has the id {key_id!r}.")
    try:
        raw = base64.b64decode(token.split(":", 2)[2], validate=True)
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode())
    except (binascii.Error, ValueError, InvalidTag):
        raise UndecryptableValue(f"The value under key {key_id!r} fails authentication.") from None
    return plain.decode("utf-8")


def normalise_identifier(value):
    """The form an identifier is hashed in: NFKC (full-width digits and letters become ASCII),
    no spaces, upper case — so `ａ１２３ 456789` and `A123456789` match."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()


def blind_index(value, purpose):
    """A keyed hash for exact-match lookups on an identifier that is never stored in clear. The
    purpose keeps the same value in two columns from producing the same hash."""
    from django.conf import settings

    message = f"{purpose}\x00{normalise_identifier(value)}".encode()
    return hmac.new(settings.EAP_BLIND_INDEX_KEY, message, hashlib.sha256).hexdigest()
