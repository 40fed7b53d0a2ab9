"""Faults only a container can give truthfully (disk full, host killed, host paused): docker backend.

Each step takes the host from the site and needs it to be a container (``ContainerFaults``); on another
backend it skips with the reason (the ``@docker_only`` tag normally skips the scenario before that).
"""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

from oedr.harness.backends.base import ContainerFaults
from oedr.harness.checked import reads_last_command
from oedr.harness.site import Site, StepFailure
from oedr.harness.workload import CommitLoop
from oedr.steps.parse_types import EXTRA_TYPES as TYPES


def _container(site: Site, name: str) -> ContainerFaults:
    """The named host, which must be a container; skip the scenario otherwise."""
    host = site.host(name)
    if not isinstance(host, ContainerFaults):
        pytest.skip(f"this fault needs a container host; {name} runs on the {host.backend_name} backend")
    return host


@given(parsers.parse("{host:Machine}'s disk has only {free:d} KB free", extra_types=TYPES))
@when(parsers.parse("{host:Machine}'s disk has only {free:d} KB free", extra_types=TYPES))
def disk_nearly_full(site: Site, host: str, free: int) -> None:
    """The host's database directory becomes a tmpfs holding its files with only that much room left."""
    _container(site, host).limit_disk(free)


@then(parsers.parse("{host:Machine}'s disk is full", extra_types=TYPES))
def disk_is_full(site: Site, host: str) -> None:
    """Less than one 16 KB write fits on the host's database directory (df)."""
    free = _container(site, host).free_kb()
    if free >= 16:
        raise StepFailure(f"{host}'s disk still has {free} KB free")


@when(
    parsers.parse('clients keep committing to "{db:Name}" on {host:Machine}', extra_types=TYPES),
    target_fixture="clients",
)
def clients_keep_committing(site: Site, db: str, host: str) -> CommitLoop:
    """Client sessions one after another, 10 transactions each, until stopped; acknowledged ones are kept."""
    records, _digest = site.digest(host, db)
    _container(site, host)
    return CommitLoop(site.host(host), db, baseline=records).start()


@when(parsers.parse("{host:Machine} is killed once {count:d} transactions are acknowledged", extra_types=TYPES))
def killed_mid_load(site: Site, clients: CommitLoop, host: str, count: int) -> None:
    """docker kill while the clients commit: every process of the host dies at once, as in a power cut."""
    clients.wait_for(count)
    _container(site, host).kill()
    clients.stop()


@when(parsers.parse("{host:Machine} is paused once {count:d} transactions are acknowledged", extra_types=TYPES))
def paused_mid_load(site: Site, clients: CommitLoop, host: str, count: int) -> None:
    """docker pause while the clients commit: the host freezes, clients and broker included."""
    clients.wait_for(count)
    _container(site, host).pause()


@when(parsers.parse("the clients stop once {more:d} more transactions are acknowledged"))
def clients_stop_after(clients: CommitLoop, more: int) -> None:
    """Let the clients carry on until that many more transactions are acknowledged, then stop them."""
    clients.wait_for(len(clients.acknowledged) + more)
    clients.stop()


@when(parsers.parse("{host:Machine} is killed", extra_types=TYPES))
def killed(site: Site, host: str) -> None:
    """docker kill: the host loses power; its disk keeps what was written."""
    _container(site, host).kill()


@when(parsers.parse("{host:Machine} is started again", extra_types=TYPES))
def started_again(site: Site, host: str) -> None:
    """The killed host boots again: same disk and host name, no process running, shared memory empty."""
    _container(site, host).start_again()


@when(parsers.parse("{host:Machine} is paused", extra_types=TYPES))
def paused(site: Site, host: str) -> None:
    """docker pause: every process of the host freezes."""
    _container(site, host).pause()


@when(parsers.parse("{host:Machine} is resumed", extra_types=TYPES))
def resumed(site: Site, host: str) -> None:
    """docker unpause: the frozen processes carry on."""
    _container(site, host).resume()


@then(parsers.parse("{host:Machine} does not answer", extra_types=TYPES))
@reads_last_command
def does_not_answer(site: Site, host: str) -> None:
    """The last command could not run there: exit status 255, as ssh gives for a host that is down."""
    _container(site, host)
    site.expect_unreachable(host)


@then(
    parsers.parse('every transaction the clients saw committed is in "{db:Name}" on {host:Machine}', extra_types=TYPES)
)
def nothing_acknowledged_lost(site: Site, clients: CommitLoop, db: str, host: str) -> None:
    """Records up to the last acknowledged transaction = those before the clients + every acknowledged one."""
    clients.stop()
    records, _digest = site.digest(host, db, upto=clients.last_trid)
    if not clients.acknowledged or records != clients.expected_records:
        raise StepFailure(
            f"{db} on {host} holds {records} records up to transaction {clients.last_trid}; "
            f"{clients.baseline} were there before and {len(clients.acknowledged)} were acknowledged"
        )
