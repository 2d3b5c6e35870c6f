"""`flask --app ivr call`: a simulated call printed as the caller hears it."""

from __future__ import annotations

import sqlalchemy as sa

from ivr.calllog.schema import calls


def count_calls(app) -> int:
    engine = sa.create_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(calls)).scalar()
    finally:
        engine.dispose()


def test_the_simulator_prints_the_call_and_leaves_the_log_alone(make_app):
    app = make_app(IVR_ALLOW_UNSIGNED=False)
    result = app.test_cli_runner().invoke(args=["call", "--at", "2026-11-24 12:45",
                                                "--keys", "1,4,4"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Call to +815000000000 on Tue 2026-11-24 12:45 (Japan), keys: 1,4,4"
    assert "  [en-US] It is closed for the lunch break." in lines
    assert lines[-8] == ("  [en-US] The number of IOM Tokyo is: "
                         "0, 3. 3, 5, 9, 5. 2, 4, 8, 7.")
    assert lines[-1] == "  (the caller hangs up)"
    assert count_calls(app) == 0


def test_with_log_the_simulated_call_is_recorded(make_app):
    app = make_app()
    log = app.extensions["calllog"]
    result = app.test_cli_runner().invoke(args=["call", "--at", "2026-11-28 23:30",
                                                "--keys", "1,1", "--dial", "busy", "--log"])
    assert result.exit_code == 0, result.output
    assert "  -> dials +81335010110 (rings 30 s, caller ID +815000000000): busy" in \
        result.output.splitlines()
    assert log.flush(timeout=20)
    assert count_calls(app) == 1


def test_a_bad_time_is_a_clear_error(make_app):
    result = make_app().test_cli_runner().invoke(args=["call", "--at", "tomorrow"])
    assert result.exit_code == 2
    assert "Invalid value for --at: 'tomorrow' is not YYYY-MM-DD HH:MM" in result.output
