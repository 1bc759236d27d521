"""The shared cache: django-redis, told what "add" means when Redis is away.

With IGNORE_EXCEPTIONS (settings.CACHES), django-redis answers a read as a miss and a write as
None while Redis cannot be reached, so the site keeps serving from PostgreSQL. `add` is the
one call whose "None" misleads: every caller uses it to take a lock or start a counter, and
reads None as "someone else holds it". With the cache away nobody can hold anything, so this
backend answers True, as if the lock were taken. For allauth's rate limits (sign-in, sign-up,
password reset) that is the difference between refusing everyone with "Too many attempts"
until Redis returns and letting people sign in without a limit for those minutes; the
portal's own limits (luton2040/ratelimit.py) and the directory's single-flight locks behave
the same way. docs/reliability.md, "Faults", records the choice.
"""

from __future__ import annotations

from typing import Any

from django_redis.cache import RedisCache, omit_exception


class PortalRedisCache(RedisCache):
    @omit_exception(return_value=True)
    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self.client.add(*args, **kwargs)
