/*
 * The waiting room. Asks the identity gate where this browser's ticket stands, exactly as often
 * as the server says (pollAfterMs), and moves on to identity verification when admitted.
 *
 * - The place is held by the server (signed ticket in an HttpOnly cookie); this tab also keeps the
 *   ticket in sessionStorage to send as Orderly-Ticket. A page opened without a ticket joins.
 * - Never asks sooner than the last answer allows, across reloads too (orderly.nextPollAt).
 * - Trouble on the way (offline, 429, 5xx) keeps the place: it shows a notice and asks again
 *   later, backing off up to 30 s, never faster than the server's last pollAfterMs.
 * - A refused ticket (403) or an expired pass (410) stops, explains and offers to join again.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  // Two lines use this page: identity (before verification) and booking (after it, one place per person).
  const gateName = new URLSearchParams(window.location.search).get('gate') === 'booking' ? 'booking' : 'identity';
  const gate = O.gateFor(gateName);
  // The booking line also stands in front of a change of booking (change.html sends ?then=change).
  const next = gateName === 'booking'
    ? (new URLSearchParams(window.location.search).get('then') === 'change' ? '/change.html' : '/book.html')
    : '/verify.html';
  const el = {
    loading: O.$('#queue-loading'),
    waiting: O.$('#queue-waiting'),
    admitted: O.$('#queue-admitted'),
    problem: O.$('#queue-problem'),
    connection: O.$('#connection'),
    ahead: O.$('#ahead'),
    eta: O.$('#eta'),
    progress: O.$('#progress'),
    progressLabel: O.$('#progress-label'),
    sequence: O.$('#sequence'),
    checked: O.$('#checked'),
    notOpen: O.$('#not-open'),
    notOpenText: O.$('#not-open-text'),
    notOpenTitle: O.$('#not-open-title'),
    announce: O.$('#announce'),
    title: document.querySelector('title'),
    lead: O.$('#lead'),
    admittedText: O.$('#admitted-text'),
    admittedLink: O.$('#admitted-link'),
    paused: O.$('#paused-badge')
  };
  if (gateName === 'booking') {
    O.setText(el.lead, 'wait.bookingLead');
    O.setText(el.admittedText, 'wait.bookingAdmittedText');
    O.setText(el.admittedLink, 'wait.bookingAdmittedLink');
    el.admittedLink.href = next;
  }
  const MIN_POLL_MS = 250;
  const MAX_BACKOFF_MS = 30000;
  const ANNOUNCE_EVERY_MS = 30000;

  let timer = null;
  let pending = null;
  let failures = 0;
  let lastPollAfter = 1000;
  let lastAnnounced = 0;

  function schedule(ms, step) {
    clearTimeout(timer);
    pending = step || poll;
    timer = setTimeout(() => {
      timer = null;
      pending();
    }, Math.max(0, ms));
  }

  function backoff(hintMs) {
    const exponential = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures, 5));
    return Math.max(lastPollAfter, hintMs || 0, exponential);
  }

  function show(part) {
    for (const name of ['loading', 'waiting', 'admitted', 'problem']) {
      el[name].hidden = name !== part;
    }
  }

  async function join() {
    let r;
    try {
      r = await O.api('POST', '/api/gates/' + gateName + '/join');
    } catch (e) {
      return trouble(e, join);
    }
    if (r.ok && r.data) {
      gate.remember(r.data);
      return answered(r.data);
    }
    if (r.status === 429 || r.status >= 500) {
      return trouble(r.problem, join, r.retryAfterMs);
    }
    if (r.status === 401) {
      // The booking line is for verified people: verification first.
      window.location.replace('/verify.html');
      return;
    }
    return refused(r.problem);
  }

  async function poll() {
    const ticket = gate.ticket();
    let r;
    try {
      r = await O.api('GET', '/api/gates/' + gateName + '/status', { headers: ticket ? { 'Orderly-Ticket': ticket } : {} });
    } catch (e) {
      return trouble(e, poll);
    }
    if (r.ok && r.data) {
      gate.remember(r.data);
      return answered(r.data);
    }
    if (r.status === 400 && r.problem.slug === 'no-ticket') {
      gate.forget();
      return join();
    }
    if (r.status === 403 || r.status === 409 || r.status === 410) {
      return refused(r.problem);
    }
    return trouble(r.problem, poll, r.retryAfterMs);
  }

  function answered(answer) {
    failures = 0;
    O.clear(el.connection);
    if (answer.state === 'admitted') {
      return admitted();
    }
    render(answer);
    lastPollAfter = Math.max(MIN_POLL_MS, Number(answer.pollAfterMs) || 0);
    schedule(untilResume(answer, lastPollAfter));
  }

  /**
   * A paused line that said when it resumes is asked again just after that time rather than a
   * whole poll interval later, so the head of the line moves on at once; a little spread keeps
   * the pages from all asking in the same instant. When the restart is late, the page keeps
   * asking, less and less often (half the lateness, at least 2 s), up to the server's interval.
   */
  let announcedBack = 0;
  function untilResume(answer, pollAfter) {
    if (answer.phase !== 'PAUSED') {
      announcedBack = 0;
      return pollAfter;
    }
    const back = Date.parse(answer.expectedBack || '');
    if (Number.isFinite(back)) {
      announcedBack = back;
    }
    if (!announcedBack) {
      return pollAfter;
    }
    const left = announcedBack - Date.now();
    const wait = left > 0 ? left : Math.max(2000, -left / 2);
    return Math.min(pollAfter, Math.max(MIN_POLL_MS, wait + Math.random() * 2000));
  }

  /** Keeps the place and asks again later; says so without alarming. */
  function trouble(problem, step, retryAfterMs) {
    failures++;
    const offline = problem instanceof O.NetworkError || navigator.onLine === false;
    const box = O.problemBox(offline ? { slug: 'network' } : problem, {
      tone: 'warning',
      args: {},
      actions: O.h('p', { class: 'small', i18n: 'wait.keptPlace' })
    });
    box.setAttribute('role', 'status');
    O.fill(el.connection, box);
    el.connection.hidden = false;
    const delay = backoff(retryAfterMs);
    gate.holdUntil(Date.now() + delay);
    schedule(delay, step);
  }

  function refused(problem) {
    clearTimeout(timer);
    timer = null;
    O.clear(el.connection);
    const again = O.h('button', { type: 'button', class: 'button block' }, O.h('span', { i18n: 'wait.rejoin' }));
    again.addEventListener('click', () => {
      O.busy(again, true, 'landing.joining');
      gate.forget();
      join();
    });
    const home = O.h('a', { class: 'button secondary block', href: '/', i18n: 'common.backHome' });
    show('problem');
    O.showProblem(el.problem, problem, { actions: [again, home] });
    O.setText(el.title, 'wait.pageTitle');
  }

  function admitted() {
    clearTimeout(timer);
    timer = null;
    show('admitted');
    O.setText(el.announce, 'wait.admittedTitle');
    O.setText(el.title, 'wait.admittedTitle');
    // replace(): the back button should not lead into the waiting room again.
    window.location.replace(next);
  }

  function render(answer) {
    const ahead = Math.max(0, Number(answer.ahead) || 0);
    const firstKey = gateName === 'identity' ? 'orderly.firstAhead' : 'orderly.firstAhead.' + gateName;
    const first = O.session.get(firstKey);
    const firstAhead = first && first.rank === answer.rank ? Math.max(first.ahead, ahead) : ahead;
    O.session.set(firstKey, { rank: answer.rank, ahead: firstAhead });

    O.setText(el.ahead, 'wait.aheadValue', { n: ahead });
    const paused = answer.phase === 'PAUSED';
    // Paused: no estimate and no progress (nobody moves); the restart time is in the notice below.
    el.progress.hidden = paused;
    el.progressLabel.hidden = paused;
    el.paused.hidden = !paused;
    if (paused) {
      O.setText(el.eta, 'wait.etaPausedUnknown');
    } else if (!answer.open) {
      O.setText(el.eta, 'wait.etaNotOpen', { eta: { duration: answer.etaSeconds } });
    } else if (ahead === 0) {
      O.setText(el.eta, 'wait.etaSoon');
    } else {
      O.setText(el.eta, 'wait.eta', { eta: { duration: answer.etaSeconds } });
    }
    const done = firstAhead - ahead;
    el.progress.max = Math.max(1, firstAhead);
    el.progress.value = firstAhead === 0 ? 1 : done;
    const percent = firstAhead === 0 ? 100 : Math.round((done / firstAhead) * 100);
    O.setText(el.progressLabel, 'wait.progress', { percent });
    if (answer.inPreQueue) {
      O.setText(el.sequence, 'wait.preQueueNumber');
    } else {
      O.setText(el.sequence, 'wait.sequenceValue', { n: answer.rank });
    }
    O.setText(el.checked, 'wait.checkedValue', { at: { instant: Date.now(), style: 'time' } });
    el.notOpen.hidden = !!answer.open;
    O.setText(el.notOpenTitle, answer.phase === 'PAUSED' ? 'wait.pausedTitle' : 'wait.notOpenTitle');
    if (answer.phase === 'PAUSED') {
      // The operator's message in the page's language (the other one when that is empty), and when the line should move again.
      const own = O.language() === 'en' ? answer.messageEn : answer.message;
      const other = O.language() === 'en' ? answer.message : answer.messageEn;
      const message = own || other || '';
      if (answer.expectedBack) {
        O.setText(el.notOpenText, 'wait.pausedUntil', { message, back: { instant: answer.expectedBack, style: 'time' } });
      } else {
        O.setText(el.notOpenText, 'wait.paused', { message });
      }
    } else if (!answer.open) {
      O.setText(el.notOpenText, 'wait.notOpen', { opensAt: { instant: answer.opensAt, style: 'datetime' } });
    }
    O.setText(el.title, 'wait.pageTitleAhead', { n: ahead });
    if (!paused && Date.now() - lastAnnounced > ANNOUNCE_EVERY_MS) {
      lastAnnounced = Date.now();
      O.setText(el.announce, 'wait.announce', { n: ahead, eta: { duration: answer.etaSeconds } });
    }
    show('waiting');
  }

  window.addEventListener('online', () => {
    // Back online: ask as soon as the server's last answer allows, not sooner.
    if (timer && pending) {
      schedule(Math.max(0, gate.nextPollAt() - Date.now()), pending);
    }
  });

  (function start() {
    if (!gate.ticket()) {
      join();
      return;
    }
    const last = gate.last();
    const fresh = last && last.answer && Date.now() - last.at < 5000;
    if (fresh && last.answer.state === 'admitted') {
      admitted();
      return;
    }
    let delay = gate.nextPollAt() - Date.now();
    if (last && last.answer && last.answer.state === 'waiting' && last.answer.rank !== undefined) {
      render(last.answer);
      delay = untilResume(last.answer, delay);
    }
    schedule(delay);
  })();
})();
