"""Error pages in HTML and errors in JSON, chosen by where the request came from."""
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from core.extensions import db
from core.http import ApiError, error_response, wants_json

_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 410: "gone", 412: "precondition_failed",
    413: "too_large", 415: "unsupported_media_type", 416: "range_not_satisfiable",
    422: "unprocessable", 429: "too_many_requests", 500: "internal_error",
}


def _message(status: int) -> str:
    messages = {
        400: _("请求有误。"),
        401: _("请先登录。"),
        403: _("您没有权限访问此页面。"),
        404: _("页面不存在，或已被移除。"),
        405: _("不支持此请求方法。"),
        413: _("提交的内容过大。"),
        416: _("请求的范围无法满足。"),
        429: _("操作过于频繁，请稍后再试。"),
        500: _("服务器出错了，我们已记录此问题，请稍后再试。"),
    }
    return messages.get(status, _("请求未能完成。"))


def _respond(status: int, message: str, code: str | None = None):
    if wants_json():
        return error_response(status, code or _CODES.get(status, "error"), message)
    return render_template("errors/error.html", status=status, message=message), status


def handle_http_exception(e: HTTPException):
    if e.code is None or e.code < 400:
        return e
    # A view that passes its own description (abort(404, "…")) wants it shown.
    default = type(e).description
    message = e.description if e.description and e.description != default else _message(e.code)
    if e.code == 429:
        message = _message(429)
    body, status = _respond(e.code, message), e.code
    response = current_app.make_response(body)
    # Keep what the exception says in headers: Allow (405), Content-Range (416), Retry-After (429).
    for name, value in e.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    response.status_code = status
    return response


def handle_csrf_error(e: CSRFError):
    return _respond(400, _("页面已过期或缺少安全令牌，请刷新页面后重试。"), "csrf_failed")


def handle_api_error(e: ApiError):
    db.session.rollback()  # nothing a refused call flushed may be committed later in the request
    response = error_response(e.status, e.code, e.message, getattr(e, "field", None))
    response.headers.update(e.headers)
    return response


def handle_server_error(e: InternalServerError):
    db.session.rollback()
    current_app.logger.exception("unhandled error", exc_info=e.original_exception or e)
    return _respond(500, _message(500))


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_exception)
