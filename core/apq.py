"""Automatic persisted queries (the Apollo convention) and an optional allowlist of operations.

A client sends `extensions.persistedQuery.sha256Hash` without the query; if this process
knows the hash it runs the query, otherwise it answers PERSISTED_QUERY_NOT_FOUND and the
client sends hash and query together once, which registers it once it has parsed, validated
and started to run (so nobody can fill the cache with junk). Each process keeps its own
cache, bounded by entries and by bytes, so a miss on another process costs one retry and
nothing else.

With PERSISTED_QUERIES_ONLY, only the documents of the manifest (JSON {sha256: query}) run.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData

CACHE_SIZE = 5000
CACHE_BYTES = 8 * 1024 * 1024
VERSION = 1  # Apollo's protocol version, the only one there is


class PersistedQueryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error = GraphQLError(message, extensions={"code": code})


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def _wanted_hash(data: GraphQLRequestData) -> str | None:
    """The hash asked for; raises PersistedQueryError for a protocol version other than 1 (when one is given)."""
    persisted = (data.extensions or {}).get("persistedQuery")
    if not isinstance(persisted, dict):
        return None
    version = persisted.get("version", VERSION)
    if version != VERSION or isinstance(version, bool):
        message = f"Only persisted query version {VERSION} is supported."
        raise PersistedQueryError("PERSISTED_QUERY_NOT_SUPPORTED", message)
    wanted = persisted.get("sha256Hash")
    return wanted if isinstance(wanted, str) else None


class PersistedQueries:
    def __init__(self, manifest_file: str = "", only_known: bool = False) -> None:
        self.only_known = only_known
        self.known: dict[str, str] = json.loads(Path(manifest_file).read_text()) if manifest_file else {}
        self.cache: OrderedDict[str, str] = OrderedDict()
        self.cached_bytes = 0

    def allows(self, query: str | None) -> bool:
        """May this document run (PERSISTED_QUERIES_ONLY: only the manifest's)? Both transports ask."""
        return not self.only_known or (query is not None and sha256(query) in self.known)

    def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """The request with its query filled in from its hash; raises PersistedQueryError."""
        wanted = _wanted_hash(data)
        if data.query is not None:
            if wanted is not None and wanted != sha256(data.query):
                raise PersistedQueryError("PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query")
            if not self.allows(data.query):
                raise PersistedQueryError("PERSISTED_QUERY_NOT_ALLOWED", "Only known operations are accepted.")
            return data
        if wanted is None:
            return data
        query = self.known.get(wanted) or (None if self.only_known else self.cache.get(wanted))
        if query is None:
            code = "PERSISTED_QUERY_NOT_ALLOWED" if self.only_known else "PERSISTED_QUERY_NOT_FOUND"
            raise PersistedQueryError(code, "PersistedQueryNotFound")
        if wanted in self.cache:
            self.cache.move_to_end(wanted)
        return replace(data, query=query)

    def remember(self, data: GraphQLRequestData) -> None:
        """Register a request that sent its query with its hash (already checked by `resolve`); call it only
        once the query has parsed, validated and run. The oldest entries make room."""
        wanted = _wanted_hash(data)
        if data.query is None or wanted is None or self.only_known or wanted in self.cache:
            return
        self.cache[wanted] = data.query
        self.cached_bytes += len(data.query.encode())
        while len(self.cache) > CACHE_SIZE or self.cached_bytes > CACHE_BYTES:
            _, dropped = self.cache.popitem(last=False)
            self.cached_bytes -= len(dropped.encode())
