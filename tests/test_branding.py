"""The provider's brand comes from one file (BRANDING_FILE): the API shows it to anyone, start-up checks it."""

from __future__ import annotations

PROVIDER = """{ provider { name timeZone logoUrl colours { primary onPrimary accent }
  supportEmail supportPhone supportHours legalFooter
  links { changeHolderUrl billingUrl paymentsUrl couponsUrl ticketsUrl plansUrl } } }"""


async def test_the_provider_is_public_and_comes_from_the_branding_file(client) -> None:
    provider = (await client.data(PROVIDER))["provider"]
    assert provider["name"] == "Hosting Demo"
    assert provider["timeZone"] == "America/Argentina/Buenos_Aires"
    assert provider["colours"] == {"primary": "#1f4e79", "onPrimary": "#ffffff", "accent": "#0b5cad"}
    assert provider["links"]["changeHolderUrl"].startswith("https://")
    assert "ficticia" in provider["legalFooter"]
