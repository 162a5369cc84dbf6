"""The limits' Redis going down: each limit fails closed (SERVICE_UNAVAILABLE, never a 500) or open, as decided
(docs/operations.md, Failure modes), and /readyz says so. The Redis is the test's own, started and stopped here."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

from core.ratelimit import RateLimiter
from core.runtime import Runtime
from models.enums import StaffScope
from tests.helpers import PASSWORD
from tests.test_api_tokens import bearer, create
from tests.test_staff_support import PIN, set_pin

SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code message } } }"
RECOVERY = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
PASSKEY_START = "mutation { passkeySignInStart { options errors { code } } }"
STRENGTH = 'query { passwordStrength(password: "Yerba-Guayaba-Cordillera-88") { score } }'
SPANISH = {"accept-language": "es"}

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


class OwnRedis:
    """A redis-server on a free port with nothing saved, which the test stops and starts again."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="h12-redis-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", self.dir]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnRedis]:
    """The app's (and the staff API's) limits counted in the test's own Redis, running."""
    own = OwnRedis()
    own.start()
    monkeypatch.setattr(runtime, "limiter", RateLimiter(own.url))
    try:
        yield own
    finally:
        own.stop()
        shutil.rmtree(own.dir, ignore_errors=True)


def top_level_codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_readiness_follows_the_limits_redis(client, redis) -> None:
    assert (await client.http.get("/readyz")).json() == {"status": "ready"}
    redis.stop()
    down = await client.http.get("/readyz")
    assert down.status_code == 503
    assert down.json() == {"status": "unavailable", "unreachable": ["rate-limit storage"]}
    assert str(redis.port) not in down.text
    redis.start()
    assert (await client.http.get("/readyz")).status_code == 200


async def test_sign_in_fails_closed_with_a_clear_error_then_works_again(client, factory, redis) -> None:
    account = await factory.account()
    redis.stop()
    response = await client.post(
        SIGN_IN, {"i": {"login": account.client_number, "password": PASSWORD}}, headers=SPANISH
    )
    assert response.status_code == 200
    body = response.json()
    assert top_level_codes(body) == ["SERVICE_UNAVAILABLE"]
    assert body["errors"][0]["message"].startswith("El servicio no está disponible")
    assert not response.cookies, "no session was opened"
    wrong = await client(SIGN_IN, {"i": {"login": account.client_number, "password": "otra-clave-cualquiera"}})
    assert top_level_codes(wrong) == ["SERVICE_UNAVAILABLE"], "a wrong password is not let through unlimited"
    redis.start()
    await client.sign_in(account.client_number)


async def test_recovery_passkeys_and_pin_checks_fail_closed(client, factory, staff, runtime, redis) -> None:
    account = await factory.account(email="titular@example.net")
    await set_pin(runtime, account, "2580")
    support = await staff(StaffScope.SUPPORT)
    redis.stop()
    asked = await client(RECOVERY, {"i": {"method": "PRIMARY_EMAIL", "value": "titular@example.net"}})
    assert top_level_codes(asked) == ["SERVICE_UNAVAILABLE"]
    assert top_level_codes(await client(PASSKEY_START)) == ["SERVICE_UNAVAILABLE"]
    pin = await support(PIN, {"i": {"clientNumber": account.client_number, "pin": "2580"}})
    assert top_level_codes(pin) == ["SERVICE_UNAVAILABLE"], "the staff request itself passes; the PIN check does not"


async def test_the_strength_meter_and_token_requests_fail_open(client, factory, redis) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    token = (await create(client))["token"]
    redis.stop()
    assert (await client.data(STRENGTH))["passwordStrength"]["score"] >= 3
    response = await client.post("{ viewer { account { clientNumber } } }", headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"]["account"]["clientNumber"] == account.client_number


async def test_one_click_unsubscribe_is_503_not_500(client, redis) -> None:
    redis.stop()
    response = await client.http.post(
        "/baja-avisos",
        params={"token": "x" * 40},
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
