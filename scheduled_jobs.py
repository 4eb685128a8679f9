"""The scheduled commands (systemd timers) record when each last succeeded and failed
(models.JobRun), which /metrics shows: an alert fires when a job has not succeeded for
too long, whichever machine runs it and however it failed. A failed run also exits
non-zero, so systemd marks it failed and its OnFailure= unit tells someone."""

import functools

import click

import clock
import models


def recorded(name: str):
    """Record the command's outcome under `name`: success when it returns (or exits 0),
    failure when it raises or exits otherwise. A --dry-run is not a run."""

    def decorate(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            if kwargs.get("dry_run"):
                return command(*args, **kwargs)
            try:
                result = command(*args, **kwargs)
            except SystemExit as stop:
                _record(name, succeeded=stop.code in (None, 0))
                raise
            except BaseException:
                _record(name, succeeded=False)
                raise
            _record(name, succeeded=True)
            return result

        return run

    return decorate


def _record(name: str, succeeded: bool) -> None:
    try:
        with models.db.connection_context():
            (models.JobRun.succeeded if succeeded else models.JobRun.failed)(name, clock.now())
    except Exception as problem:  # the job's own outcome stands; the alert on its age fires
        outcome = "succeeded" if succeeded else "failed"
        click.echo(f"Warning: could not record that {name} {outcome}: {problem}", err=True)
