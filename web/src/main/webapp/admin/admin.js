/*
 * The operator's admin page of the SATP gateway: a view of the operator REST API (/api/v1/admin/...), refreshed every
 * 2 s, and the operator's actions, each confirmed in the page first. The page holds no data of its own. The operator's
 * bearer token is kept in sessionStorage (this tab only) and sent as "Authorization: Bearer <token>"; a 401 or 403
 * from the API shows the sign-in again with the problem's detail. Everything from the API is put into the page as
 * text (textContent, createElement), never as markup, and the page runs under "default-src 'self'": no inline
 * script or style, nothing from elsewhere.
 *
 * Where the API's paths and field names are read: API (paths) and Read (fields), at the top of this file. Nothing else
 * in the page names a field of an answer.
 *
 * Stable hooks for browser tests (ids unless marked; every one also carries data-testid with the same name):
 *   sign-in        #signin, #signin-token, #signin-submit, #signin-error (the problem's detail), #signout
 *   header         #gateway-id ("network · instance"), #header-ready, #header-intake (shown while intake is paused),
 *                  #updated-at ("updated hh:mm:ss"),
 *                  #connection-lost (shown while the gateway does not answer), #load-error (a view's data not loaded)
 *   tabs           #tab-overview, #tab-transfers, #tab-deadletters, #tab-alerts (a[data-view]; the current one has
 *                  aria-current="page"); views #view-overview, #view-transfers, #view-timeline, #view-deadletters,
 *                  #view-alerts (hidden unless current). Routes: #/overview, #/transfers, #/session/<id>,
 *                  #/dead-letters, #/alerts
 *   overview       #overview-ready (data-ready="true|false"), #overview-checks tbody tr[data-check=<name>] with
 *                  td.name, td.status (data-status), td.detail; #overview-intake (data-paused="true|false"),
 *                  #overview-intake-by; #action-pause, #action-resume (only the one that applies is shown);
 *                  #overview-counts div[data-count=inFlight|completed|rolledBack|failed|deadLetters] dd;
 *                  #overview-peer, #overview-tls, #overview-lease: dd[data-field=<field>];
 *                  #overview-certificates tbody tr[data-name] with td.days-left (class warn under 30 days);
 *                  #overview-keys tbody tr[data-name]; #overview-alerts li
 *   transfers      #filter-state (select; "" = all), #filter-text, #transfers-count,
 *                  #transfers-table tbody tr[data-session-id=<id>][data-state=<state>] with td.session-id,
 *                  td.context, td.role, td.state, td.step, td.age, td.last-error; a click on a row opens its timeline
 *   timeline       #view-timeline: #timeline-session, #timeline-state, #timeline-fields dd[data-field],
 *                  #timeline-peer-error, #timeline-missing, #action-retry, #action-rollback, #timeline-back;
 *                  #timeline tbody tr[data-gateway=this|peer][data-kind=step|recovery|error|operator] with td.at,
 *                  td.gateway, td.type, td.step, td.detail, in time order
 *   dead letters   #deadletters-table tbody tr[data-message-id], #deadletters-count, #action-redrive
 *   alerts         #alerts-list li[data-severity][data-kind]
 *   confirmation   #confirm-dialog (a modal <dialog>), #confirm-title, #confirm-text, #confirm-ok, #confirm-cancel
 *   action answer  #action-result (data-outcome="pending|ok|error") with .action (what was asked, and when), .title,
 *                  .detail;
 *                  #action-result-close
 */
'use strict';

(function adminPage() {
  const TOKEN_KEY = 'satp.admin.token';
  const POLL_MS = 2000;
  const TIMEOUT_MS = 8000;
  const CERTIFICATE_WARN_DAYS = 30;
  const OVERVIEW_ALERTS = 5;
  /** States offered in the filter before any session shows one; states seen in answers are added. */
  const KNOWN_STATES = ['ACTIVE', 'ROLLING_BACK', 'COMPLETED', 'ROLLED_BACK', 'ABORTED', 'REJECTED'];

  // ---------------------------------------------------------------------------------------------------------------
  // The operator REST API: its paths (API) and what the page reads from its answers (Read). Adjust here, only here.
  // ---------------------------------------------------------------------------------------------------------------

  /** The API's base path, beside the page: the page is <context>/admin/, the API <context>/api/v1/admin/. */
  const API_BASE = window.location.pathname.replace(/\/admin(\/.*)?$/, '') + '/api/v1/admin/';

  const API = {
    overview: () => 'overview',
    sessions: (state, text) => {
      const q = new URLSearchParams();
      if (state) q.set('state', state);
      if (text) q.set('q', text);
      q.set('limit', '200');
      return 'sessions?' + q.toString();
    },
    session: (id) => 'sessions/' + encodeURIComponent(id),
    deadLetters: () => 'dead-letters',
    alerts: () => 'alerts',
    pause: () => 'intake/pause',
    resume: () => 'intake/resume',
    retry: (id) => 'sessions/' + encodeURIComponent(id) + '/retry',
    rollback: (id) => 'sessions/' + encodeURIComponent(id) + '/rollback',
    redrive: () => 'dead-letters/redrive',
  };

  const str = (v) => (v === undefined || v === null ? null : String(v));
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const bool = (v) => (typeof v === 'boolean' ? v : null);
  const list = (v) => (Array.isArray(v) ? v : []);
  const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});

  const Read = {
    overview(j) {
      const g = obj(obj(j).gateway);
      const peer = obj(obj(j).peer);
      const tls = obj(peer.tls);
      const lease = obj(obj(j).lease);
      const intake = Read.intake(g.intake);
      const counts = obj(g.counts);
      return {
        network: str(g.network),
        instance: str(g.gatewayId),
        ready: bool(g.ready),
        checks: list(g.checks).map((c) => ({
          name: str(obj(c).name) || '?',
          status: bool(obj(c).up) === null ? '?' : (obj(c).up ? 'UP' : 'DOWN'),
          detail: str(obj(c).detail),
        })),
        intake,
        counts: {
          inFlight: num(counts.inFlight), completed: num(counts.completed), rolledBack: num(counts.rolledBack),
          failed: num(counts.failed), deadLetters: num(counts.deadLetters),
        },
        peer: {
          endpoint: list(peer.endpoints).map(str).join(', ') || null,
          reachable: bool(peer.reachable),
          lastContact: str(peer.lastDelivered),
          tls: {
            protocol: str(obj(list(tls.connections)[0]).protocol),
            cipherSuite: str(obj(list(tls.connections)[0]).cipherSuite),
            fullHandshakes: num(tls.fullHandshakes), lastFullHandshake: str(tls.lastFullHandshake),
          },
          certificates: list(peer.certificates).map((c) => ({
            name: str(obj(c).name) || '?', subject: str(obj(c).subject), notAfter: str(obj(c).notAfter),
            daysLeft: num(obj(c).daysLeft),
          })),
          keys: list(peer.keys).map((k) => ({
            name: str(obj(k).name) || '?', algorithm: str(obj(k).algorithm), id: str(obj(k).x),
          })),
        },
        lease: {
          mode: str(lease.mode), holder: str(lease.instance), epoch: num(lease.epoch),
          mine: str(lease.instance) === null ? null : true,
        },
        alerts: Read.alerts(obj(j).alerts),
      };
    },
    intake(j) {
      const i = obj(j);
      return { paused: bool(i.paused), by: str(i.by), since: str(i.since) };
    },
    session(j) {
      const s = obj(j);
      return {
        sessionId: str(s.sessionId) || '?',
        transferContextId: str(s.transferContextId),
        role: str(s.role),
        state: str(s.state) || '?',
        step: str(s.step),
        startedAt: str(s.startedAt),
        updatedAt: str(s.updatedAt),
        ageSeconds: num(s.ageSeconds),
        lastError: str(s.lastError),
        finished: bool(s.finished),
        deadline: str(s.deadline),
      };
    },
    sessions(j) {
      return list(j).map(Read.session);
    },
    sessionDetail(j) {
      const d = obj(j);
      return {
        session: Read.session(d.session),
        timeline: list(d.timeline).map((e) => ({
          gateway: str(obj(e).gateway) || '?',
          at: str(obj(e).at),
          type: str(obj(e).type),
          step: [str(obj(e).operation), num(obj(e).sequenceNumber) >= 0 ? '#' + num(obj(e).sequenceNumber) : null]
            .filter(Boolean).join(' ') || null,
          detail: str(obj(e).detail),
          kind: str(obj(e).kind) || 'step',
        })),
        peerTimelineError: str(d.peerTimelineError),
      };
    },
    deadLetters(j) {
      return list(j).map((d) => ({
        messageId: str(obj(d).messageId) || '?',
        queue: str(obj(d).queue),
        sessionId: str(obj(d).sessionId),
        messageType: str(obj(d).messageType),
        deliveryCount: num(obj(d).deliveryCount),
        failedAt: str(obj(d).sentAt),
        reason: str(obj(d).reason),
      }));
    },
    alerts(j) {
      return list(j).map((a) => ({
        at: str(obj(a).lastSeen) || str(obj(a).raised),
        kind: str(obj(a).kind) + (bool(obj(a).active) === false ? ' (cleared)' : ''),
        severity: str(obj(a).severity) || 'INFO',
        message: str(obj(a).message),
        sessionId: str(obj(a).subject),
      }));
    },
    /** The answer to retry and rollback, as one line. */
    sessionAction(j) {
      const a = obj(j);
      return [str(a.action), str(a.detail)].filter(Boolean).join(': ') || 'done';
    },
    /** The answer to the re-drive, as one line. */
    redrive(j) {
      const a = obj(j);
      const counts = 'redriven ' + (num(a.redriven) ?? '?') + ', skipped ' + (num(a.skipped) ?? '?');
      return str(a.detail) ? counts + ': ' + str(a.detail) : counts;
    },
    /** An RFC 9457 problem, or what can be said of an answer that is none. */
    problem(j, status, statusText) {
      const p = obj(j);
      return {
        title: str(p.title) || ('HTTP ' + status + (statusText ? ' ' + statusText : '')),
        detail: str(p.detail) || (typeof j === 'string' ? j : ''),
      };
    },
  };

  // ---------------------------------------------------------------------------------------------------------------
  // HTTP
  // ---------------------------------------------------------------------------------------------------------------

  /** A call that did not succeed: kind "auth" (401, 403), "unreachable" (no answer) or "problem" (any other). */
  class ApiError extends Error {
    constructor(kind, status, title, detail) {
      super(title + (detail ? ': ' + detail : ''));
      this.kind = kind;
      this.status = status;
      this.title = title;
      this.detail = detail;
    }
  }

  async function call(method, path) {
    const token = sessionStorage.getItem(TOKEN_KEY) || '';
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    let response;
    let text;
    try {
      response = await fetch(API_BASE + path, {
        method,
        headers: { Authorization: 'Bearer ' + token, Accept: 'application/json, application/problem+json' },
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
        signal: abort.signal,
      });
      text = await response.text();
    } catch (e) {
      const why = e && e.name === 'AbortError' ? 'no answer within ' + TIMEOUT_MS / 1000 + ' s'
        : 'no connection (' + ((e && e.message) || String(e)) + ')';
      throw new ApiError('unreachable', 0, 'The gateway does not answer', why);
    } finally {
      clearTimeout(timer);
    }
    let body = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch (notJson) {
        // a plain-text answer says something; a server's HTML error page does not belong in the page
        const plain = (response.headers.get('Content-Type') || '').startsWith('text/plain');
        body = plain ? (text.length > 300 ? text.slice(0, 300) + '…' : text) : null;
      }
    }
    if (response.ok) {
      return body;
    }
    const p = Read.problem(body, response.status, response.statusText);
    const kind = response.status === 401 || response.status === 403 ? 'auth' : 'problem';
    throw new ApiError(kind, response.status, p.title, p.detail);
  }

  /** A failed call in one line: status, title, detail. */
  function describe(e) {
    const status = e.status && !String(e.title).startsWith('HTTP ') ? e.status + ' ' : '';
    return status + e.title + (e.detail ? ': ' + e.detail : '');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // DOM and formatting helpers: text only, never markup
  // ---------------------------------------------------------------------------------------------------------------

  const $ = (selector, root) => (root || document).querySelector(selector);

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'data') Object.entries(v).forEach(([dk, dv]) => { if (dv !== null && dv !== undefined) e.dataset[dk] = String(dv); });
      else if (k === 'title') e.title = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    children.forEach((c) => { if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c)); });
    return e;
  }

  function setText(node, text) {
    const t = text === null || text === undefined ? '' : String(text);
    if (node.textContent !== t) node.textContent = t;
  }

  function setData(node, key, value) {
    const v = value === null || value === undefined ? null : String(value);
    if (v === null) delete node.dataset[key];
    else if (node.dataset[key] !== v) node.dataset[key] = v;
  }

  const two = (n) => String(n).padStart(2, '0');
  const clock = (d) => two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());

  /** An instant of the API as local date and time; the raw value when it is not one. */
  function when(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + clock(d);
  }

  /** The same with milliseconds, for the timeline, whose entries are often within one second. */
  function whenPrecise(iso) {
    const w = when(iso);
    const d = new Date(iso);
    return !iso || Number.isNaN(d.getTime()) ? w : w + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function age(seconds) {
    if (seconds === null) return '–';
    if (seconds < 60) return Math.max(0, Math.floor(seconds)) + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
    return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h';
  }

  const dash = (v) => (v === null || v === undefined || v === '' ? '–' : String(v));

  /** The tone of a session state: completed green, rolled back amber, failed red, under way blue. */
  function stateTone(state) {
    switch (state) {
      case 'COMPLETED': return 'ok';
      case 'ROLLED_BACK': case 'ROLLING_BACK': return 'warn';
      case 'ACTIVE': return 'info';
      case 'ABORTED': case 'REJECTED': case 'FAILED': case 'REFUSED': return 'bad';
      default: return 'neutral';
    }
  }

  function severityTone(severity) {
    switch ((severity || '').toUpperCase()) {
      case 'CRITICAL': case 'SEVERE': case 'ERROR': return 'bad';
      case 'WARNING': case 'WARN': return 'warn';
      default: return 'neutral';
    }
  }

  function pill(text, tone) {
    return el('span', { class: 'pill tone-' + tone }, text);
  }

  /** Puts a pill into a cell, rebuilding it only when its text or tone changed. */
  function setPill(cell, text, tone) {
    const key = tone + '|' + text;
    if (cell.dataset.pill === key) return;
    cell.dataset.pill = key;
    cell.replaceChildren(pill(text, tone));
  }

  function yesNo(value, yes, no) {
    if (value === null) return pill('unknown', 'neutral');
    return value ? pill(yes, 'ok') : pill(no, 'bad');
  }

  /**
   * Brings a container's children in line with items, by key: the element of an item still there is updated in
   * place (nothing flickers, and a test's reference to a row stays valid across refreshes), new ones are made, those
   * of items gone are removed, and the order is the items' order.
   */
  function sync(container, items, key, make, fill) {
    const existing = new Map();
    for (const child of Array.from(container.children)) existing.set(child.dataset.key, child);
    const wanted = items.map((item, index) => {
      const k = key(item, index);
      let node = existing.get(k);
      if (node) existing.delete(k);
      else {
        node = make(item);
        node.dataset.key = k;
      }
      fill(node, item);
      return node;
    });
    existing.forEach((node) => node.remove());
    wanted.forEach((node, i) => {
      if (container.children[i] !== node) container.insertBefore(node, container.children[i] || null);
    });
  }

  /** A table row of empty cells with these classes. */
  const rowOf = (...classes) => () => el('tr', null, ...classes.map((c) => el('td', { class: c })));

  /** Fills dd[data-field] of a definition list: text, or a node (pill). */
  function fillFields(dl, values) {
    for (const dd of dl.querySelectorAll('dd[data-field]')) {
      if (!(dd.dataset.field in values)) continue;
      const v = values[dd.dataset.field];
      if (v instanceof Node) {
        const key = v.className + '|' + v.textContent;
        if (dd.dataset.pill !== key) {
          dd.dataset.pill = key;
          dd.replaceChildren(v);
        }
      } else {
        delete dd.dataset.pill;
        setText(dd, dash(v));
      }
    }
  }

  function sessionLink(id) {
    return id ? el('a', { href: '#/session/' + encodeURIComponent(id), class: 'mono' }, id) : '–';
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Page state, routing and the refresh loop
  // ---------------------------------------------------------------------------------------------------------------

  const page = {
    signedIn: false,
    view: 'overview',
    sessionId: null,
    sessions: [],
    detail: null,
    overview: null,
    lastAnswer: null,
    silentSince: null,
    running: false,
    again: false,
    timer: null,
  };

  const VIEWS = { overview: 'overview', transfers: 'transfers', 'dead-letters': 'deadletters', alerts: 'alerts' };

  function route() {
    const h = window.location.hash.replace(/^#\/?/, '');
    let view = VIEWS[h] || 'overview';
    let sessionId = null;
    if (h.startsWith('session/')) {
      view = 'timeline';
      try {
        sessionId = decodeURIComponent(h.slice('session/'.length));
      } catch (badEscape) {
        sessionId = h.slice('session/'.length);
      }
    }
    if (sessionId !== page.sessionId) {
      page.detail = null;
      $('#timeline tbody').replaceChildren();
      setText($('#timeline-session'), sessionId || '');
      $('#timeline-missing').hidden = true;
      $('#timeline-peer-error').hidden = true;
    }
    page.view = view;
    page.sessionId = sessionId;
    for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== 'view-' + view;
    const tab = view === 'timeline' ? 'transfers' : view;
    for (const a of document.querySelectorAll('.tabs a[data-view]')) {
      if (a.dataset.view === tab) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    $('#load-error').hidden = true;
    if (view === 'transfers') renderSessions();
    refresh();
  }

  /** Polls now (or right after the poll under way), then every POLL_MS. */
  function refresh() {
    if (!page.signedIn) return;
    if (page.running) {
      page.again = true;
      return;
    }
    clearTimeout(page.timer);
    page.running = true;
    poll().finally(() => {
      page.running = false;
      if (!page.signedIn) return;
      if (page.again) {
        page.again = false;
        refresh();
      } else {
        page.timer = setTimeout(refresh, POLL_MS);
      }
    });
  }

  /** The data of the current view, with the overview (the header and the badges need it on every view). */
  function viewLoad(view, sessionId) {
    switch (view) {
      case 'transfers':
        return call('GET', API.sessions($('#filter-state').value, $('#filter-text').value.trim()))
          .then((j) => { page.sessions = Read.sessions(j); renderSessions(); });
      case 'timeline':
        return call('GET', API.session(sessionId)).then((j) => renderDetail(Read.sessionDetail(j)), (e) => {
          if (e.kind === 'problem' && e.status === 404) {
            showMissingSession(e);
            return;
          }
          throw e;
        });
      case 'deadletters':
        return call('GET', API.deadLetters()).then((j) => renderDeadLetters(Read.deadLetters(j)));
      case 'alerts':
        return call('GET', API.alerts()).then((j) => renderAlerts(Read.alerts(j)));
      default:
        return Promise.resolve();
    }
  }

  async function poll() {
    const view = page.view;
    const sessionId = page.sessionId;
    const [overview, data] = await Promise.allSettled([
      call('GET', API.overview()).then((j) => renderOverview(Read.overview(j))),
      viewLoad(view, sessionId),
    ]);
    const failures = [overview, data].filter((r) => r.status === 'rejected').map((r) => r.reason);
    const unexpected = failures.find((e) => !(e instanceof ApiError));
    if (unexpected) console.error(unexpected);
    const auth = failures.find((e) => e instanceof ApiError && e.kind === 'auth');
    if (auth) {
      showSignIn(auth.title + (auth.detail ? ': ' + auth.detail : ''));
      return;
    }
    if (overview.status === 'fulfilled') answered();
    else silent(overview.reason);
    const loadError = $('#load-error');
    if (data.status === 'rejected' && overview.status === 'fulfilled' && view === page.view) {
      const e = data.reason;
      setText(loadError, 'Could not load this view: ' + describe(e));
      loadError.hidden = false;
    } else {
      loadError.hidden = true;
    }
  }

  function answered() {
    page.lastAnswer = new Date();
    page.silentSince = null;
    document.body.classList.remove('disconnected');
    $('#connection-lost').hidden = true;
    const u = $('#updated-at');
    u.classList.remove('stale');
    setText(u, 'updated ' + clock(page.lastAnswer));
  }

  function silent(error) {
    if (!page.silentSince) page.silentSince = new Date();
    document.body.classList.add('disconnected');
    const banner = $('#connection-lost');
    const last = page.lastAnswer ? 'The figures shown are from ' + clock(page.lastAnswer) + '.' : 'Nothing was loaded yet.';
    const what = error.kind === 'unreachable' ? 'The gateway does not answer' : 'The gateway answers with an error';
    setText(banner, what + ' (since ' + clock(page.silentSince) + '): '
      + (error.kind === 'unreachable' ? error.detail : describe(error))
      + '. ' + last + ' Trying again every ' + POLL_MS / 1000 + ' s.');
    banner.hidden = false;
    const u = $('#updated-at');
    u.classList.add('stale');
    setText(u, page.lastAnswer ? 'updated ' + clock(page.lastAnswer) + ' · gateway not answering' : 'gateway not answering');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Views
  // ---------------------------------------------------------------------------------------------------------------

  function renderOverview(o) {
    page.overview = o;
    setText($('#gateway-id'), [o.network, o.instance].filter(Boolean).join(' · '));

    const down = o.checks.filter((c) => c.status !== 'UP').map((c) => c.name + ' ' + c.status.toLowerCase());
    const ready = $('#overview-ready');
    setData(ready, 'ready', o.ready);
    ready.className = 'ready-state tone-' + (o.ready ? 'ok' : 'bad');
    setText(ready, o.ready === null ? 'readiness unknown'
      : o.ready ? 'Ready' : 'Not ready' + (down.length ? ': ' + down.join(', ') : ''));
    const headerReady = $('#header-ready');
    headerReady.hidden = false;
    headerReady.className = 'pill tone-' + (o.ready ? 'ok' : 'bad');
    setText(headerReady, o.ready ? 'READY' : 'NOT READY');

    sync($('#overview-checks tbody'), o.checks, (c) => c.name, rowOf('name', 'status', 'detail'), (tr, c) => {
      setData(tr, 'check', c.name);
      setText(tr.cells[0], c.name);
      setData(tr.cells[1], 'status', c.status);
      setPill(tr.cells[1], c.status, c.status === 'UP' ? 'ok' : c.status === 'DOWN' ? 'bad' : 'warn');
      setText(tr.cells[2], dash(c.detail));
    });

    const intake = $('#overview-intake');
    setData(intake, 'paused', o.intake.paused);
    intake.className = 'intake-state tone-' + (o.intake.paused ? 'warn' : 'ok');
    setText(intake, o.intake.paused === null ? 'unknown' : o.intake.paused ? 'Paused' : 'Running');
    setText($('#overview-intake-by'), o.intake.paused
      ? 'Paused by ' + dash(o.intake.by) + ' since ' + when(o.intake.since) + '. New jobs are refused; transfers under way go on.'
      : 'New transfer jobs are taken.');
    $('#header-intake').hidden = o.intake.paused !== true;
    $('#action-pause').hidden = o.intake.paused !== false;
    $('#action-resume').hidden = o.intake.paused !== true;

    for (const div of document.querySelectorAll('#overview-counts [data-count]')) {
      const v = o.counts[div.dataset.count];
      setText($('dd', div), v === null || v === undefined ? '–' : v);
      div.classList.toggle('nonzero', typeof v === 'number' && v > 0);
    }

    fillFields($('#overview-peer'), {
      endpoint: o.peer.endpoint,
      reachable: yesNo(o.peer.reachable, 'reachable', 'not reachable'),
      lastContact: when(o.peer.lastContact),
    });
    fillFields($('#overview-tls'), {
      protocol: o.peer.tls.protocol,
      cipherSuite: o.peer.tls.cipherSuite,
      fullHandshakes: o.peer.tls.fullHandshakes,
      lastFullHandshake: when(o.peer.tls.lastFullHandshake),
    });
    fillFields($('#overview-lease'), {
      mode: o.lease.mode,
      holder: o.lease.holder,
      epoch: o.lease.epoch,
      mine: yesNo(o.lease.mine, 'holds the lease', 'does not hold it'),
    });

    sync($('#overview-certificates tbody'), o.peer.certificates, (c) => c.name,
      rowOf('name', 'subject mono', 'not-after', 'days-left num'), (tr, c) => {
        setData(tr, 'name', c.name);
        setText(tr.cells[0], c.name);
        setText(tr.cells[1], dash(c.subject));
        setText(tr.cells[2], when(c.notAfter));
        const days = tr.cells[3];
        setText(days, c.daysLeft === null ? '–' : c.daysLeft <= 0 ? 'expired' : c.daysLeft);
        days.classList.toggle('warn', c.daysLeft !== null && c.daysLeft > 0 && c.daysLeft < CERTIFICATE_WARN_DAYS);
        days.classList.toggle('bad', c.daysLeft !== null && c.daysLeft <= 0);
      });
    sync($('#overview-keys tbody'), o.peer.keys, (k) => k.name, rowOf('name', 'algorithm', 'key-id mono'), (tr, k) => {
      setData(tr, 'name', k.name);
      setText(tr.cells[0], k.name);
      setText(tr.cells[1], dash(k.algorithm));
      setText(tr.cells[2], dash(k.id));
    });

    renderAlertList($('#overview-alerts'), latestFirst(o.alerts).slice(0, OVERVIEW_ALERTS), 'No alerts.');
    badge($('#badge-deadletters'), o.counts.deadLetters);
    badge($('#badge-alerts'), o.alerts.length);
  }

  function badge(node, n) {
    node.hidden = !(typeof n === 'number' && n > 0);
    setText(node, node.hidden ? '' : n);
  }

  const time = (iso) => {
    const t = iso ? Date.parse(iso) : NaN;
    return Number.isNaN(t) ? null : t;
  };

  function latestFirst(alerts) {
    return alerts.slice().sort((a, b) => (time(b.at) ?? 0) - (time(a.at) ?? 0));
  }

  function renderAlertList(ul, alerts, emptyText) {
    const items = alerts.length ? alerts : [null];
    sync(ul, items, (a, i) => (a ? i + '|' + a.at + '|' + a.kind + '|' + a.message : 'empty'), (a) => (a
      ? el('li', { class: 'alert' }, el('span', { class: 'severity' }), el('span', { class: 'at' }),
        el('span', { class: 'kind' }), el('span', { class: 'message' }), el('span', { class: 'session' }))
      : el('li', { class: 'empty' }, emptyText)), (li, a) => {
      if (!a) return;
      setData(li, 'severity', a.severity);
      setData(li, 'kind', a.kind);
      setPill($('.severity', li), a.severity, severityTone(a.severity));
      setText($('.at', li), when(a.at));
      setText($('.kind', li), dash(a.kind));
      setText($('.message', li), dash(a.message));
      const s = $('.session', li);
      if (s.dataset.session !== (a.sessionId || '')) {
        s.dataset.session = a.sessionId || '';
        s.replaceChildren(...(a.sessionId ? ['session ', sessionLink(a.sessionId)] : []));
      }
    });
  }

  function renderAlerts(alerts) {
    const sorted = latestFirst(alerts);
    renderAlertList($('#alerts-list'), sorted, 'No alerts.');
  }

  /** Adds to the state filter every state an answer showed that it does not offer yet; keeps the choice. */
  function offerStates(states) {
    const select = $('#filter-state');
    const offered = new Set(Array.from(select.options).map((o) => o.value));
    for (const s of states) {
      if (s && !offered.has(s)) {
        select.append(el('option', { value: s }, s));
        offered.add(s);
      }
    }
  }

  function renderSessions() {
    const state = $('#filter-state').value;
    const text = $('#filter-text').value.trim().toLowerCase();
    offerStates(page.sessions.map((s) => s.state));
    // the API filters too; filtering here as well makes a change of the filters show at once
    const shown = page.sessions
      .filter((s) => !state || s.state === state)
      .filter((s) => !text || s.sessionId.toLowerCase().includes(text)
        || (s.transferContextId || '').toLowerCase().includes(text))
      .sort((a, b) => {
        const ta = time(a.startedAt);
        const tb = time(b.startedAt);
        if (ta !== null && tb !== null && ta !== tb) return tb - ta;
        return (a.ageSeconds ?? 0) - (b.ageSeconds ?? 0);
      });
    const tbody = $('#transfers-table tbody');
    sync(tbody, shown, (s) => s.sessionId,
      (s) => {
        const tr = rowOf('session-id mono', 'context mono', 'role', 'state', 'step', 'age num', 'last-error')();
        tr.tabIndex = 0;
        tr.title = 'Open the timeline of ' + s.sessionId;
        return tr;
      },
      (tr, s) => {
        setData(tr, 'sessionId', s.sessionId);
        setData(tr, 'state', s.state);
        setText(tr.cells[0], s.sessionId);
        setText(tr.cells[1], dash(s.transferContextId));
        tr.cells[1].title = s.transferContextId || '';
        setText(tr.cells[2], dash(s.role));
        setData(tr.cells[3], 'state', s.state);
        tr.cells[3].className = 'state tone-' + stateTone(s.state);
        setText(tr.cells[3], s.state);
        setText(tr.cells[4], dash(s.step));
        setText(tr.cells[5], age(s.ageSeconds));
        tr.cells[5].title = 'started ' + when(s.startedAt) + ', updated ' + when(s.updatedAt);
        setText(tr.cells[6], dash(s.lastError));
        tr.cells[6].title = s.lastError || '';
        tr.cells[6].classList.toggle('has-error', !!s.lastError);
      });
    $('#transfers-empty').hidden = shown.length > 0;
    setText($('#transfers-count'), shown.length === page.sessions.length
      ? page.sessions.length + (page.sessions.length === 1 ? ' session' : ' sessions')
      : shown.length + ' of ' + page.sessions.length + ' sessions');
  }

  function showMissingSession(e) {
    const missing = $('#timeline-missing');
    setText(missing, 'The gateway does not know session ' + page.sessionId + (e.detail ? ': ' + e.detail : '.'));
    missing.hidden = false;
    $('#timeline tbody').replaceChildren();
    $('#action-retry').disabled = true;
    $('#action-rollback').disabled = true;
  }

  function renderDetail(d) {
    if (d.session.sessionId !== page.sessionId && d.session.sessionId !== '?') return;
    page.detail = d;
    const s = d.session;
    $('#timeline-missing').hidden = true;
    setText($('#timeline-session'), page.sessionId);
    const st = $('#timeline-state');
    st.className = 'state pill tone-' + stateTone(s.state);
    setData(st, 'state', s.state);
    setText(st, s.state);
    fillFields($('#timeline-fields'), {
      transferContextId: s.transferContextId,
      role: s.role,
      step: s.step,
      startedAt: when(s.startedAt),
      updatedAt: when(s.updatedAt) + (s.ageSeconds === null ? '' : ' (age ' + age(s.ageSeconds) + ')'),
      deadline: when(s.deadline),
      lastError: s.lastError,
    });
    const ended = s.finished === true;
    $('#action-retry').disabled = ended;
    $('#action-rollback').disabled = ended;
    setText($('#timeline-actions-note'), ended ? 'The session has ended: there is nothing to retry or roll back.' : '');

    const peerError = $('#timeline-peer-error');
    peerError.hidden = !d.peerTimelineError;
    setText(peerError, d.peerTimelineError ? 'The peer\u2019s log could not be read, only this gateway\u2019s entries are shown: '
      + d.peerTimelineError : '');

    // both gateways' entries in time order; entries of the same instant keep the order the API gave them
    const entries = d.timeline.map((e, i) => ({ e, i })).sort((a, b) => {
      const ta = time(a.e.at);
      const tb = time(b.e.at);
      return (ta ?? 0) - (tb ?? 0) || a.i - b.i;
    }).map((x) => x.e);
    const instance = page.overview && page.overview.instance;
    sync($('#timeline tbody'), entries, (e, i) => String(i), rowOf('at', 'gateway', 'type', 'step', 'detail'), (tr, e) => {
      setData(tr, 'gateway', e.gateway);
      setData(tr, 'kind', e.kind);
      tr.className = 'kind-' + e.kind.replace(/[^a-z0-9-]/gi, '');
      setText(tr.cells[0], whenPrecise(e.at));
      tr.cells[0].title = e.at || '';
      setText(tr.cells[1], e.gateway === 'this' ? 'this' + (instance ? ' · ' + instance : '') : e.gateway);
      tr.cells[1].className = 'gateway gateway-' + (e.gateway === 'this' ? 'this' : 'peer');
      setText(tr.cells[2], dash(e.type));
      setText(tr.cells[3], dash(e.step));
      setText(tr.cells[4], dash(e.detail));
    });
  }

  function renderDeadLetters(letters) {
    const sorted = letters.slice().sort((a, b) => (time(b.failedAt) ?? 0) - (time(a.failedAt) ?? 0));
    sync($('#deadletters-table tbody'), sorted, (d) => d.messageId,
      rowOf('failed-at', 'queue mono', 'message-type', 'session', 'delivery-count num', 'reason', 'message-id mono'),
      (tr, d) => {
        setData(tr, 'messageId', d.messageId);
        setText(tr.cells[0], when(d.failedAt));
        setText(tr.cells[1], dash(d.queue));
        setText(tr.cells[2], dash(d.messageType));
        if (tr.cells[3].dataset.session !== (d.sessionId || '')) {
          tr.cells[3].dataset.session = d.sessionId || '';
          tr.cells[3].replaceChildren(sessionLink(d.sessionId));
        }
        setText(tr.cells[4], d.deliveryCount === null ? '–' : d.deliveryCount);
        setText(tr.cells[5], dash(d.reason));
        tr.cells[5].title = d.reason || '';
        setText(tr.cells[6], d.messageId);
      });
    $('#deadletters-empty').hidden = letters.length > 0;
    setText($('#deadletters-count'), letters.length + (letters.length === 1 ? ' dead letter' : ' dead letters'));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Actions: confirmed in the page, posted, answered in #action-result
  // ---------------------------------------------------------------------------------------------------------------

  /** Asks in the page's own modal dialog; resolves true on Confirm, false on Cancel, Escape or close. */
  function confirmAction(title, text, okLabel, danger) {
    return new Promise((resolve) => {
      const dialog = $('#confirm-dialog');
      const ok = $('#confirm-ok');
      const cancel = $('#confirm-cancel');
      setText($('#confirm-title'), title);
      setText($('#confirm-text'), text);
      setText(ok, okLabel);
      ok.className = danger ? 'danger' : 'primary';
      const finish = (answer) => {
        ok.onclick = null;
        cancel.onclick = null;
        dialog.onclose = null;
        if (dialog.open) dialog.close();
        resolve(answer);
      };
      ok.onclick = () => finish(true);
      cancel.onclick = () => finish(false);
      dialog.onclose = () => finish(false);
      dialog.showModal();
      cancel.focus();
    });
  }

  function showResult(outcome, action, title, detail) {
    const box = $('#action-result');
    box.dataset.outcome = outcome;
    setText($('.action', box), action + ' · ' + clock(new Date()));
    setText($('.title', box), title);
    setText($('.detail', box), detail || '');
    box.hidden = false;
  }

  async function act(spec) {
    if (!(await confirmAction(spec.title, spec.question, spec.okLabel, spec.danger))) return;
    showResult('pending', spec.title, spec.pending, '');
    try {
      const body = await call('POST', spec.path);
      showResult('ok', spec.title, spec.done, spec.answer(body));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.kind === 'auth') showSignIn(e.title + (e.detail ? ': ' + e.detail : ''));
      showResult('error', spec.title, (e.status && !e.title.startsWith('HTTP ') ? e.status + ' · ' : '') + e.title, e.detail);
      if (e.kind === 'auth') return;
    }
    refresh();
  }

  function intakeAnswer(j) {
    const i = Read.intake(j);
    return i.paused ? 'Intake is paused (by ' + dash(i.by) + ' since ' + when(i.since) + ').' : 'Intake is running.';
  }

  const ACTIONS = {
    pause: () => ({
      title: 'Pause intake',
      question: 'Stop taking new transfer jobs? Back offices are answered 503 with Retry-After until intake is resumed; '
        + 'transfers under way go on.',
      okLabel: 'Pause intake', danger: true, path: API.pause(),
      pending: 'Pausing intake…', done: 'Intake paused', answer: intakeAnswer,
    }),
    resume: () => ({
      title: 'Resume intake',
      question: 'Take new transfer jobs again?',
      okLabel: 'Resume intake', danger: false, path: API.resume(),
      pending: 'Resuming intake…', done: 'Intake resumed', answer: intakeAnswer,
    }),
    retry: (id) => ({
      title: 'Retry session ' + id,
      question: 'Run the stuck step of session ' + id + ' again? The gateway first asks the ledger what it holds for '
        + 'the session.',
      okLabel: 'Retry', danger: false, path: API.retry(id),
      pending: 'Retrying…', done: 'Retry accepted', answer: Read.sessionAction,
    }),
    rollback: (id) => ({
      title: 'Force rollback of session ' + id,
      question: 'Roll back session ' + id + ' now instead of at its deadline? The gateway refuses once the asset '
        + 'has been burned on the source ledger.',
      okLabel: 'Force rollback', danger: true, path: API.rollback(id),
      pending: 'Rolling back…', done: 'Rollback accepted', answer: Read.sessionAction,
    }),
    redrive: () => ({
      title: 'Re-drive dead letters',
      question: 'Put the dead letters of unfinished sessions back on their queues? Those of ended sessions stay.',
      okLabel: 'Re-drive', danger: false, path: API.redrive(),
      pending: 'Re-driving…', done: 'Dead letters re-driven', answer: Read.redrive,
    }),
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Sign-in
  // ---------------------------------------------------------------------------------------------------------------

  function showSignIn(message) {
    page.signedIn = false;
    clearTimeout(page.timer);
    sessionStorage.removeItem(TOKEN_KEY);
    const dialog = $('#confirm-dialog');
    if (dialog.open) dialog.close();
    $('#console').hidden = true;
    $('#signout').hidden = true;
    $('#header-ready').hidden = true;
    $('#header-intake').hidden = true;
    $('#action-result').hidden = true;
    $('#connection-lost').hidden = true;
    document.body.classList.remove('disconnected');
    $('#signin').hidden = false;
    const error = $('#signin-error');
    setText(error, message || '');
    error.hidden = !message;
    $('#signin-token').focus();
  }

  function startConsole() {
    page.signedIn = true;
    $('#signin').hidden = true;
    $('#console').hidden = false;
    $('#signout').hidden = false;
    route();
  }

  function wire() {
    $('#signin-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = $('#signin-token');
      const token = input.value.trim().replace(/^Bearer\s+/i, '');
      if (!token) {
        showSignIn('Paste a token first.');
        return;
      }
      input.value = '';
      sessionStorage.setItem(TOKEN_KEY, token);
      startConsole();
    });
    $('#signout').addEventListener('click', () => showSignIn(''));
    $('#action-result-close').addEventListener('click', () => { $('#action-result').hidden = true; });

    $('#action-pause').addEventListener('click', () => act(ACTIONS.pause()));
    $('#action-resume').addEventListener('click', () => act(ACTIONS.resume()));
    $('#action-retry').addEventListener('click', () => page.sessionId && act(ACTIONS.retry(page.sessionId)));
    $('#action-rollback').addEventListener('click', () => page.sessionId && act(ACTIONS.rollback(page.sessionId)));
    $('#action-redrive').addEventListener('click', () => act(ACTIONS.redrive()));

    const open = (tr) => { window.location.hash = '#/session/' + encodeURIComponent(tr.dataset.sessionId); };
    const tbody = $('#transfers-table tbody');
    tbody.addEventListener('click', (event) => {
      const tr = event.target.closest('tr[data-session-id]');
      if (tr) open(tr);
    });
    tbody.addEventListener('keydown', (event) => {
      const tr = event.target.closest('tr[data-session-id]');
      if (tr && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        open(tr);
      }
    });

    let typing = null;
    $('#filter-state').addEventListener('change', () => { renderSessions(); refresh(); });
    $('#filter-text').addEventListener('input', () => {
      renderSessions();
      clearTimeout(typing);
      typing = setTimeout(refresh, 300);
    });
    window.addEventListener('hashchange', route);
    offerStates(KNOWN_STATES);
  }

  wire();
  if (sessionStorage.getItem(TOKEN_KEY)) startConsole();
  else showSignIn('');
}());
