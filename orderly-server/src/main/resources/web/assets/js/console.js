/*
 * The operator console: staff sign-in, the live dashboard (pushed every second over
 * Server-Sent Events, charts with uPlot) and every control of the night. Every change is confirmed
 * in a dialog before it is sent, and the server records it in the audit log.
 */
(function () {
  'use strict';

  const O = window.Orderly;
  const $ = id => document.getElementById(id);
  const h = O.h;
  const SEOUL_OFFSET = '+09:00'; // Korea keeps no daylight saving time: Seoul is always UTC+9.

  let me = null;
  let stream = null;
  let chartHour = null;
  let chartDay = null;
  let hourData = null;
  let auditBefore = null;

  // ---------------------------------------------------------------- helpers

  function num(v, digits) {
    if (v === null || v === undefined || Number.isNaN(Number(v))) {
      return '–';
    }
    return Number(v).toLocaleString(O.language() === 'ko' ? 'ko-KR' : 'en-GB',
      { maximumFractionDigits: digits === undefined ? 1 : digits });
  }

  function pct(v) {
    return v === null || v === undefined ? '–' : num(v * 100, 1) + ' %';
  }

  function when(iso) {
    return iso ? O.fmt.instant(iso, 'datetime') : '–';
  }

  /** A datetime-local value (Seoul wall clock) as an instant with its offset, or null when empty. */
  function seoulInstant(local) {
    if (!local) {
      return null;
    }
    return (local.length === 16 ? local + ':00' : local) + SEOUL_OFFSET;
  }

  /** An instant as a datetime-local value on the Seoul wall clock. */
  function seoulLocal(iso) {
    const d = new Date(new Date(iso).getTime() + 9 * 3600 * 1000);
    return d.toISOString().slice(0, 19);
  }

  function table(target, head, rows) {
    const t = $(target);
    O.fill(t,
      h('thead', null, h('tr', null, head.map(k => h('th', { scope: 'col', i18n: k })))),
      h('tbody', null, rows.length ? rows.map(r => h('tr', null, r.map(c => h('td', null, c))))
        : h('tr', null, h('td', { colspan: String(head.length), class: 'muted', i18n: 'console.none' }))));
    O.translate(t);
  }

  function problem(p) {
    O.showProblem($('problem'), p);
  }

  function clearProblem() {
    O.clear($('problem'));
  }

  /** Asks before a change: {@code lines} say what will happen; resolves true when confirmed. */
  function confirmChange(titleKey, lines) {
    const dialog = $('confirm');
    O.setText($('confirm-title'), titleKey);
    O.fill($('confirm-body'), h('ul', null, lines.map(l => h('li', null, l))));
    return new Promise(resolve => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.showModal();
      $('confirm-ok').focus();
    });
  }

  async function change(titleKey, lines, method, path, json) {
    if (!(await confirmChange(titleKey, lines))) {
      return null;
    }
    clearProblem();
    const r = await O.api(method, path, json === undefined ? undefined : { json });
    if (!r.ok) {
      problem(r.problem);
      return null;
    }
    return r;
  }

  // ---------------------------------------------------------------- sign-in

  function showSignIn() {
    me = null;
    closeStream();
    $('console').hidden = true;
    $('who').hidden = true;
    $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    $('login').focus();
  }

  function signedIn(account) {
    me = account;
    $('sign-in').hidden = true;
    $('console').hidden = false;
    $('who').hidden = false;
    $('who').textContent = account.name + ' · ' + account.role;
    $('sign-out').hidden = false;
    document.body.dataset.role = account.role;
    route();
    if (seesAlerts()) {
      loadAlerts();
    }
  }

  /** Operators and auditors see the watchdog's alerts (AccessRules); other staff do not ask. */
  function seesAlerts() {
    return me !== null && /^(operator|auditor)$/i.test(me.role);
  }

  $('sign-in-form').addEventListener('submit', async e => {
    e.preventDefault();
    clearProblem();
    const button = e.target.querySelector('button[type=submit]');
    O.busy(button, true, 'console.signingIn');
    try {
      const body = { login: $('login').value.trim(), password: $('password').value };
      if ($('code').value.trim()) {
        body.code = $('code').value.trim();
      }
      const r = await O.api('POST', '/api/staff/sign-in', { json: body });
      if (r.ok) {
        $('password').value = '';
        $('code').value = '';
        signedIn(r.data);
      } else {
        problem(r.problem);
      }
    } catch (err) {
      problem({ slug: 'network' });
    } finally {
      O.busy(button, false);
    }
  });

  $('sign-out').addEventListener('click', async () => {
    try {
      await O.api('POST', '/api/staff/sign-out');
    } finally {
      showSignIn();
    }
  });

  // ---------------------------------------------------------------- sections

  const loaders = {
    dashboard: loadDashboard,
    gates: loadGates,
    cohorts: loadCohorts,
    capacity: () => {},
    groups: loadGroups,
    audit: () => loadAudit(true),
    staff: loadStaff,
    integrity: () => {},
    messages: loadMessages,
    alerts: loadAlerts
  };

  function route() {
    if (!me) {
      return;
    }
    const wanted = (location.hash || '#dashboard').slice(1);
    const section = Object.prototype.hasOwnProperty.call(loaders, wanted) ? wanted : 'dashboard';
    document.querySelectorAll('.console-section').forEach(s => { s.hidden = s.id !== 'section-' + section; });
    document.querySelectorAll('.console-nav button').forEach(b => {
      b.setAttribute('aria-current', b.dataset.section === section ? 'page' : 'false');
    });
    if (section !== 'dashboard') {
      closeStream();
    }
    clearProblem();
    loaders[section]();
  }

  document.querySelectorAll('.console-nav button').forEach(b => {
    b.addEventListener('click', () => { location.hash = b.dataset.section; });
  });
  window.addEventListener('hashchange', route);

  // ---------------------------------------------------------------- dashboard

  function closeStream() {
    if (stream) {
      stream.close();
      stream = null;
    }
  }

  async function loadDashboard() {
    const r = await O.api('GET', '/api/operator/dashboard');
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    setupCharts(r.data.history);
    if (!r.data.latest.starting) {
      render(r.data.latest);
    }
    closeStream();
    stream = new EventSource('/api/operator/dashboard/stream');
    stream.addEventListener('figures', e => {
      O.setText($('live-state'), 'console.dash.live');
      const figures = JSON.parse(e.data);
      if (!figures.starting) {
        render(figures);
        appendPoint(figures);
      }
    });
    stream.addEventListener('error', () => O.setText($('live-state'), 'console.dash.reconnecting'));
  }

  function big(key, value, tone) {
    return h('div', { class: 'big-number' + (tone ? ' ' + tone : '') },
      h('span', { class: 'big-value', text: value }), h('span', { class: 'big-label', i18n: key }));
  }

  function render(f) {
    $('live-at').textContent = O.fmt.instant(f.at, 'time') + ' · ' + f.nodesUp + ' node(s)';
    const problems = f.problems || [];
    $('dash-problems').hidden = problems.length === 0;
    $('dash-problems').textContent = problems.join(' · ');
    const waiting = f.gates.reduce((s, g) => s + g.waiting, 0);
    const admitted = f.gates.reduce((s, g) => s + g.actualPerSecond, 0);
    const errors = f.errors.http5xxPerSecond;
    O.fill($('big-numbers'),
      big('console.dash.waiting', num(waiting, 0)),
      big('console.dash.admittedPerSecond', num(admitted)),
      big('console.dash.verifiedPerSecond', num(f.identity.verifiedPerSecond)),
      big('console.dash.bookedPerSecond', num(f.booking.bookedPerSecond)),
      big('console.dash.errorsPerSecond', num(errors), errors > 0 ? 'bad' : ''),
      big('console.dash.limitedPerSecond', num(f.errors.http429PerSecond)),
      big('console.dash.nodesUp', num(f.nodesUp, 0)));
    O.translate($('big-numbers'));
    table('gate-table', ['console.col.gate', 'console.col.state', 'console.col.waiting', 'console.col.setRate',
      'console.col.actualRate', 'console.col.admittedUpTo', 'console.col.etaLast', 'console.col.joinsRate'],
    f.gates.map(g => [g.name, h('span', { class: 'state state-' + g.phase.toLowerCase(), i18n: 'console.phase.' + g.phase }),
      num(g.waiting, 0), num(g.setPerSecond), num(g.actualPerSecond), num(g.admittedUpTo, 0),
      O.t('console.duration', { d: { duration: g.etaOfLastSeconds } }), num(g.joinsPerSecond)]));
    table('provider-table', ['console.col.provider', 'console.col.light', 'console.col.challenges', 'console.col.checks',
      'console.col.verified', 'console.col.latency', 'console.col.errors'],
    f.identity.providers.map(p => [p.name, h('span', { class: 'light light-' + p.light, i18n: 'console.light.' + p.light }),
      num(p.challengesPerSecond), num(p.checksPerSecond), num(p.verifiedPerSecond), num(p.meanLatencyMs, 0) + ' ms', pct(p.errorRatio)]));
    const refusals = Object.entries(f.booking.refusedPerSecond || {}).map(([k, v]) => k + ' ' + num(v)).join(', ') || '–';
    table('booking-table', ['console.col.what', 'console.col.perSecond'], [
      [O.t('console.dash.booked'), num(f.booking.bookedPerSecond)],
      [O.t('console.dash.refused'), refusals],
      [O.t('console.dash.changes'), num(f.booking.changesPerSecond)],
      [O.t('console.dash.cancels'), num(f.booking.cancelsPerSecond)],
      [O.t('console.dash.successRate'), pct(f.identity.successRate)]]);
    table('cohort-table', ['console.col.cohort', 'console.col.eligible', 'console.col.booked', 'console.col.rate'],
      (f.booking.cohorts || []).map(c => [c.name, num(c.eligible, 0), num(c.booked, 0), h('strong', { text: pct(c.rate) })]));
    O.fill($('digit-bars'), (f.booking.digits || []).map(d => h('div', { class: 'digit-bar' },
      h('span', { class: 'digit', text: String(d.digit) }),
      h('meter', { min: '0', max: '1', value: String(d.rate), 'aria-label': String(d.digit) }),
      h('span', { class: 'digit-rate', text: pct(d.rate) + ' (' + num(d.booked, 0) + ' / ' + num(d.eligible, 0) + ')' }))));
    table('capacity-table', ['console.col.province', 'console.col.product', 'console.col.capacity', 'console.col.booked', 'console.col.left'],
      (f.booking.capacity || []).map(c => [c.province, c.product, num(c.capacity, 0),
        num(c.booked, 0), h('strong', { text: num(c.left, 0) })]));
  }

  const SERIES = ['joins', 'admitted', 'verified', 'booked', 'errors'];
  const COLOURS = ['#6b7280', '#1d4ed8', '#0f766e', '#15803d', '#b91c1c'];

  function columns(points, fields) {
    const index = name => fields.indexOf(name);
    const data = [points.map(p => p[index('t')])];
    SERIES.forEach(s => data.push(points.map(p => p[index(s)])));
    return data;
  }

  function chartOptions(width) {
    return {
      width,
      height: 220,
      tzDate: ts => uPlot.tzDate(new Date(ts * 1000), 'Asia/Seoul'),
      series: [{}].concat(SERIES.map((s, i) => ({ label: O.t('console.series.' + s), stroke: COLOURS[i], width: 2 }))),
      axes: [{}, { size: 60 }]
    };
  }

  function setupCharts(historyData) {
    if (typeof uPlot === 'undefined') {
      return;
    }
    const fields = historyData.fields;
    hourData = columns(historyData.seconds, fields);
    const dayData = columns(historyData.minutes, fields);
    const width = Math.max(280, $('chart-hour').parentElement.clientWidth - 16);
    O.fill($('chart-hour'));
    O.fill($('chart-day'));
    chartHour = new uPlot(chartOptions(width), hourData, $('chart-hour'));
    chartDay = new uPlot(chartOptions(width), dayData, $('chart-day'));
  }

  function appendPoint(f) {
    if (!chartHour || !hourData) {
      return;
    }
    const t = Math.floor(new Date(f.at).getTime() / 1000);
    const values = [f.gates.reduce((s, g) => s + g.joinsPerSecond, 0), f.gates.reduce((s, g) => s + g.actualPerSecond, 0),
      f.identity.verifiedPerSecond, f.booking.bookedPerSecond, f.errors.http5xxPerSecond];
    hourData[0].push(t);
    values.forEach((v, i) => hourData[i + 1].push(v));
    if (hourData[0].length > 3600) {
      hourData.forEach(col => col.shift());
    }
    chartHour.setData(hourData);
  }

  // ---------------------------------------------------------------- gates

  async function loadGates() {
    const r = await O.api('GET', '/api/operator/gates');
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    O.fill($('gate-cards'), r.data.map(gateCard));
    O.translate($('gate-cards'));
  }

  function gateCard(g) {
    const f = g.figures || {};
    const id = 'gate-' + g.name;
    const ko = h('textarea', { id: id + '-ko', rows: '2', maxlength: '500' });
    const en = h('textarea', { id: id + '-en', rows: '2', maxlength: '500' });
    const back = h('input', { id: id + '-back', type: 'datetime-local' });
    ko.value = g.message || '';
    en.value = g.messageEn || '';
    if (g.expectedBack) {
      back.value = seoulLocal(g.expectedBack).slice(0, 16);
    }
    const rate = h('input', { id: id + '-rate', type: 'number', min: '0.1', step: '0.1' });
    if (g.admission && g.admission.perSecond !== undefined) {
      rate.value = g.admission.perSecond;
    }
    // Any policy (fixed rate, concurrency target, adaptive) as the API takes it; the rate field above is the quick way.
    const policy = h('textarea', { id: id + '-policy', rows: '3', spellcheck: 'false', class: 'mono' });
    policy.value = g.admission ? JSON.stringify(g.admission) : '';
    const setPolicy = h('button', { type: 'button', class: 'button secondary', i18n: 'console.gates.setPolicy', 'data-action': 'policy' });
    setPolicy.addEventListener('click', async () => {
      let body;
      try {
        body = JSON.parse(policy.value);
      } catch (err) {
        problem({ slug: 'bad-request', title: 'JSON', detail: err.message });
        return;
      }
      if (await change('console.confirm.title', [O.t('console.gates.willPolicy', { gate: g.name }), JSON.stringify(body)], 'PUT',
        '/api/operator/gates/' + g.name + '/admission', body)) {
        loadGates();
      }
    });
    const pause = h('button', { type: 'button', class: 'button', i18n: 'console.gates.pause', 'data-action': 'pause' });
    const resume = h('button', { type: 'button', class: 'button secondary', i18n: 'console.gates.resume', 'data-action': 'resume' });
    const close = h('button', { type: 'button', class: 'button danger', i18n: 'console.gates.close', 'data-action': 'close' });
    const setRate = h('button', { type: 'button', class: 'button secondary', i18n: 'console.gates.setRate', 'data-action': 'rate' });
    pause.addEventListener('click', async () => {
      const body = { message: ko.value.trim(), messageEn: en.value.trim() };
      const backAt = seoulInstant(back.value);
      if (backAt) {
        body.expectedBack = backAt;
      }
      const lines = [O.t('console.gates.willPause', { gate: g.name }), '한국어: ' + (body.message || '–'), 'English: ' + (body.messageEn || '–'),
        O.t('console.gates.back') + ': ' + (backAt ? when(backAt) : '–')];
      if (await change('console.confirm.title', lines, 'POST', '/api/operator/gates/' + g.name + '/pause', body)) {
        loadGates();
      }
    });
    resume.addEventListener('click', async () => {
      if (await change('console.confirm.title', [O.t('console.gates.willResume', { gate: g.name })], 'POST',
        '/api/operator/gates/' + g.name + '/resume', {})) {
        loadGates();
      }
    });
    close.addEventListener('click', async () => {
      const body = { message: ko.value.trim(), messageEn: en.value.trim() };
      if (await change('console.confirm.title', [O.t('console.gates.willClose', { gate: g.name })], 'POST',
        '/api/operator/gates/' + g.name + '/close', body)) {
        loadGates();
      }
    });
    setRate.addEventListener('click', async () => {
      const perSecond = Number(rate.value);
      if (!(perSecond > 0)) {
        rate.focus();
        return;
      }
      if (await change('console.confirm.title', [O.t('console.gates.willRate', { gate: g.name, rate: num(perSecond) })], 'PUT',
        '/api/operator/gates/' + g.name + '/admission', { policy: 'FIXED_RATE', perSecond })) {
        loadGates();
      }
    });
    // The saved mode first: the figures come from this node's view, which may be a tick behind a change just made.
    const state = g.mode !== 'ACTIVE' ? g.mode : (f.phase && f.phase !== 'PAUSED' && f.phase !== 'CLOSED' ? f.phase : 'ACTIVE');
    return h('section', { class: 'card gate-card', id, 'aria-labelledby': id + '-title' },
      h('h2', { id: id + '-title', class: 'card-title' }, g.name + ' ',
        h('span', { class: 'state state-' + state.toLowerCase(), i18n: 'console.phase.' + state })),
      h('dl', { class: 'facts' },
        h('dt', { i18n: 'console.col.waiting' }), h('dd', { text: num(f.waiting, 0) }),
        h('dt', { i18n: 'console.col.admittedUpTo' }), h('dd', { text: num(f.admitted, 0) }),
        h('dt', { i18n: 'console.col.measuredRate' }), h('dd', { text: num(f.admitPerSecond) }),
        h('dt', { i18n: 'console.gates.policy' }), h('dd', { text: g.admission ? JSON.stringify(g.admission) : '–' }),
        h('dt', { i18n: 'console.gates.opensAt' }), h('dd', { text: when(g.opensAt) })),
      h('div', { class: 'form-grid' },
        h('div', { class: 'field' }, h('label', { for: ko.id, i18n: 'console.gates.messageKo' }), ko),
        h('div', { class: 'field' }, h('label', { for: en.id, i18n: 'console.gates.messageEn' }), en),
        h('div', { class: 'field' }, h('label', { for: back.id, i18n: 'console.gates.back' }), back),
        h('div', { class: 'field' }, h('label', { for: rate.id, i18n: 'console.gates.rate' }), rate),
        h('div', { class: 'field' }, h('label', { for: policy.id, i18n: 'console.gates.policyJson' }), policy)),
      h('div', { class: 'button-row' }, pause, resume, setRate, setPolicy, close));
  }

  $('gate-form').addEventListener('submit', async e => {
    e.preventDefault();
    const name = $('g-name').value.trim();
    const opensAt = seoulInstant($('g-open').value);
    const body = {
      opensAt,
      joinFrom: seoulInstant($('g-join').value) || opensAt,
      admission: { policy: 'FIXED_RATE', perSecond: Number($('g-rate').value) },
      passLifetimeSeconds: Number($('g-life').value) || 600,
      keyedByPerson: $('g-keyed').checked
    };
    if (await change('console.confirm.title', [O.t('console.gates.willSave', { gate: name }), JSON.stringify(body)], 'PUT',
      '/api/operator/gates/' + encodeURIComponent(name), body)) {
      loadGates();
    }
  });

  // ---------------------------------------------------------------- cohorts

  async function loadCohorts() {
    const r = await O.api('GET', '/api/operator/cohorts');
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    O.fill($('cohort-list'), r.data.map(c => {
      const opens = h('input', { type: 'datetime-local', 'aria-label': O.t('console.cohorts.opens') });
      const closes = h('input', { type: 'datetime-local', 'aria-label': O.t('console.cohorts.closes') });
      const add = h('button', { type: 'button', class: 'button secondary', i18n: 'console.cohorts.addWindow' });
      add.addEventListener('click', async () => {
        const body = { opensAt: seoulInstant(opens.value), closesAt: seoulInstant(closes.value) };
        if (await change('console.confirm.title', [O.t('console.cohorts.willAddWindow', { cohort: c.name }),
          when(body.opensAt) + ' – ' + when(body.closesAt)], 'POST', '/api/operator/cohorts/' + c.id + '/windows', body)) {
          loadCohorts();
        }
      });
      const edit = h('button', { type: 'button', class: 'button secondary', i18n: 'console.cohorts.editThis' });
      edit.addEventListener('click', () => {
        $('c-id').value = c.id;
        const copy = Object.assign({}, c);
        delete copy.id;
        $('c-json').value = JSON.stringify(copy, null, 2);
        $('c-json').closest('details').open = true;
        $('c-json').focus();
      });
      return h('section', { class: 'card' },
        h('h2', { class: 'card-title', text: c.name + ' (' + c.id + ')' }),
        h('p', { class: 'small', text: c.bornFrom + ' – ' + c.bornTo + ' · ' + c.products.join(', ')
          + (c.specialGroup ? ' · ' + c.specialGroup : '') + (c.rotation ? ' · ' + c.rotation.mapping : '') }),
        h('ul', null, c.windows.map(w => h('li', { text: when(w.opensAt) + ' – ' + when(w.closesAt) + (w.unbookedOnly ? ' *' : '') }))),
        h('div', { class: 'button-row' }, opens, closes, add, edit));
    }));
    O.translate($('cohort-list'));
  }

  $('cohort-form').addEventListener('submit', async e => {
    e.preventDefault();
    let body;
    try {
      body = JSON.parse($('c-json').value);
    } catch (err) {
      problem({ slug: 'bad-request', title: 'JSON', detail: err.message });
      return;
    }
    const id = $('c-id').value.trim();
    if (await change('console.confirm.title', [O.t('console.cohorts.willSave', { cohort: id })], 'PUT',
      '/api/operator/cohorts/' + encodeURIComponent(id), body)) {
      loadCohorts();
    }
  });

  // ---------------------------------------------------------------- capacity

  async function showCapacity(clinicId, from, days) {
    const r = await O.api('GET', '/api/operator/capacity?clinicId=' + encodeURIComponent(clinicId) + '&from=' + encodeURIComponent(from)
      + '&days=' + encodeURIComponent(days));
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    table('capacity-days', ['console.col.day', 'console.col.product', 'console.col.group', 'console.col.capacity', 'console.col.booked'],
      r.data.buckets.map(b => [b.day, b.product, b.group === null ? '–' : String(b.group), num(b.capacity, 0), num(b.booked, 0)]));
  }

  $('capacity-query').addEventListener('submit', e => {
    e.preventDefault();
    clearProblem();
    showCapacity($('q-clinic').value, $('q-from').value, $('q-days').value || 14);
  });

  $('capacity-form').addEventListener('submit', async e => {
    e.preventDefault();
    const body = { clinicId: Number($('s-clinic').value), product: $('s-product').value.trim(), from: $('s-from').value,
      capacity: Number($('s-capacity').value) };
    if ($('s-to').value) {
      body.to = $('s-to').value;
    }
    if ($('s-split').checked) {
      body.splitByRotation = true;
    }
    if (await change('console.confirm.title', [O.t('console.capacity.willSet', body)], 'PUT', '/api/operator/capacity', body)) {
      showCapacity(body.clinicId, body.from, 14);
    }
  });

  // ---------------------------------------------------------------- special groups

  async function loadGroups() {
    const r = await O.api('GET', '/api/operator/special-groups');
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    table('group-table', ['console.col.group', 'console.col.members'], r.data.map(g => [g.group, num(g.members, 0)]));
  }

  $('group-form').addEventListener('submit', async e => {
    e.preventDefault();
    const file = $('g-file').files[0];
    if (!file) {
      return;
    }
    const replace = $('g-replace').checked;
    if (!(await confirmChange('console.confirm.title', [O.t('console.groups.willUpload', { file: file.name, size: num(file.size, 0) }),
      replace ? O.t('console.groups.replace') : '']))) {
      return;
    }
    clearProblem();
    const text = await file.text();
    const response = await fetch('/api/operator/special-groups?replace=' + replace, {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'text/csv; charset=utf-8', Accept: 'application/json' }, body: text
    });
    const data = await response.json().catch(() => ({}));
    const report = $('group-report');
    if (response.ok) {
      O.fill(report, h('div', { class: 'alert success', role: 'status' },
        h('p', { text: O.t('console.groups.stored', { accepted: num(data.accepted, 0), groups: (data.groups || []).join(', ') }) })));
      loadGroups();
    } else {
      const rows = (data.rejections || []).map(x => h('tr', null, h('td', { text: String(x.line) }), h('td', { text: x.reason })));
      O.fill(report, h('div', { class: 'alert error', role: 'alert' },
        h('p', { class: 'alert-title', text: data.title || String(response.status) }), h('p', { text: data.detail || '' }),
        rows.length ? h('table', { class: 'data' }, h('thead', null, h('tr', null, h('th', { i18n: 'console.col.line' }),
          h('th', { i18n: 'console.col.reason' }))), h('tbody', null, rows)) : null));
      O.translate(report);
    }
  });

  // ---------------------------------------------------------------- audit

  function auditQuery() {
    const q = new URLSearchParams();
    if ($('a-actor').value.trim()) {
      q.set('actor', $('a-actor').value.trim());
    }
    if ($('a-action').value.trim()) {
      q.set('action', $('a-action').value.trim());
    }
    if ($('a-from').value) {
      q.set('from', seoulInstant($('a-from').value));
    }
    if ($('a-to').value) {
      q.set('to', seoulInstant($('a-to').value));
    }
    return q;
  }

  /** A recorded state: the API answers it as JSON (an object for a gate, cohort or capacity). */
  function state(v) {
    return typeof v === 'string' ? v : JSON.stringify(v);
  }

  async function loadAudit(fresh) {
    const q = auditQuery();
    $('audit-csv').href = '/api/operator/audit.csv?' + q.toString();
    q.set('limit', '100');
    if (!fresh && auditBefore !== null) {
      q.set('before', String(auditBefore));
    }
    const r = await O.api('GET', '/api/operator/audit?' + q.toString());
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    const entries = Array.isArray(r.data) ? r.data : (r.data.entries || []);
    const rows = entries.map(a => [String(a.sequence), when(a.at), a.actor + ' (' + a.role + ')', a.action, a.target || '',
      h('code', { class: 'diff', text: (a.before ? 'before ' + state(a.before) + '\n' : '') + (a.after ? 'after ' + state(a.after) : '') }), a.address || '']);
    if (fresh) {
      table('audit-table', ['console.col.seq', 'console.col.when', 'console.col.who', 'console.col.action', 'console.col.target',
        'console.col.change', 'console.col.address'], rows);
    } else {
      const body = $('audit-table').querySelector('tbody');
      rows.forEach(r2 => body.appendChild(h('tr', null, r2.map(c => h('td', null, c)))));
    }
    auditBefore = entries.length ? entries[entries.length - 1].sequence : auditBefore;
    $('audit-more').hidden = entries.length < 100;
  }

  $('audit-filter').addEventListener('submit', e => {
    e.preventDefault();
    auditBefore = null;
    loadAudit(true);
  });
  $('audit-more').addEventListener('click', () => loadAudit(false));
  $('audit-verify').addEventListener('click', async () => {
    const r = await O.api('GET', '/api/operator/audit/verify');
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    O.fill($('audit-verify-result'), h('div', { class: 'alert ' + (r.data.ok ? 'success' : 'error'), role: 'status' },
      h('p', { text: r.data.ok ? O.t('console.audit.intact', { n: num(r.data.entries, 0) })
        : O.t('console.audit.broken', { seq: String(r.data.firstBroken && r.data.firstBroken.sequence !== undefined
          ? r.data.firstBroken.sequence : r.data.firstBroken), why: (r.data.firstBroken && r.data.firstBroken.reason) || r.data.reason || '' }) })));
  });

  // ---------------------------------------------------------------- staff

  async function loadStaff() {
    const r = await O.api('GET', '/api/operator/staff');
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    const list = Array.isArray(r.data) ? r.data : (r.data.accounts || []);
    table('staff-table', ['console.col.login', 'console.staff.name', 'console.staff.role', 'console.staff.clinics', 'console.col.state', 'console.col.change'],
      list.map(a => {
        const disable = h('button', { type: 'button', class: 'button secondary small', i18n: 'console.staff.disable' });
        disable.disabled = !!a.disabled || (me && a.login === me.login);
        disable.addEventListener('click', async () => {
          if (await change('console.confirm.title', [O.t('console.staff.willDisable', { login: a.login })], 'POST',
            '/api/operator/staff/' + encodeURIComponent(a.login) + '/disable', {})) {
            loadStaff();
          }
        });
        return [a.login, a.name, a.role, (a.clinics || []).join(', '), a.disabled ? O.t('console.staff.disabled') : O.t('console.staff.active'), disable];
      }));
  }

  $('staff-form').addEventListener('submit', async e => {
    e.preventDefault();
    const clinics = $('st-clinics').value.split(',').map(s => s.trim()).filter(Boolean).map(Number);
    const body = { login: $('st-login').value.trim(), name: $('st-name').value.trim(), role: $('st-role').value,
      password: $('st-password').value };
    if (clinics.length) {
      body.clinics = clinics;
    }
    const r = await change('console.confirm.title', [O.t('console.staff.willCreate', { login: body.login, role: body.role })], 'POST',
      '/api/operator/staff', body);
    if (r) {
      $('st-password').value = '';
      const secret = r.data.totpSecret || (r.data.totp && r.data.totp.secret);
      const uri = r.data.otpauthUri || (r.data.totp && r.data.totp.uri);
      O.fill($('staff-secret'), h('div', { class: 'alert success', role: 'status' },
        h('p', { text: O.t('console.staff.created', { login: body.login }) }),
        secret ? h('p', null, O.t('console.staff.totpOnce') + ' ', h('code', { text: secret })) : null,
        uri ? h('p', null, h('code', { class: 'wrap-anywhere', text: uri })) : null));
      loadStaff();
    }
  });

  // ---------------------------------------------------------------- alerts

  /** The rule's name as the console says it; the rule id itself when the table has none. */
  function ruleName(rule) {
    return O.t('console.alerts.rule.' + rule, null, rule);
  }

  function alertRows(list, withResolved) {
    return list.map(a => {
      const row = [h('strong', { text: ruleName(a.rule) }), a.subject, a.detail, when(a.raisedAt)];
      if (withResolved) {
        row.push(a.resolvedAt ? when(a.resolvedAt) : h('span', { class: 'badge', i18n: 'console.alerts.stillActive' }));
      }
      row.push(h('a', { href: a.runbook, target: '_blank', rel: 'noopener', text: a.runbook.replace(/^\/docs\//, '') }));
      return row;
    });
  }

  /** Shows the active alerts on every section (banner, badge); the full lists on the alerts section. */
  async function loadAlerts() {
    const r = await O.api('GET', '/api/operator/alerts');
    if (!r.ok) {
      return;
    }
    const active = r.data.active;
    const badge = $('alerts-badge');
    badge.hidden = active.length === 0;
    badge.textContent = String(active.length);
    const banner = $('alerts-banner');
    banner.hidden = active.length === 0;
    O.fill(banner, active.length ? h('p', null, O.t('console.alerts.banner', { n: active.length }) + ' ',
      active.map(a => ruleName(a.rule) + ' (' + a.subject + ')').join(', ') + ' ',
      h('a', { href: '#alerts', i18n: 'console.alerts.see' })) : null);
    O.translate(banner);
    if (!$('section-alerts').hidden) {
      table('alerts-active', ['console.alerts.rule', 'console.alerts.subject', 'console.alerts.detail', 'console.alerts.raised',
        'console.alerts.runbook'], alertRows(active, false));
      table('alerts-history', ['console.alerts.rule', 'console.alerts.subject', 'console.alerts.detail', 'console.alerts.raised',
        'console.alerts.resolved', 'console.alerts.runbook'], alertRows(r.data.history, true));
    }
  }

  // Alerts are read every 10 s while a console is open, whichever section it shows.
  setInterval(() => {
    if (seesAlerts() && !document.hidden) {
      loadAlerts();
    }
  }, 10000);

  // ---------------------------------------------------------------- integrity

  $('integrity-run').addEventListener('click', async () => {
    const button = $('integrity-run');
    O.busy(button, true, 'console.integrity.running');
    try {
      const r = await O.api('GET', '/api/operator/integrity', { timeoutMs: 120000 });
      if (!r.ok) {
        problem(r.problem);
        return;
      }
      const d = r.data;
      O.fill($('integrity-result'), h('div', { class: 'alert ' + (d.clean ? 'success' : 'error'), role: 'status' },
        h('p', { class: 'alert-title', i18n: d.clean ? 'console.integrity.clean' : 'console.integrity.dirty' }),
        h('p', { text: O.t('console.integrity.counts', { over: d.overbookedBuckets, two: d.peopleWithTwoAppointments, mismatch: d.countMismatches }) }),
        d.findings.length ? h('ul', null, d.findings.map(x => h('li', { text: x }))) : null));
      O.translate($('integrity-result'));
    } finally {
      O.busy(button, false);
    }
  });

  // ---------------------------------------------------------------- messages

  // What the operator previewed: the request and the count shown. Sending carries that count, and
  // the server refuses (audience-changed) when the audience no longer has that size.
  let messagePreview = null;

  async function loadMessages() {
    showAudienceFields();
    const r = await O.api('GET', '/api/operator/cohorts');
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    const select = $('m-cohort');
    const chosen = select.value;
    O.fill(select, r.data.map(c => h('option', { value: c.id, text: c.name + ' (' + c.id + ')' })));
    if (chosen && r.data.some(c => c.id === chosen)) {
      select.value = chosen;
    }
  }

  function showAudienceFields() {
    const kind = $('m-kind').value;
    document.querySelectorAll('#message-form [data-audience]').forEach(f => { f.hidden = f.dataset.audience !== kind; });
  }

  function forgetPreview() {
    messagePreview = null;
    O.clear($('message-preview'));
  }

  function messageRequest() {
    const audience = {};
    if ($('m-kind').value === 'cohort') {
      audience.cohort = $('m-cohort').value;
    } else {
      audience.clinicId = Number($('m-clinic').value);
      if ($('m-day').value) {
        audience.day = $('m-day').value;
      }
      if ($('m-dose').value) {
        audience.dose = Number($('m-dose').value);
      }
    }
    const text = { ko: $('m-ko').value };
    if ($('m-en').value.trim()) {
      text.en = $('m-en').value;
    }
    return { audience, text };
  }

  $('m-kind').addEventListener('change', () => {
    showAudienceFields();
    forgetPreview();
  });
  ['m-cohort', 'm-clinic', 'm-day', 'm-dose', 'm-ko', 'm-en'].forEach(id => $(id).addEventListener('input', forgetPreview));

  $('message-form').addEventListener('submit', async e => {
    e.preventDefault();
    clearProblem();
    forgetPreview();
    O.clear($('message-result'));
    const body = messageRequest();
    const button = e.target.querySelector('button[type=submit]');
    O.busy(button, true, 'console.messages.counting');
    try {
      const r = await O.api('POST', '/api/operator/messages/preview', { json: body, timeoutMs: 120000 });
      if (!r.ok) {
        problem(r.problem);
        return;
      }
      messagePreview = { body, count: r.data.count, target: r.data.target };
      const box = $('message-preview');
      O.fill(box, h('div', { class: 'card message-preview' },
        h('p', { class: 'message-count', text: O.t('console.messages.count', { n: num(r.data.count, 0), target: r.data.target }) }),
        h('pre', { class: 'message-sample', text: r.data.sample }),
        r.data.count > 0
          ? h('button', { type: 'button', class: 'button', i18n: 'console.messages.send', onclick: sendMessage })
          : h('p', { class: 'muted', i18n: 'console.messages.nobody' })));
      O.translate(box);
      box.hidden = false;
    } finally {
      O.busy(button, false);
    }
  });

  async function sendMessage(e) {
    const p = messagePreview;
    const button = e.currentTarget;
    if (!p || !(await confirmChange('console.messages.confirmTitle', [O.t('console.messages.willSend', { n: num(p.count, 0), target: p.target })]))) {
      return;
    }
    clearProblem();
    O.busy(button, true, 'console.messages.sending');
    let r;
    try {
      // Not change(): writing a message for a large audience may take longer than its 20 s, and an
      // answer given up on would leave the operator unsure whether it went (and tempted to send it twice).
      r = await O.api('POST', '/api/operator/messages', { json: Object.assign({}, p.body, { expectedCount: p.count }), timeoutMs: 600000 });
    } finally {
      O.busy(button, false);
    }
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    forgetPreview();
    const result = $('message-result');
    O.fill(result, h('div', { class: 'alert success', role: 'status' },
      h('p', { text: O.t('console.messages.sent', { n: num(r.data.count, 0), reference: r.data.reference }) })));
    result.hidden = false;
  }

  // ---------------------------------------------------------------- start

  O.onLanguage(() => {
    if (me) {
      route();
    }
  });

  (async function start() {
    try {
      const r = await O.api('GET', '/api/staff/me');
      if (r.ok) {
        signedIn(r.data);
      } else {
        showSignIn();
      }
    } catch (e) {
      showSignIn();
      problem({ slug: 'network' });
    }
  })();
})();
