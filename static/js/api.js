/* Same-origin calls to the site's JSON API, shared by every page script: the CSRF token
   (unsafe methods need it), the server's message of a JSON error ({"error": {"code",
   "message"}}), and one poller with one back-off for GETs that are asked again until done. */

const SAFE = ['GET', 'HEAD', 'OPTIONS'];
export const POLL_MS = 2000;
const MAX_POLL_MS = 30000;

/** The page's CSRF token (base.html's <meta name="csrf-token">), or ''. */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

/** fetch() with the session cookie, asking for JSON; unsafe methods carry the CSRF token. */
export function request(url, { method = 'GET', headers = {}, ...options } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  if (!SAFE.includes(method.toUpperCase())) sent['X-CSRFToken'] = csrfToken();
  return fetch(url, { method, credentials: 'same-origin', headers: sent, ...options });
}

/** POST ``body`` as JSON. ``keepalive`` lets the request outlive the page (page hide). */
export function postJson(url, body, { keepalive = false, headers = {} } = {}) {
  return request(url, {
    method: 'POST',
    keepalive,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The message of a parsed JSON error reply, or ''. */
export function messageOf(reply) {
  return (reply && reply.error && reply.error.message) || '';
}

/** The server's own (translated) message from a JSON error response, or ''. */
export async function errorMessage(response) {
  try {
    return messageOf(await response.json());
  } catch (error) {
    return '';
  }
}

/** A 4xx other than 408 and 429 will not change by asking again (gone, signed out). */
function final(status) {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * GET ``url`` after ``start`` ms, then every ``every`` ms, handing each JSON answer to
 * ``seen(body)`` until it returns true. The network or the server in trouble (5xx, 408,
 * 429, a reply that is no JSON): ``trouble()``, and the next try waits twice as long as the
 * last, up to 30 s, until an answer comes. Any other 4xx ends the polling:
 * ``stopped(message, status)``. Returns ``{ stop() }``.
 */
export function poll(url, { seen, trouble = () => {}, stopped = () => {}, every = POLL_MS, start = every }) {
  let delay = every;
  let timer = null;
  let done = false;
  const next = (wait) => { if (!done) timer = setTimeout(tick, wait); };
  const retry = () => {
    trouble();
    delay = Math.min(delay * 2, MAX_POLL_MS);
    next(delay);
  };
  async function tick() {
    let response;
    let body;
    try {
      response = await request(url);
      if (final(response.status)) {
        done = true;
        stopped(await errorMessage(response), response.status);
        return;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      retry();
      return;
    }
    delay = every;
    if (seen(body)) done = true;
    else next(delay);
  }
  next(start);
  return { stop() { done = true; clearTimeout(timer); } };
}
