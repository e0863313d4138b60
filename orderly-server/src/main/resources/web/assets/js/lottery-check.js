/*
 * The lottery check (docs/lottery.md): fetches the gate's public lottery, checks in this browser
 * that the revealed secret hashes to the commitment published before joins opened, recomputes the
 * rank of the ticket's number exactly as the server draws it (HMAC-SHA256 Feistel permutation,
 * cycle-walked) and compares it with the rank the gate serves. BigInt keeps every step exact.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const ROUNDS = 4;
  const MIN_BITS = 8n;
  const enc = new TextEncoder();
  const el = {
    form: O.$('#check-form'),
    gate: O.$('#gate'),
    ticket: O.$('#ticket'),
    check: O.$('#check'),
    problem: O.$('#problem'),
    result: O.$('#result'),
    verdict: O.$('#verdict')
  };
  O.translate(document);

  const hex = bytes => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  const unhex = s => new Uint8Array(s.match(/../g).map(h => parseInt(h, 16)));
  const concat = (a, b) => {
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  };

  async function hmacKey(raw) {
    return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }

  async function hmac(key, data) {
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
  }

  /** Lowercase hex SHA-256 of the secret followed by "|" and the gate's name. */
  async function commitment(secret, gate) {
    return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', concat(secret, enc.encode('|' + gate)))));
  }

  /** The rank (1..size) of pre-queue number (1..size), as PreQueueOrder draws it. */
  async function rankOf(secret, gate, opensAtMillis, size, number) {
    const key = await hmacKey(await hmac(await hmacKey(secret), enc.encode('pre-queue|' + gate + '|' + opensAtMillis)));
    const n = BigInt(size);
    const below = n - 1n > 0n ? n - 1n : 1n;
    const width = BigInt(below.toString(2).length);
    const bits = width > MIN_BITS ? width : MIN_BITS;
    const half = (bits + 1n) / 2n;
    const mask = (1n << half) - 1n;
    const cache = new Map();
    async function round(r, value) {
      const k = r + ':' + value;
      if (!cache.has(k)) {
        const data = new Uint8Array(9);
        data[0] = r;
        new DataView(data.buffer).setBigUint64(1, value);
        const out = await hmac(key, data);
        cache.set(k, new DataView(out.buffer).getBigUint64(0) & mask);
      }
      return cache.get(k);
    }
    let x = BigInt(number) - 1n;
    do {
      let left = (x >> half) & mask;
      let right = x & mask;
      for (let r = 0; r < ROUNDS; r++) {
        const next = left ^ await round(r, right);
        left = right;
        right = next;
      }
      x = (left << half) | right;
    } while (x >= n);
    return Number(x + 1n);
  }

  /** The ticket's gate and number: keyId.base64url(gate|number|issuedAt|browser|holder).signature. */
  function ticketFields(token) {
    const parts = token.trim().split('.');
    if (parts.length !== 3) {
      return null;
    }
    try {
      const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      const text = new TextDecoder().decode(Uint8Array.from(atob(b64 + '='.repeat((4 - b64.length % 4) % 4)), c => c.charCodeAt(0)));
      const f = text.split('|');
      return f.length === 5 && /^\d+$/.test(f[1]) ? { gate: f[0], number: Number(f[1]) } : null;
    } catch (e) {
      return null;
    }
  }

  function set(id, text) {
    O.$(id).textContent = text;
  }

  function verdict(kind, titleKey, texts) {
    O.fill(el.verdict, O.h('div', { class: 'alert ' + kind, role: kind === 'error' ? 'alert' : 'status' },
      O.h('p', { class: 'alert-title' }, O.t(titleKey)), ...texts.map(t => O.h('p', {}, t))));
  }

  function fillTicket() {
    const held = O.gateFor(el.gate.value).ticket();
    if (held && !el.ticket.value.trim()) {
      el.ticket.value = held;
    }
  }

  async function check() {
    O.clear(el.problem);
    el.problem.hidden = true;
    const gate = el.gate.value;
    const token = el.ticket.value.trim();
    const fields = token ? ticketFields(token) : null;
    if (token && (!fields || fields.gate !== gate)) {
      el.result.hidden = true;
      O.fill(el.problem, O.h('div', { class: 'alert error', role: 'alert' }, O.h('p', {}, O.t('lottery.badTicket'))));
      el.problem.hidden = false;
      O.focus(el.ticket);
      return;
    }
    const answer = await O.api('GET', '/api/gates/' + encodeURIComponent(gate) + '/lottery');
    if (!answer.ok) {
      O.showProblem(el.problem, answer.problem);
      el.problem.hidden = false;
      return;
    }
    const lottery = answer.data;
    set('#commitment', lottery.commitment);
    set('#committed-at', O.fmt.instant(lottery.committedAt) + ' · '
      + O.t(lottery.committedBeforeJoins ? 'lottery.committedBeforeJoins' : 'lottery.committedLate'));
    set('#secret', lottery.revealed ? lottery.secret : O.t('lottery.before'));
    set('#size', lottery.revealed ? O.fmt.value(lottery.preQueueSize) : O.t('lottery.before'));
    set('#number', fields ? O.fmt.value(fields.number) : '—');
    set('#recomputed', '—');
    set('#served', '—');
    el.result.hidden = false;
    if (!lottery.revealed) {
      verdict('info', 'lottery.notRevealed', [O.t('lottery.notRevealedText')]);
      return;
    }
    if (!window.crypto || !crypto.subtle) {
      verdict('warning', 'lottery.mismatchTitle', [O.t('lottery.noCrypto')]);
      return;
    }
    const secret = unhex(lottery.secret);
    const committed = (await commitment(secret, gate)) === lottery.commitment;
    if (!fields) {
      verdict(committed ? 'success' : 'error', committed ? 'lottery.yes' : 'lottery.mismatchTitle',
        [committed ? lottery.commitment : O.t('lottery.commitmentMismatch')]);
      return;
    }
    const served = await O.api('GET', '/api/gates/' + encodeURIComponent(gate) + '/lottery/place', { headers: { 'Orderly-Ticket': token } });
    const servedRank = served.ok ? served.data.rank : null;
    set('#served', servedRank === null ? '—' : O.fmt.value(servedRank));
    if (fields.number > lottery.preQueueSize) {
      set('#recomputed', O.fmt.value(fields.number));
      verdict(servedRank === fields.number ? 'info' : 'error', servedRank === fields.number ? 'lottery.matchTitle' : 'lottery.mismatchTitle',
        [O.t('lottery.afterOpening', { rank: fields.number })]);
      return;
    }
    const mine = await rankOf(secret, gate, lottery.opensAtMillis, lottery.preQueueSize, fields.number);
    set('#recomputed', O.fmt.value(mine));
    const problems = [];
    if (!committed) {
      problems.push(O.t('lottery.commitmentMismatch'));
    }
    if (servedRank !== mine) {
      problems.push(O.t('lottery.rankMismatch', { mine, served: servedRank === null ? '—' : servedRank }));
    }
    if (problems.length) {
      verdict('error', 'lottery.mismatchTitle', problems);
    } else {
      verdict('success', 'lottery.matchTitle', [O.t('lottery.matchText', { rank: mine })]);
    }
  }

  const params = new URLSearchParams(window.location.search);
  if (params.get('gate') === 'booking' || params.get('gate') === 'identity') {
    el.gate.value = params.get('gate');
  }
  fillTicket();
  el.gate.addEventListener('change', () => {
    el.ticket.value = '';
    fillTicket();
  });
  el.form.addEventListener('submit', async event => {
    event.preventDefault();
    O.busy(el.check, true, 'lottery.checking');
    try {
      await check();
    } catch (e) {
      O.showProblem(el.problem, e);
      el.problem.hidden = false;
    } finally {
      O.busy(el.check, false);
    }
  });
})();
