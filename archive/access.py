"""Who may see what: collections' access, users and their roles, grants, API tokens, the audit trail.

A collection (or a single document, by its manifest row) is `public`, the default, or `restricted`.
Readers see public material and the collections granted to them; archivists and admins see
everything. What someone may not see is one set of document ids (`Catalog.hidden_documents`),
left out of every listing, count and search by the archive (archive/home.py).
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from archive.catalog import Catalog, User
from archive.errors import MuragatError
from archive.metadata import ACCESS_LEVELS

ROLES = ("reader", "archivist", "admin")
SEES_EVERYTHING = frozenset({"archivist", "admin"})
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 64
TOKEN_PREFIX = "mrg_"


@dataclass(frozen=True)
class Viewer:
    """Whoever a request or a command acts for: anonymous (no name), or a signed-in user with a role."""

    name: str = ""
    role: str = ""

    @property
    def sees_everything(self) -> bool:
        return self.role in SEES_EVERYTHING

    @property
    def signed_in(self) -> bool:
        return bool(self.name)


ANONYMOUS = Viewer()
EVERYTHING = Viewer(role="archivist")  # the command line: whoever can run it can read the archive's files


def viewer_of(user: User) -> Viewer:
    return Viewer(user.name, user.role)


def hidden_documents(catalog: Catalog, viewer: Viewer) -> frozenset[str]:
    """The documents this viewer may not see."""
    return catalog.hidden_documents(viewer.name, viewer.sees_everything)


def hash_password(password: str) -> str:
    """scrypt, salted (werkzeug.security): the catalog never holds a password."""
    return generate_password_hash(password, method="scrypt")


def authenticate(catalog: Catalog, name: str, password: str) -> User | None:
    """The user, when the password is theirs; None otherwise (an unknown name takes as long as a wrong password)."""
    user = catalog.user(name)
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    return user if user and matches else None


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the user does not exist, so that an unknown name costs as much as a wrong password."""
    return hash_password("not a password")


def token_hash(token: str) -> str:
    """An API token as the catalog keeps it: its sha256 (a token is 256 random bits: no salt or stretching
    needed), so that a copy of the catalog holds no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_user(catalog: Catalog, token: str) -> User | None:
    return catalog.token_user(token_hash(token)) if token.startswith(TOKEN_PREFIX) else None


def create_token(catalog: Catalog, name: str) -> str:
    """A new API token for the user, shown once: only its hash is kept."""
    _known_user(catalog, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    catalog.add_token(name, token_hash(token))
    return token


def revoke_tokens(catalog: Catalog, name: str) -> int:
    """Every API token of the user stops working; how many there were."""
    _known_user(catalog, name)
    return catalog.revoke_tokens(name)


def add_user(catalog: Catalog, name: str, role: str, password: str) -> User:
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable() or any(c.isspace() for c in name):
        raise MuragatError(f"user name {name[:80]!r}: give a name of 1 to {MAX_NAME_LENGTH} characters without "
                           "spaces")
    _check_role(role)
    _check_password(password)
    if not catalog.add_user(name, role, hash_password(password)):
        raise MuragatError(f"user {name!r} exists already; `muragat user password {name}` sets a new password, "
                           f"`muragat user remove {name}` removes them")
    return catalog.user(name)


def set_password(catalog: Catalog, name: str, password: str) -> None:
    """A new password; the user's sessions signed with the old one end."""
    _known_user(catalog, name)
    _check_password(password)
    catalog.set_password(name, hash_password(password))


def remove_user(catalog: Catalog, name: str) -> None:
    """The user, their grants and tokens; their sessions end at their next request."""
    _known_user(catalog, name)
    catalog.remove_user(name)


def grant(catalog: Catalog, name: str, collection: str) -> None:
    _known_user(catalog, name)
    _known_collection(catalog, collection)
    catalog.grant(name, collection)


def revoke(catalog: Catalog, name: str, collection: str) -> None:
    _known_user(catalog, name)
    if not catalog.revoke(name, collection):
        raise MuragatError(f"user {name!r} holds no grant to collection {collection!r}; "
                           f"`muragat user list` shows the grants")


def set_collection_access(catalog: Catalog, collection: str, access: str) -> bool:
    """Set a collection's access; a collection no document is in yet is declared, so that a restricted one is
    restricted from its first document on. Returns whether the collection holds documents."""
    if access not in ACCESS_LEVELS:
        raise MuragatError(f"access must be public or restricted, not {access!r}")
    catalog.set_collection_access(collection, access)
    return collection in catalog.collections()


def collection_access(catalog: Catalog, collection: str) -> str:
    _known_collection(catalog, collection)
    return catalog.collection_access().get(collection, "public")


def _known_user(catalog: Catalog, name: str) -> User:
    user = catalog.user(name)
    if user is None:
        raise MuragatError(f"no user {name!r} in this archive; `muragat user list` shows them, "
                           f"`muragat user add {name} --role reader` adds one")
    return user


def _known_collection(catalog: Catalog, collection: str) -> None:
    if collection not in catalog.collections() and collection not in catalog.collection_access():
        raise MuragatError(f"no collection {collection!r} in this archive; "
                           f"{named_collections(collection, catalog.collections())}")


def collection_as_held(typed: str, collections: Iterable[str]) -> str:
    """A collection's name as the archive writes it: the name itself where it is one, else the one collection that
    differs from it only in capitals (жарлықтар: Жарлықтар, секретные: Секретные), else the name as typed."""
    collections = set(collections)
    if not typed or typed in collections:
        return typed
    alike = [name for name in collections if name.casefold() == typed.casefold()]
    return alike[0] if len(alike) == 1 else typed


def named_collections(typed: str, collections: Iterable[str], shown: int = 10) -> str:
    """What to say of the collections when a typed name is none of them: the ones it names in other capitals
    (хаттар: Хаттар, where two are so named), else the names there are."""
    alike = [name for name in collections if name.casefold() == typed.casefold()]
    if alike:
        return f"did you mean {alike[0]!r}? (names are matched as written)"
    names = sorted(name for name in collections if name)
    return (f"its collections: {', '.join(names[:shown])}{' …' if len(names) > shown else ''}" if names
            else "it has no named collections")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise MuragatError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise MuragatError(f"the password is too short: give at least {MIN_PASSWORD_LENGTH} characters")
