"""The push worker's tasks: deliver an endpoint's outbox (queued after the commit that wrote
events, push.outbox) and, every minute, every endpoint with events due (retries, and anything a
lost hand-over left behind). Both read and write through sessions of their own (push.delivery)."""
import logging

from huey import crontab

from core.db import utcnow
from core.queue import periodic_task, task
from push import delivery

log = logging.getLogger(__name__)


@task()
def deliver(endpoint_id: int) -> dict:
    """Send endpoint ``endpoint_id``'s due events; returns the counts (push.delivery.deliver_endpoint)."""
    counts = delivery.deliver_endpoint(endpoint_id)
    if counts["failed"]:
        log.warning("push: endpoint %s: %s delivered, %s failed (will retry)", endpoint_id,
                    counts["delivered"], counts["failed"])
    return counts


@periodic_task(crontab(minute="*"))
def deliver_due() -> None:
    """Every minute: each endpoint with an event due gets its delivery run."""
    for endpoint_id in delivery.endpoints_with_due_events(utcnow()):
        deliver(endpoint_id)
