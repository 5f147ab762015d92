"""Django's Redis cache, keeping one Redis client per connection pool.

Django's RedisCacheClient makes a new `redis.Redis` for every cache call, and redis-py builds each client's
table of ~170 response callbacks as it does: ~0.1 ms of CPU per call, several calls per page (the content
version, the kept parts; common/page_cache.py). A client holds nothing but its pool (the connections are the
pool's, taken per command), so one per pool serves every call; Django keeps a cache backend per thread."""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
