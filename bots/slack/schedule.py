"""The running bot's timetable: reminders and the weekly digest on cron schedules (APScheduler).

The jobs do what ``aims remind`` and ``aims digest`` do, and the graph records what was sent, so a bot
and a cron job side by side, or a restart, do not send anything twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.slack.config import SlackConfig
from bots.slack.digest import send_digest
from bots.slack.reminders import send_reminders
from graph.store import Store

logger = logging.getLogger("aims.slack")
# A run missed by up to an hour (the machine slept, the bot restarted) still happens, once.
MISFIRE_GRACE = 3600


def trigger(setting: str, crontab: str) -> CronTrigger:
    """A cron trigger for a crontab line (``minute hour day month weekday``).

    Raises:
        ValueError: the line is not a crontab expression; the message names the setting.
    """
    try:
        return CronTrigger.from_crontab(crontab)
    except ValueError as exc:
        problem = f"{crontab!r} is not a crontab line (minute hour day month weekday): {exc}"
        raise ValueError(f"{setting}: {problem}") from None


def check_schedules(config: SlackConfig) -> None:
    """Refuse a schedule that is not a crontab line, before anything starts.

    Raises:
        ValueError: the first bad schedule, named by its setting.
    """
    if config.reminder_schedule:
        trigger("AIMS_REMINDER_SCHEDULE", config.reminder_schedule)
    if config.digest_schedule:
        trigger("AIMS_DIGEST_SCHEDULE", config.digest_schedule)


def start_schedule(config: SlackConfig, client: WebClient, store: Store) -> BackgroundScheduler | None:
    """Start the scheduled reminders and digest that ``config`` turns on; None when both are off.

    The digest needs ``AIMS_DIGEST_CHANNEL`` as well as its schedule. Check the schedules first
    (``check_schedules``): a bad one raises ``ValueError`` here too.
    """
    jobs = []
    if config.reminder_schedule:
        jobs.append(("reminders", trigger("AIMS_REMINDER_SCHEDULE", config.reminder_schedule), _reminders))
    if config.digest_schedule and config.digest_channel:
        jobs.append(("digest", trigger("AIMS_DIGEST_SCHEDULE", config.digest_schedule), _digest))
    if not jobs:
        return None
    scheduler = BackgroundScheduler(daemon=True)
    for name, when, job in jobs:
        scheduler.add_job(
            job,
            when,
            args=(config, client, store),
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE,
        )
    scheduler.start()
    for job in scheduler.get_jobs():
        logger.info("scheduled %s: next at %s", job.name, job.next_run_time)
    return scheduler


def _reminders(config: SlackConfig, client: WebClient, store: Store) -> None:
    try:
        sent = send_reminders(
            client,
            store,
            today=dt.date.today(),
            within_days=config.remind_days,
            compliance_channel=config.compliance_channel,
        )
    except Exception:  # a failed run is logged; the next one tries again, and nothing sent is lost
        logger.exception("scheduled reminders failed")
        return
    for delivery in sent:
        logger.info("reminder: %s", delivery.describe(dry_run=False))


def _digest(config: SlackConfig, client: WebClient, store: Store) -> None:
    try:
        run = send_digest(
            client,
            store,
            today=dt.date.today(),
            channel=config.digest_channel,
            within_days=config.remind_days,
        )
    except SlackApiError as exc:
        logger.error("scheduled digest to %s refused: %s", config.digest_channel, exc.response.get("error"))
        return
    except Exception:
        logger.exception("scheduled digest failed")
        return
    logger.info("digest of %s to %s: %s", run.week, run.channel, run.status)
