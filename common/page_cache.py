"""Whole public pages for anonymous visitors, kept in the default cache (Redis in production).

`cached_page` wraps a public view. An anonymous GET or HEAD is answered from the cache when the page was
rendered since public content last changed; otherwise the view renders it and the answer is stored. The key
is the page's language, its address (scheme, host, path) and its query string (parameters sorted; all of it
hashed, so that a long or hostile query makes a key of the same size), and the content version.

**How a change shows at once.** One version stands for all public content. It changes (`bump()`, after the
transaction commits) whenever a row of a public app is saved or deleted: a receiver of Django's model
signals (`connect()`, from common's AppConfig) catches the services, the workflow, the workspace, the admin,
the beat jobs and the demo alike, so that no writer can forget. The apps whose rows are public content are
PAGE_CACHE_APPS; PAGE_CACHE_IGNORED names their models no public page shows (the outbox, subscriptions…),
whose writes change nothing, and a row whose `shows_on_public_pages()` says False changes nothing either. The few
writes that bypass the signals — a queryset's `update()`, such as the workflow's state change
(consultations/fields.py) or publishing an announcement — call `bump(row)` themselves.
Pages that change with the clock alone (an intake window closing, "today") are kept PAGE_CACHE_SECONDS.

**Per council.** A write also changes the version of the council whose content the row is (`council_of`: the
row's `council_pk()` or `council_id`), or of every council when that is not known; values kept per council
(`remember_per_council`: the compliance matrix's verdicts) are keyed by these, so that a secretary's step has
one council's verdicts judged again, not three hundred. An edit of public content in the admin (its log entry,
`connect()`), which may move a row to another council (a member, a meeting), changes every council's.

**Never another visitor's page.** Signed-in visitors (secretaries, staff), a request with messages waiting,
a language switch carrying what was typed (common/language_switch.py) and any other method are neither
served from the cache nor stored; an answer that is not a 200, that sets a cookie or that used the CSRF
token (a form) is not stored. Pages with a form that posts (the proposal form, the subscription form) are
simply not wrapped.

**HTTP caches.** A page that may be stored gets an ETag (the hash of its key, version included) and
`Cache-Control: public, max-age=PAGE_CACHE_MAX_AGE`, and a matching If-None-Match is answered 304; every
other answer of a wrapped view gets `Cache-Control: private, no-cache`. All vary on Cookie (a signed-in
visitor's browser must not reuse an anonymous copy); the language is in the address.

PAGE_CACHE (on by default; the tests switch it off, except the cache's own) turns the pages off: the view is
called as if unwrapped. The values kept per version (`remember`: menus, counts) stay on while PAGE_CACHE_VALUES
is, so that a page rendered for its visitor (signed in, or not kept yet) still reuses them; the version is kept
up to date whenever either is on.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from contextvars import ContextVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import signals
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

from .language_switch import kept_input

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"
# Each council's version, changed with the content version by a write of its content (`bump`), and every council's,
# changed by a write whose council is not known: what is kept per council (`remember_per_council`) is keyed by both.
COUNCIL_VERSION_KEY = "page-cache:council-version:{}"
EVERY_COUNCIL_KEY = "page-cache:council-version:every"
KEY_PREFIX = "page-cache:page"


def enabled() -> bool:
    """Whole pages are kept."""
    return getattr(settings, "PAGE_CACHE", True)


def keeps_values() -> bool:
    """Values are kept per content version (`remember`) and per council (`remember_per_council`), and so the
    versions must follow every change."""
    return enabled() or getattr(settings, "PAGE_CACHE_VALUES", False)


# ---------------------------------------------------------------------------------------------------------
# The version


# The version as a public page's request first read it (`cached_page`), so that its many kept parts cost one
# read of it, not one each. Safe: what the request reads from the database afterwards is at least as new as that
# version, so what it keeps under it is never older than its key says.
_version_of_request: ContextVar[dict | None] = ContextVar("page_cache_version_of_request", default=None)


def version() -> str:
    """The current content version; a new one is made when the cache has none (first use, eviction, flush)."""
    memo = _version_of_request.get()
    if memo:
        return memo["version"]
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, str(time.time_ns()), timeout=None)
        current = cache.get(VERSION_KEY)
    if memo is not None:
        memo["version"] = str(current)
    return str(current)


def changed_at() -> float | None:
    """When public content last changed, as far as the cache knows (seconds since the epoch; the version is that
    moment in nanoseconds, or the moment the cache first had none): None when the version is not kept (neither
    PAGE_CACHE nor PAGE_CACHE_VALUES) or the cache does not answer."""
    if not keeps_values():
        return None
    try:
        return int(version()) / 1e9
    except Exception:
        logger.warning("The page cache could not be read", exc_info=True)
        return None


def _set_new_version(councils: set[int | None]) -> None:
    memo = _version_of_request.get()
    if memo is not None:
        memo.clear()  # this request changed content: it reads the new version
    new = str(time.time_ns())
    versions = {COUNCIL_VERSION_KEY.format(pk): new for pk in councils if pk is not None}
    if None in councils:
        versions[EVERY_COUNCIL_KEY] = new
    try:
        cache.set_many({VERSION_KEY: new, **versions}, timeout=None)
    except Exception:  # a cache outage: pages are not served from it either, and expire by themselves
        logger.warning("The page cache's version could not be changed", exc_info=True)


def bump(changed=None) -> None:
    """Public content changed: every cached page is stale once the current transaction commits (at once
    outside one), and so is what is kept of `changed`'s council (`remember_per_council`); of every council when
    `changed`, the row written, is not given or its council is not known (`council_of`: it may read the row's
    consultation or schedule, where not loaded). Cheap to call for every row a transaction writes: the versions
    change once per commit."""
    if not keeps_values():
        return
    council = council_of(changed)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _set_new_version({council})
        return
    # Kept on the connection until a commit writes them: a rolled-back transaction's are written with the next
    # commit's (a needless change, never a missed one).
    pending = getattr(connection, "page_cache_councils", None)
    if pending is None:
        pending = connection.page_cache_councils = set()
    pending.add(council)

    def committed():
        # The first of the transaction's callbacks changes the versions; the others find nothing to do.
        councils = getattr(connection, "page_cache_councils", None)
        if councils:
            connection.page_cache_councils = set()
            _set_new_version(councils)

    transaction.on_commit(committed)


def council_of(instance) -> int | None:
    """The id of the public council whose content `instance` is: its `council_pk()`, or its `council_id`; None when
    it has neither, or its council cannot be read (a row deleted with its council)."""
    if instance is None:
        return None
    try:
        if hasattr(instance, "council_pk"):
            return instance.council_pk()
        return getattr(instance, "council_id", None)
    except ObjectDoesNotExist:
        return None


def _content_changed(sender, **kwargs) -> None:
    if not keeps_values():
        return
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in settings.PAGE_CACHE_APPS:
        return
    if meta.label in settings.PAGE_CACHE_IGNORED:
        return
    # A row may say it shows on no public page yet: a proposal before its consultation's results are out, so
    # that a busy intake does not empty the cache with every submission.
    shows = getattr(kwargs.get("instance"), "shows_on_public_pages", None)
    if callable(shows) and not shows():
        return
    bump(kwargs.get("instance"))


def _edited_in_the_admin(sender, instance, **kwargs) -> None:
    """The admin may move a row to another council (a member or a meeting, which count in the quorums): the council
    it left is not known after the save, so each change it logs of public content changes every council's."""
    from django.contrib.contenttypes.models import ContentType  # page_cache is imported while models load

    model = ContentType.objects.get_for_id(instance.content_type_id).model_class() if instance.content_type_id else None
    meta = getattr(model, "_meta", None)
    if meta and meta.app_label in settings.PAGE_CACHE_APPS and meta.label not in settings.PAGE_CACHE_IGNORED:
        bump()


def connect() -> None:
    """Listen to every save and delete of the public apps' rows, and to the admin's log of its changes (called
    once, from common's AppConfig)."""
    for signal in (signals.post_save, signals.post_delete, signals.m2m_changed):
        signal.connect(_content_changed, dispatch_uid=f"page-cache-{id(signal)}")
    signals.post_save.connect(_edited_in_the_admin, sender="admin.LogEntry", dispatch_uid="page-cache-admin")


def remember(name: str, compute):
    """What `compute()` returns (something that pickles), computed once per content version and language and
    kept like the pages: the menus of regions and councils that many pages' forms show. Computed each time
    when neither PAGE_CACHE nor PAGE_CACHE_VALUES is on, or the cache does not answer."""
    if not keeps_values():
        return compute()
    try:
        key = f"page-cache:value:{name}:{get_language()}:{version()}"
        value = cache.get(key)
    except Exception:
        logger.warning("The page cache could not be read", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("The page cache could not be written", exc_info=True)
    return value


def remember_per_council(name: str, councils: list[int], compute, *, timeout: int, refresh: bool = False) -> dict:
    """{council id: value} for `councils`, each value kept until a write of that council's content (or of content
    whose council is not known) and at most `timeout` seconds: `compute(ids)` gives {id: value} of the councils
    whose value is not kept, those that changed since; the others are read in one round trip. `refresh`: every
    council's computed and kept again (a beat job's, so that a change whose version was lost — the cache down at
    its commit — shows within its interval). Values not tied to the language (the key does not name it). Computed
    each time, as `remember`, when values are not kept."""
    if not keeps_values():
        return compute(councils)
    try:
        version_keys = {pk: COUNCIL_VERSION_KEY.format(pk) for pk in councils}
        versions = cache.get_many([EVERY_COUNCIL_KEY, *version_keys.values()])
        for key in (EVERY_COUNCIL_KEY, *version_keys.values()):
            if key not in versions:  # never written, or evicted: a new version, never one a value was kept under
                fresh = str(time.time_ns())
                versions[key] = fresh if cache.add(key, fresh, timeout=None) else (cache.get(key) or fresh)
        every = versions[EVERY_COUNCIL_KEY]
        keys = {pk: f"page-cache:council-value:{name}:{pk}:{every}:{versions[key]}" for pk, key in version_keys.items()}
        kept = {} if refresh else cache.get_many(list(keys.values()))
    except Exception:
        logger.warning("The page cache could not be read", exc_info=True)
        return compute(councils)
    values = {pk: kept[key] for pk, key in keys.items() if key in kept}
    missing = [pk for pk in councils if pk not in values]
    if missing:
        computed = compute(missing)
        values.update(computed)
        try:
            cache.set_many({keys[pk]: value for pk, value in computed.items()}, timeout=timeout)
        except Exception:
            logger.warning("The page cache could not be written", exc_info=True)
    return values


def remember_for_query(name: str, request: HttpRequest, compute, *, ignoring: tuple[str, ...] = ()):
    """`remember`, once per query string too (less the parameters `ignoring`): a list's filters' form, the same
    on each of its pages. A language switch carrying what was typed (common/language_switch.py) is computed for
    itself: a form shows those values, not the query's."""
    if kept_input() is not None:
        return compute()
    return remember(query_name(name, request, ignoring=ignoring), compute)


def query_name(name: str, request: HttpRequest, *, ignoring: tuple[str, ...] = ()) -> str:
    """`name` and the request's query string (sorted and hashed, less the parameters `ignoring`): a name for
    `remember` of what the query decides, the same length whatever the address."""
    query = _sorted_query(request, ignoring)
    return f"{name}:{hashlib.sha256(query.encode('utf-8', 'surrogatepass')).hexdigest()}"


# ---------------------------------------------------------------------------------------------------------
# The pages


def page_key(request: HttpRequest, current_version: str) -> str:
    """Language, path, sorted query string and version, hashed: the same length whatever the address."""
    query = _sorted_query(request)
    raw = "\n".join([get_language() or "", request.scheme, request.get_host(), request.path, query, current_version])
    return f"{KEY_PREFIX}:{hashlib.sha256(raw.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _sorted_query(request: HttpRequest, ignoring: tuple[str, ...] = ()) -> str:
    return urlencode(
        sorted((name, value) for name in request.GET if name not in ignoring for value in request.GET.getlist(name))
    )


def _etag(key: str) -> str:
    return f'"{key.rsplit(":", 1)[-1][:32]}"'


def _may_use_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or kept_input() is not None:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not _messages_waiting(request)


def _messages_waiting(request: HttpRequest) -> bool:
    """Messages stored for the visitor's next page (read without marking them as shown)."""
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(storage._queued_messages or storage._loaded_messages)


def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The page asked for the CSRF token (a form that posts): its cookie goes to this visitor alone.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not _messages_waiting(request)
        and not response.has_header("Cache-Control")
    )


def _public(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
    patch_vary_headers(response, ("Cookie",))
    return response


def _private(response: HttpResponse) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def _not_modified(request: HttpRequest, etag: str) -> bool:
    wanted = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    # A proxy that compresses the page makes its ETag weak (W/"…"): the same page for If-None-Match.
    return "*" in wanted or etag in (tag.removeprefix("W/") for tag in wanted)


def cached_page(view):
    """Serve `view`'s page to anonymous visitors from the cache, as the module's docstring says."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _version_of_request.set({})
        try:
            return serve(request, *args, **kwargs)
        finally:
            _version_of_request.reset(token)

    def serve(request, *args, **kwargs):
        if not enabled():
            return view(request, *args, **kwargs)
        if not _may_use_cache(request):
            return _private(view(request, *args, **kwargs))
        try:
            key = page_key(request, version())
            stored = cache.get(key)
        except Exception:  # Redis down: render the page as if there were no cache
            logger.warning("The page cache could not be read", exc_info=True)
            return _private(view(request, *args, **kwargs))
        etag = _etag(key)
        if stored is not None:
            # Only a page that is kept answers 304: an address that gives a 404 or a form never does.
            if _not_modified(request, etag):
                return _public(HttpResponseNotModified(), etag)
            return _public(stored, etag)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response = response.render()
        if not _may_store(request, response):
            return _private(response)
        _public(response, etag)
        try:
            cache.set(key, response, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("The page cache could not be written", exc_info=True)
        return response

    return wrapper
