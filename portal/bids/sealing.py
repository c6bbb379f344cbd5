"""Sealing bids: AES-256-GCM with the key from the settings (PORTAL_BID_KEY), never stored with the data.

A bid's content (price, currency, a response per award criterion, consortium partners, its files' names
and digests) is one JSON document sealed into `Bid.sealed`; each file is sealed on its own into
`<instance>/sealed/` under a random name, and its name into `BidFile.sealed_name`. Each sealed value is a
random 96-bit nonce followed by the ciphertext and its tag. The associated data names the record the value
belongs to (the bid's id, tender, lot, bidder and revision; a file's bid and storage name), so a value moved
to another row, or an older revision put back, fails to open instead of passing for another bid.

Whoever reads the database or the instance folder without the key learns nothing of a bid's content. The key
is one for the whole portal; rotating it (re-sealing every bid under a new key) is not built.
"""
import base64
import hashlib
import json
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from ..config import REQUIRED_SETTINGS, ConfigError
from ..files.services import remove_on_commit, remove_on_rollback

NONCE_BYTES = 12
CONTENT_VERSION = 1


class Tampered(Exception):
    """A sealed value does not open with the key and the record it claims to belong to."""


def _cipher():
    key = current_app.config.get("BID_KEY")
    if not key:
        raise ConfigError(REQUIRED_SETTINGS["BID_KEY"])
    return AESGCM(base64.b64decode(key))


def seal(plaintext, context):
    """`plaintext` (bytes) sealed for the record named by `context`: nonce, ciphertext and tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + _cipher().encrypt(nonce, plaintext, context.encode())


def unseal(sealed, context):
    """The plaintext of a value `seal` made for `context`; Tampered when the value or its record changed."""
    try:
        return _cipher().decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError) as error:
        raise Tampered(context) from error


def digest(sealed):
    """The SHA-256 of sealed bytes, in hex: what the bidder's receipt carries."""
    return hashlib.sha256(sealed).hexdigest()


# ---------------------------------------------------------------- what each value is bound to

def bid_context(bid):
    return (f"cocity:bid:{bid.id}:tender:{bid.tender_id}:lot:{bid.lot_id}:organisation:{bid.organisation_id}"
            f":revision:{bid.revision}")


def file_context(bid_id, storage_name):
    return f"cocity:bid-file:{bid_id}:{storage_name}"


def file_name_context(bid_id, storage_name):
    return f"cocity:bid-file-name:{bid_id}:{storage_name}"


# ---------------------------------------------------------------- a bid's content

def seal_content(bid, content):
    """The bid's content (a dict) sealed for this bid at its current revision."""
    document = dict(content, version=CONTENT_VERSION)
    return seal(json.dumps(document, ensure_ascii=False, sort_keys=True).encode(), bid_context(bid))


def open_content(bid):
    """The bid's content as a dict; Tampered if its sealed value does not belong to this bid and revision."""
    return json.loads(unseal(bid.sealed, bid_context(bid)))


# ---------------------------------------------------------------- files

def sealed_folder():
    """<instance>/sealed, created when first needed."""
    folder = Path(current_app.instance_path) / "sealed"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_file(bid_id, data):
    """Seal `data` for the bid into a new file under a random name; the name. Removed again on a rollback."""
    storage_name = secrets.token_hex(16)
    folder = sealed_folder()
    temporary, final = folder / f".{storage_name}.part", folder / storage_name
    try:
        with open(temporary, "xb") as out:
            out.write(seal(data, file_context(bid_id, storage_name)))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    remove_on_rollback(final)
    return storage_name


def read_file(bid_file):
    """The plaintext of a bid's file; Tampered if the bytes on disk are not this file's."""
    return unseal((sealed_folder() / bid_file.storage_name).read_bytes(),
                  file_context(bid_file.bid_id, bid_file.storage_name))


def forget_file(bid_file):
    """Remove a file's sealed bytes once the transaction that dropped it commits."""
    remove_on_commit(sealed_folder() / bid_file.storage_name)


def seal_name(bid_id, storage_name, name):
    return seal(name.encode(), file_name_context(bid_id, storage_name))


def open_name(bid_file):
    return unseal(bid_file.sealed_name, file_name_context(bid_file.bid_id, bid_file.storage_name)).decode()
