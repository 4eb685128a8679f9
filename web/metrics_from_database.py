"""The figures /metrics reads from the database at each scrape (services/monitoring.py):
the same on every worker and every server, so they are never summed across workers."""

import calendar
import logging

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from models import db
from services import monitoring

log = logging.getLogger("tameen.metrics")


class DatabaseCollector:
    def collect(self):
        up = GaugeMetricFamily("tameen_database_up", "1 when the database answered this scrape.")
        try:
            with db.connection_context():
                families = list(self._from_database())
        except Exception:  # any driver error: the scrape still answers, and says so
            log.warning("metrics: the database did not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _from_database(self):
        payments = GaugeMetricFamily(
            "tameen_payments", "Payments (tries at paying) by state.", labels=["state"]
        )
        for state, number in monitoring.payments_by_state().items():
            payments.add_metric([state], number)
        yield payments

        yield GaugeMetricFamily(
            "tameen_payment_oldest_awaiting_seconds",
            "Age of the oldest payment still awaiting its result (0 when none).",
            value=monitoring.oldest_awaiting_payment_age(),
        )

        outbox = GaugeMetricFamily(
            "tameen_sms_outbox_messages", "SMS messages in the outbox table by state.", labels=["state"]
        )
        for state, number in monitoring.sms_outbox().items():
            outbox.add_metric([state], number)
        yield outbox

        yield CounterMetricFamily(
            "tameen_reminders_sent", "Renewal reminders sent, ever.", value=monitoring.reminders_sent()
        )

        yield GaugeMetricFamily(
            "tameen_schema_migrations_pending",
            "Migrations on file the database has not recorded (tameen.pyz migrate applies them).",
            value=len(monitoring.pending_migrations()),
        )

        jobs = GaugeMetricFamily(
            "tameen_job_last_success_timestamp_seconds",
            "When each scheduled job last succeeded (Unix time).",
            labels=["job"],
        )
        for name, at in sorted(monitoring.job_last_successes().items()):
            jobs.add_metric([name], calendar.timegm(at.timetuple()) + at.microsecond / 1e6)
        yield jobs
