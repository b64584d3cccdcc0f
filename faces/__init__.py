"""Face checks (人脸抓拍): consent, enrolment, the model, judging captures, review (issue 19).

The seam that schedules checks in the heartbeat path calls :func:`faces.captures.submit_capture`
and :func:`faces.captures.verdict_for`; everything else here is this room's own.
"""
