"""Passwords: Argon2id hashes (argon2-cffi) and the password policy.

The hash parameters are OWASP's recommended Argon2id minimum (m = 19 MiB, t = 2, p = 1):
an offline guess costs 19 MiB of memory, and a login stays well under 100 ms on a small
server.  A stored hash made with other parameters still verifies and is rehashed at the next
successful login (:func:`needs_rehash`).

Policy (a person's password; integrations use API tokens): at least 10 characters, at most
256, letters and digits both present, not the login, not one character repeated.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MIN_LENGTH = 10
MAX_LENGTH = 256

WEAK = message(
    "password.weak",
    "密码不符合要求：{why_zh}（至少 {min} 个字符，须同时包含字母和数字，不得与登录名相同）",
    "the password does not meet the policy: {why_en} (at least {min} characters, letters and "
    "digits both, not the login)",
)

# a valid hash of nothing anyone knows: an unknown login costs as much time as a known one
_DUMMY = HASHER.hash("rongcuo-no-such-user-0")


def check_policy(password: str, login: str) -> None:
    """Refuse a password the policy does not allow (the password is never in the message)."""
    why = None
    if len(password) < MIN_LENGTH:
        why = ("太短", "too short")
    elif len(password) > MAX_LENGTH:
        why = ("太长", "too long")
    elif not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        why = ("须同时包含字母和数字", "it needs both letters and digits")
    elif password.casefold() == login.casefold() or login.casefold() in password.casefold():
        why = ("不得包含登录名", "it must not contain the login")
    elif len(set(password)) < 4:
        why = ("字符种类太少", "too few distinct characters")
    if why is not None:
        raise InvalidInput.of(WEAK, why_zh=why[0], why_en=why[1], min=MIN_LENGTH,
                              details={"field": "password"})


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (None: an unknown login, checked against
    a dummy hash so that it takes as long)."""
    try:
        return HASHER.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)
