"""The demo registry: bad bodies get a 4xx, and only the demo's own simulator may add or replace a record."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from harness import RunningServer

from bpp.demo.registry import TOKEN_HEADER, DemoRegistry, read_published_token
from bpp.simulator.buyer import BuyerApp

NOT_JSON = b"{not json"


@pytest.mark.parametrize("body", [NOT_JSON, b"[1, 2]", b'"text"', b'{"subscriber_id": ["a"]}', b'{"ukId": 7}'])
async def test_a_bad_lookup_answers_400(server: RunningServer, body: bytes) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        answer = await http.post("/lookup", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text


@pytest.mark.parametrize("body", [NOT_JSON, b"[]", b"{}", b'{"message": {"entity": [], "network_participant": []}}',
                                  b'{"message": {"entity": {"subscriber_id": 1, "unique_key_id": "k", "key_pair": '
                                  b'{"signing_public_key": "x", "encryption_public_key": "y"}}, '
                                  b'"network_participant": [{"subscriber_url": "http://x"}]}}'])
async def test_a_bad_subscribe_answers_400(server: RunningServer, body: bytes) -> None:
    token = server.app.state.demo_registry.subscribe_token
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        answer = await http.post("/subscribe", content=body,
                                 headers={"Content-Type": "application/json", TOKEN_HEADER: token})
    assert answer.status_code == 400, answer.text


async def test_only_a_holder_of_the_token_replaces_a_record(server: RunningServer) -> None:
    """Without the token a local process could put its own key on our subscriber id and sign as us."""
    ours = {"subscriber_id": server.services.settings.subscriber_id,
            "ukId": server.services.settings.unique_key_id}
    stranger = BuyerApp(registry_url=server.base_url, subscriber_id=ours["subscriber_id"],
                        unique_key_id=ours["ukId"])
    for token in (None, "guessed"):
        stranger.registry_token = token
        with pytest.raises(httpx.HTTPStatusError) as refused:
            await stranger.start()
        await stranger.stop()
        assert refused.value.response.status_code == 403
        assert "demo-registry-token" in refused.value.response.text
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        [record] = (await http.post("/lookup", json=ours)).json()
    assert record["signing_public_key"] == server.services.keys.signing_public_key


def test_the_token_is_published_for_this_user_only(tmp_path: Path) -> None:
    registry, path = DemoRegistry(), tmp_path / "var" / "demo-registry-token"
    path.parent.mkdir()
    path.write_text("an older run's token")
    path.chmod(0o644)
    registry.publish_token(path)
    assert read_published_token(path) == registry.subscribe_token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_published_token(tmp_path / "missing") is None
