"""The published catalogue in memory, and the on_search answer built from it without any I/O."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from catalog.engagement_wire import item_terms_tag, item_time
from catalog.fragments import (
    PAYMENT_ON,
    PAYMENT_PRE,
    CategoryImage,
    bookable_range,
    item_fragment,
    provider_fragment,
    provider_time,
    serviceability_tag,
    with_bookable_range,
)
from catalog.fuzzy import MATCH_THRESHOLD, similarity, tokens
from catalog.model import FULFILLMENT_ID, FULFILLMENT_TYPE, Provider, ServiceItem
from catalog.schedule import first_start_within
from catalog.search_intent import SearchIntent
from catalog.taxonomy import CATEGORIES, Category, category_matches

Coverage = Callable[[float, float, float], set[str]]
_NAME_CACHE_LIMIT: Final = 2048
_CATALOG_DESCRIPTOR: Final = {
    "name": "Seva Mitra / सेवा मित्र",
    "short_desc": "Police-verified home services at fixed fees, Uttar Pradesh (helpline 155330)",
    "long_desc": "उत्तर प्रदेश की सेवा मित्र: तय शुल्क पर पुलिस-सत्यापित घरेलू सेवाएँ (हेल्पलाइन 155330)",
}


@dataclass(frozen=True, slots=True)
class _Entry:
    item: ServiceItem
    category: Category
    fragment: dict[str, Any]
    name_tokens: tuple[str, ...]


class CatalogSnapshot:
    """An immutable view of the published items; `version` is the `sm:catalog:version` it was built at."""

    def __init__(
        self,
        providers: Iterable[Provider],
        items: Iterable[ServiceItem],
        *,
        version: int = 0,
        category_image: CategoryImage | None = None,
    ) -> None:
        self.version = version
        self.providers: Mapping[str, Provider] = {provider.id: provider for provider in providers}
        self._entries: dict[str, list[_Entry]] = {provider_id: [] for provider_id in self.providers}
        self._provider_fragments = {pid: provider_fragment(p) for pid, p in self.providers.items()}
        self._service_tags: dict[tuple[str, str], dict[str, Any]] = {}
        for item in items:
            provider = self.providers.get(item.provider_id)
            category = CATEGORIES.get(item.category_id)
            if not item.published or provider is None or category is None:
                continue
            names = (item.name_en, item.name_hi, category.name_en, category.name_hi or "")
            entry = _Entry(
                item,
                category,
                _offer_fragment(item, provider, category_image),
                tuple(w for n in names for w in tokens(n)),
            )
            self._entries[provider.id].append(entry)
            self._service_tags[(provider.id, category.code)] = serviceability_tag(provider, [category.code])[
                0
            ]
        # the items booked as one visit (every channel books these; engagement items only over ONDC)
        self.items: Mapping[str, ServiceItem] = {
            entry.item.id: entry.item for entries in self._entries.values() for entry in entries
            if entry.item.engagement is None
        }
        self._name_cache: dict[tuple[str, str], bool] = {}

    def search(
        self, intent: SearchIntent, *, domain: str, city: str, now: datetime, coverage: Coverage | None
    ) -> dict[str, Any] | None:
        """The on_search `message` for `intent`, or None when nothing can be offered."""
        if intent.fulfillment_type not in (None, FULFILLMENT_TYPE):
            return None
        providers = []
        for provider_id, entries in self._entries.items():
            provider = self.providers[provider_id]
            if provider.city != city:
                continue
            covered = self._covered(intent, provider, coverage)
            matched = [entry for entry in entries if self._matches(entry, intent, domain, covered, now)]
            if matched:
                providers.append(self._provider_answer(provider, matched, now))
        if not providers:
            return None
        return {
            "catalog": {
                "descriptor": _CATALOG_DESCRIPTOR,
                "fulfillments": [{"id": FULFILLMENT_ID, "type": FULFILLMENT_TYPE}],
                "payments": [PAYMENT_PRE, PAYMENT_ON],
                "providers": providers,
            }
        }

    def find(self, query: str, *, providers: Collection[str] | None = None, limit: int = 10) -> list[ServiceItem]:
        """The published items a person's words name (Hindi or English, misspelt a little), best match first;
        only those of `providers` when given (e.g. the district of the caller's pincode)."""
        words = tokens(query)
        if not words:
            return []
        scored = [
            (score, entry.item)
            for provider_id, entries in self._entries.items()
            if providers is None or provider_id in providers
            for entry in entries
            if entry.item.engagement is None  # the assisted channels book one visit
            and (score := similarity(words, entry.name_tokens)) >= MATCH_THRESHOLD
        ]
        scored.sort(key=lambda match: (-match[0], match[1].name_en))
        return [item for _, item in scored[:limit]]

    @staticmethod
    def _covered(intent: SearchIntent, provider: Provider, coverage: Coverage | None) -> set[str] | None:
        """Categories a verified worker can serve at the customer's place; None when no place given."""
        if intent.gps is None or coverage is None:
            return None
        return coverage(intent.gps[0], intent.gps[1], float(provider.serviceability_km))

    def _matches(
        self, entry: _Entry, intent: SearchIntent, domain: str, covered: set[str] | None, now: datetime
    ) -> bool:
        if entry.category.domain != domain:
            return False
        if intent.category_id and not category_matches(intent.category_id, entry.category):
            return False
        if covered is not None and entry.category.code not in covered:
            return False
        if intent.item_name and not self._name_matches(entry, intent.item_name):
            return False
        if intent.slot is not None:
            item = entry.item
            start, end = intent.slot
            return (
                first_start_within(item.availability, item.duration_minutes, start, end, now=now) is not None
            )
        return True

    def _name_matches(self, entry: _Entry, query: str) -> bool:
        key = (entry.item.id, query)
        cached = self._name_cache.get(key)
        if cached is None:
            cached = similarity(tokens(query), entry.name_tokens) >= MATCH_THRESHOLD
            if len(self._name_cache) >= _NAME_CACHE_LIMIT:
                self._name_cache.clear()
            self._name_cache[key] = cached
        return cached

    def _provider_answer(self, provider: Provider, matched: list[_Entry], now: datetime) -> dict[str, Any]:
        categories = dict.fromkeys(entry.category.code for entry in matched)
        bookable = bookable_range(now)
        return {
            **self._provider_fragments[provider.id],
            "time": provider_time([entry.item.availability for entry in matched], now),
            "tags": [self._service_tags[(provider.id, code)] for code in categories],
            "items": [with_bookable_range(entry.fragment, bookable) for entry in matched],
        }


def _offer_fragment(item: ServiceItem, provider: Provider, category_image: CategoryImage | None) -> dict[str, Any]:
    """The on_search item; an engagement item's `time` is its schedule and its terms are the `engagement` tag group
    (docs/engagements.md section 5)."""
    fragment = item_fragment(item, provider, category_image)
    if item.engagement is not None:
        fragment["time"] = item_time(item, item.engagement)
        fragment["tags"] = [*fragment["tags"], item_terms_tag(item, item.engagement)]
    return fragment
