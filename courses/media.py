from flask import Blueprint
bp = Blueprint("media", __name__, url_prefix="/media")
@bp.get("/videos/<int:video_id>/poster.jpg")
def poster(video_id): return "TODO"
@bp.get("/videos/<int:video_id>/<int:height>p.mp4")
def rendition(video_id, height): return "TODO"
