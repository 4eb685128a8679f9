"""Admins only: the fee schedules on file, the active one first."""

from flask import render_template

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
    return render_template("desk/schedules.html", active=active, others=others)
