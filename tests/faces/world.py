"""Face-check rows straight into the tables, as the flow would leave them (for tests/pages.py):
the trainee has consented (no photo yet, so the camera page shows) and one capture of theirs
failed and waits for the unit's review (its image already deleted: pages only link images)."""
from core.db import utcnow
from core.extensions import db
from faces.models import FaceCapture, FaceProfile


def world(trainee, unit) -> dict:
    now = utcnow()
    db.session.add(FaceProfile(user_id=trainee.id, consent="given", consent_at=now))
    capture = FaceCapture(check_id=1, user_id=trainee.id, unit_id=unit.id, region_code=trainee.region_code,
                          year=now.year, held_seconds=420.0, sha256="0" * 64, fingerprint=bytes(256),
                          status="failed", code="not_same_person", distance=0.71, submitted_at=now, judged_at=now)
    db.session.add(capture)
    db.session.commit()
    return {"capture": capture}
