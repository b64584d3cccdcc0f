from flask import Blueprint
bp = Blueprint("catalogue_api", __name__, url_prefix="/api/v1")
