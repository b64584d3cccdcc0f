/* Heartbeats on their way to the server, kept in localStorage until the server has them.

   Every heartbeat is written down before it is sent and crossed out only when the server
   answers it, so a lost network, a 5xx or a closed page loses nothing: the entries are sent
   again, strictly in order (one request at a time), when the network is back, after a
   growing delay, or on the next page load. The server answers a heartbeat it already has
   with "duplicate": true; that counts as delivered, so nothing is counted twice. The queue
   is shared by the tabs of the browser (one localStorage): each tab sends from its head.

   One failure is said nothing about: a proxy's 502/503/504 or a reset connection is usually
   gone by the next try (a kept-alive connection closed under the request, a server restart),
   so the same heartbeat (same seq) is sent once more, quietly. Only when that fails too does
   the page say that records are waiting. A server that says when to come back (Retry-After,
   on 503 under overload or 429) is asked again then, not sooner, give or take a random part so
   that its players do not all come back at once. */

const RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const QUIET_FAILURES = 1;
const KEY = 'queue';

/** The wait a response's Retry-After asks for, in ms (seconds or an HTTP date), or null. */
export function retryAfterMs(response, now = Date.now()) {
  const value = (response.headers.get('Retry-After') || '').trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = value ? Date.parse(value) : NaN;
  return Number.isFinite(at) ? Math.max(at - now, 0) : null;
}

function same(a, b) {
  return a.session === b.session && a.seq === b.seq;
}

export class HeartbeatQueue {
  /**
   * @param {Store} store where the entries live
   * @param {object} hooks send(entry) → Promise<Response>; delivered(entry, reply);
   *   stopped(entry, status, reply) for 401/409/410 (the session's entries are dropped);
   *   held(status) for 400/403 (sign in again or reload: the entries wait for the next
   *   page); changed() after any change.
   */
  constructor(store, hooks) {
    this.store = store;
    this.hooks = hooks;
    this.running = null;
    this.failures = 0;
    this.wait = null;  // what the last refusal's Retry-After asked for (ms), if it said
    this.notBefore = 0;  // Date.now() before which the server asked not to be sent anything
    this.timer = null;
    this.held = false;
    window.addEventListener('online', () => this.retryNow());
  }

  entries() {
    const list = this.store.get(KEY, []);
    return Array.isArray(list) ? list : [];
  }

  get size() {
    return this.entries().length;
  }

  /** True while the head of the queue could not be sent, even when sent again (offline,
      server trouble); a single failure, retried quietly, is not worth a word. */
  get failing() {
    return this.failures > QUIET_FAILURES;
  }

  push(entry) {
    this.store.set(KEY, [...this.entries(), entry]);
    this.hooks.changed();
    return this.pump();
  }

  drop(keep) {
    this.store.set(KEY, this.entries().filter(keep));
  }

  /** Send from the head until the queue is empty or a send fails; one run at a time. */
  pump() {
    if (this.held || Date.now() < this.notBefore) return Promise.resolve();
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null;
        this.hooks.changed();
      });
    }
    return this.running;
  }

  async run() {
    for (;;) {
      const head = this.entries()[0];
      if (!head) {
        this.failures = 0;
        return;
      }
      const outcome = await this.deliver(head);
      if (outcome === 'retry') {
        this.failures += 1;
        this.schedule();
        return;
      }
      if (outcome === 'hold') return;
      this.failures = 0;
      this.notBefore = 0;
    }
  }

  async deliver(entry) {
    let response;
    this.wait = null;
    try {
      response = await this.hooks.send(entry);
    } catch (error) {
      return 'retry';  // the network: offline, reset, DNS
    }
    const status = response.status;
    if (status >= 500 || status === 408 || status === 429) {
      this.wait = retryAfterMs(response);
      return 'retry';
    }
    const reply = await response.json().catch(() => ({}));
    if (response.ok) {
      this.drop((e) => !same(e, entry));
      this.hooks.delivered(entry, reply);
    } else if (status === 409 || status === 410 || status === 401) {
      // That session will never count again: closed, expired, or its watch token not
      // accepted (a token from before an upgrade or a new server secret): none of its
      // entries may stand in front of the next session's.
      this.drop((e) => e.session !== entry.session);
      this.hooks.stopped(entry, status, reply);
    } else if (status === 400 || status === 403) {
      this.held = true;
      this.hooks.held(status);
      return 'hold';
    } else {
      // 404, 413, 422: this heartbeat can never be accepted; the ones after it still can.
      this.drop((e) => !same(e, entry));
      console.warn('heartbeat refused', status, reply);
    }
    this.hooks.changed();
    return 'next';
  }

  /** Send again after the server's Retry-After (plus up to half of it again, at random), or
      after a back-off growing with each failure. */
  schedule() {
    clearTimeout(this.timer);
    const delay = this.wait !== null
      ? this.wait * (1 + Math.random() / 2)
      : RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1];
    // A new heartbeat queued meanwhile waits too: the server said when, sooner would only add load.
    if (this.wait !== null) this.notBefore = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.notBefore = 0;
      this.pump();
    }, delay);
  }

  /** Send now (the network is back, the page goes), unless the server asked to wait: its timer is set. */
  retryNow() {
    if (Date.now() < this.notBefore) return;
    clearTimeout(this.timer);
    this.pump();
  }

  /** The page is going away: send the head of the queue if nothing is on its way (requests
      are keepalive, so it outlives the page). Never more than one at a time: a later seq
      arriving first would make the server take the earlier one for a repeat and drop it.
      What the server does not confirm stays queued for the next page, whose retry the
      server answers as a duplicate if it had arrived. */
  flushOnExit() {
    if (!this.held && !this.running) this.retryNow();
  }
}
