"""Password hashing with argon2id (argon2-cffi's PasswordHasher at its current defaults, RFC 9106)."""

from __future__ import annotations

import functools

from workbench.accounts import AccountError

MIN_LENGTH = 8
MAX_LENGTH = 1024  # long enough for any passphrase, short enough that hashing one cannot tie the server up


@functools.cache
def hasher():
    """The one PasswordHasher: argon2id with argon2-cffi's default parameters (changed defaults trigger rehash)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash of nothing anyone types, checked for unknown names so they take as long as known ones."""
    return hasher().hash("\x00 no account has this password \x00")


def check_rules(password: str) -> None:
    """AccountError when a new password is too short or too long."""
    if len(password or "") < MIN_LENGTH:
        raise AccountError(f"a password needs at least {MIN_LENGTH} characters",
                           hint="a few unrelated words make a long password that is easy to remember")
    if len(password) > MAX_LENGTH:
        raise AccountError(f"a password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2id hash of a new password, after checking its length."""
    check_rules(password)
    return hasher().hash(password)


def check_password(stored: str | None, password: str) -> tuple[bool, str | None]:
    """(right, new_hash): whether the password matches the stored hash (None: no such account, a dummy hash is
    checked so the answer takes as long), and a fresh hash when the stored one used older parameters."""
    from argon2.exceptions import InvalidHashError, VerificationError

    given = str(password or "")[:MAX_LENGTH + 1]
    try:
        hasher().verify(stored or _dummy_hash(), given)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, (hasher().hash(given) if hasher().check_needs_rehash(stored) else None)
