"""The dashboard's page of the mail archive is read in an index's order, newest first: never every message of the
account (bodies and all) and a sort. With statistics gone stale (the soak's server runs without autovacuum) the
plan did exactly that, and each dashboard cost more as the archive grew (issue 25)."""

from __future__ import annotations

from tests.helpers import statements
from tests.test_query_count import DASHBOARD
from tests.test_worker_poll_cost import plan


async def test_the_mail_page_is_read_in_index_order(client, holder, factory, runtime) -> None:
    service = await factory.service(holder, "Hosting Pyme")
    for _ in range(3):
        await factory.service_mail(holder, service)
    with statements() as seen:
        mail = (await client.data(DASHBOARD))["viewer"]["account"]["mail"]
    assert [edge["node"]["service"]["name"] for edge in mail["edges"]] == ["Hosting Pyme"] * 3
    [(sql, values)] = [(sql, values) for sql, values in seen if 'FROM "mail_message"' in sql]
    steps = await plan(sql, values, runtime.settings.dialect)
    if runtime.settings.dialect == "sqlite":
        assert not any("TEMP B-TREE FOR ORDER BY" in step for step in steps), steps
    else:
        assert not any("Sort" in step for step in steps), steps
        assert any("Index Scan Backward using idx_mail_messag_account" in step for step in steps), steps
