"""Admins only: the fee schedules on file, the active one first."""

from flask import render_template

import clock
from domain.fee_schedule import started_but_not_in_force
from views.desk.blueprints import desk_admin as bp
from web.fee_schedules import active_schedule, all_schedules
from web.staff_session import admin_required


@bp.get("/schedules")
@admin_required
def schedules():
    active = active_schedule()
    others = [
        schedule for schedule_id, schedule in sorted(all_schedules().items()) if schedule_id != active.id
    ]
    started = started_but_not_in_force(others, active, clock.today_in_kuwait())
    return render_template(
        "desk/schedules.html", active=active, others=others, in_force=active, started=started
    )
