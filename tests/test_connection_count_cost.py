"""A connection's totalCount is an index count: the mail archive's (its bodies and all) is never read to count it.
COUNT("id") made PostgreSQL fetch every row of the account's archive (a sequential scan of the whole table at the
soak's volume: 21-39 ms a dashboard after ten minutes, issue 25); COUNT(*) is answered from the account_id index."""

from __future__ import annotations

from tests.helpers import statements
from tests.test_query_count import DASHBOARD
from tests.test_worker_poll_cost import plan


async def test_the_mail_count_reads_only_the_index(client, holder, factory, runtime) -> None:
    service = await factory.service(holder, "Hosting Pyme")
    for _ in range(3):
        await factory.service_mail(holder, service)
    with statements() as seen:
        mail = (await client.data(DASHBOARD))["viewer"]["account"]["mail"]
    assert mail["totalCount"] == 3
    [(sql, values)] = [(sql, values) for sql, values in seen if 'FROM "mail_message"' in sql]
    steps = await plan(sql, values, runtime.settings.dialect)
    if runtime.settings.dialect == "sqlite":
        assert any("COVERING INDEX" in step for step in steps), steps
    else:
        assert any("Index Only Scan" in step and "mail_message" in step for step in steps), steps
