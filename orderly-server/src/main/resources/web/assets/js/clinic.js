/*
 * The clinic desk, for a tablet at the door: sign in (as the console does), pick a clinic and a
 * day, find a person by booking reference or by name and birth date, check them in, record the
 * dose with its lot, mark no-shows once the day is over, set the day's capacity, close a day, and
 * release today's leftover doses to the standby list and watch who claims them.
 * Every change is confirmed or entered in a dialog first; the server checks the clinic, the day
 * and the role, and records each change in the audit log.
 */
(function () {
  'use strict';

  const O = window.Orderly;
  const $ = id => document.getElementById(id);
  const h = O.h;

  let me = null;
  let clinic = null;   // {id, name, products, today}
  let day = null;      // the last day list answer
  let shown = null;    // the appointments shown (all of the day, or a search)
  let doseFor = null;  // the appointment the dose dialog is for
  let searching = false;  // the day list shows a search, not the whole day
  let leftovers = null;   // the last answer of today's releases
  let leftoverTimer = null;

  // ---------------------------------------------------------------- helpers

  function problem(p) {
    O.showProblem($('problem'), p);
  }

  function clearMessages() {
    O.clear($('problem'));
    $('done').hidden = true;
  }

  function done(key, args) {
    O.setText($('done'), key, args);
    $('done').hidden = false;
  }

  function productName(code) {
    const p = clinic.products.find(x => x.code === code);
    return p ? p.name : code;
  }

  function path(rest) {
    return '/api/operator/clinics/' + clinic.id + rest;
  }

  function confirmChange(titleKey, titleArgs, lines) {
    const dialog = $('confirm');
    O.setText($('confirm-title'), titleKey, titleArgs);
    O.fill($('confirm-body'), h('ul', null, lines.map(l => h('li', { i18n: l[0], args: l[1] }))));
    return new Promise(resolve => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.showModal();
      $('confirm-ok').focus();
    });
  }

  async function send(method, rest, json) {
    clearMessages();
    try {
      const r = await O.api(method, path(rest), { json });
      if (!r.ok) {
        problem(r.problem);
        return null;
      }
      return r.data;
    } catch (e) {
      problem({ slug: 'network' });
      return null;
    }
  }

  // ---------------------------------------------------------------- sign-in

  function showSignIn() {
    me = null;
    leftovers = null;
    $('leftover-doses').hidden = true;
    $('desk').hidden = true;
    $('who').hidden = true;
    $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    $('login').focus();
  }

  async function signedIn(account) {
    me = account;
    $('sign-in').hidden = true;
    $('who').hidden = false;
    $('who').textContent = account.name + ' · ' + account.role;
    $('sign-out').hidden = false;
    if (account.role === 'agent') {
      problem({ slug: 'role-not-allowed', detail: O.t('clinic.otherRole') });
      return;
    }
    $('desk').hidden = false;
    const select = $('clinic');
    const number = $('clinic-id');
    if (account.role === 'clinic') {
      select.hidden = false;
      number.hidden = true;
      const options = [];
      for (const id of account.clinics) {
        const r = await O.api('GET', '/api/operator/clinics/' + id);
        options.push(h('option', { value: String(id) }, r.ok ? r.data.name + ' (' + id + ')' : String(id)));
      }
      O.fill(select, options);
    } else {
      select.hidden = true;
      number.hidden = false;
      number.value = number.value || '1';
    }
    await pickClinic(true);
  }

  $('sign-in-form').addEventListener('submit', async e => {
    e.preventDefault();
    clearMessages();
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
        await signedIn(r.data);
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

  // ---------------------------------------------------------------- clinic and day

  function chosenClinicId() {
    return me.role === 'clinic' ? $('clinic').value : $('clinic-id').value.trim();
  }

  async function pickClinic(toToday) {
    clearMessages();
    const id = chosenClinicId();
    if (!id) {
      return;
    }
    const r = await O.api('GET', '/api/operator/clinics/' + encodeURIComponent(id));
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    clinic = r.data;
    if (toToday || !$('date').value) {
      $('date').value = clinic.today;
    }
    await loadDay();
  }

  $('pick').addEventListener('submit', e => {
    e.preventDefault();
    pickClinic(false);
  });
  $('clinic').addEventListener('change', () => pickClinic(false));
  $('today').addEventListener('click', () => pickClinic(true));
  $('print').addEventListener('click', () => window.print());

  async function loadDay(query) {
    if (!clinic) {
      return;
    }
    const date = $('date').value;
    let url = path('/day?date=' + encodeURIComponent(date));
    if (query) {
      url += query;
    }
    const r = await O.api('GET', url);
    if (!r.ok) {
      problem(r.problem);
      return;
    }
    day = r.data;
    shown = day.appointments;
    searching = Boolean(query);
    render(searching);
    await loadLeftovers();
  }

  function render(searching) {
    O.setText($('day-title'), 'clinic.dayTitle', { clinic: day.clinicName, date: { date: day.date } });
    const c = day.counts;
    O.setText($('counts'), 'clinic.counts', { booked: c.booked, checkedIn: c['checked-in'], given: c.given, noShow: c['no-show'],
      cancelled: c.cancelled });
    const closed = $('closed');
    if (day.closed) {
      O.setText(closed, 'clinic.closedBanner', { reason: O.language() === 'ko' ? day.closed.reasonKo : day.closed.reasonEn,
        moved: day.closed.moved, cancelled: day.closed.cancelled, kept: day.closed.kept });
      closed.hidden = false;
    } else {
      closed.hidden = true;
    }
    renderTable(searching);
    renderCapacity();
    $('close-form').querySelector('button').disabled = Boolean(day.closed) || day.date < day.today;
  }

  function renderTable(searching) {
    const head = ['clinic.col.bookedAt', 'clinic.col.reference', 'clinic.col.dose', 'clinic.col.vaccine', 'clinic.col.name',
      'clinic.col.birthDate', 'clinic.col.status', 'clinic.col.actions'];
    const rows = shown.map(a => {
      const actions = [];
      const editable = me.role !== 'auditor';
      if (editable && day.date === day.today && a.status === 'booked') {
        actions.push(h('button', { type: 'button', class: 'button small', i18n: 'clinic.checkIn', onclick: () => checkIn(a) }));
      }
      if (editable && day.date === day.today && (a.status === 'booked' || a.status === 'checked-in')) {
        actions.push(h('button', { type: 'button', class: 'button small', i18n: 'clinic.give', onclick: () => openDose(a) }));
      }
      if (editable && day.date < day.today && a.status === 'booked') {
        actions.push(h('button', { type: 'button', class: 'button secondary small', i18n: 'clinic.noShow', onclick: () => noShow(a) }));
      }
      return h('tr', { dataset: { reference: a.reference, dose: String(a.dose) } },
        h('td', null, O.fmt.instant(a.bookedAt, 'datetime')),
        h('td', null, h('code', null, a.reference)),
        h('td', { i18n: 'clinic.doseN', args: { n: a.dose } }),
        h('td', null, productName(a.product)),
        h('td', null, a.name),
        h('td', null, a.birthDate),
        h('td', null, h('span', { class: 'status status-' + a.status, i18n: 'clinic.status.' + a.status }),
          a.lot ? h('span', { class: 'small muted', i18n: 'clinic.lotShown', args: { lot: a.lot } }) : null),
        h('td', { class: 'actions' }, actions));
    });
    const table = $('day-table');
    O.fill(table,
      h('thead', null, h('tr', null, head.map(k => h('th', { scope: 'col', i18n: k, class: k === 'clinic.col.actions' ? 'actions' : null })))),
      h('tbody', null, rows.length ? rows
        : h('tr', null, h('td', { colspan: String(head.length), class: 'muted', i18n: searching ? 'clinic.noMatch' : 'clinic.none' }))));
    O.translate(table);
  }

  // ---------------------------------------------------------------- search and check-in

  $('search').addEventListener('submit', e => {
    e.preventDefault();
    clearMessages();
    const q = $('q').value.trim();
    const name = $('name').value.trim();
    const birth = $('birth').value;
    if (q) {
      loadDay('&q=' + encodeURIComponent(q));
    } else if (name && birth) {
      loadDay('&name=' + encodeURIComponent(name) + '&birthDate=' + encodeURIComponent(birth));
    } else if (name || birth) {
      problem({ slug: 'bad-request', detail: O.t('clinic.needPerson') });
    } else {
      loadDay();
    }
  });

  $('show-all').addEventListener('click', () => {
    $('q').value = '';
    $('name').value = '';
    $('birth').value = '';
    clearMessages();
    loadDay();
  });

  $('check-in-found').addEventListener('click', async () => {
    const name = $('name').value.trim();
    const birth = $('birth').value;
    const q = $('q').value.trim();
    if (!q && !(name && birth)) {
      problem({ slug: 'bad-request', detail: O.t('clinic.needPerson') });
      return;
    }
    const a = await send('POST', '/check-in', q ? { reference: q } : { name, birthDate: birth });
    if (a) {
      done('clinic.checkedIn', { reference: a.reference });
      await loadDay();
    }
  });

  async function checkIn(a) {
    const r = await send('POST', '/check-in', { reference: a.reference, dose: a.dose });
    if (r) {
      await loadDay();
      done('clinic.checkedIn', { reference: r.reference });
    }
  }

  // ---------------------------------------------------------------- dose given

  function openDose(a) {
    doseFor = a;
    O.setText($('dose-who'), 'clinic.doseWho', { reference: a.reference, name: a.name, birthDate: a.birthDate, n: a.dose });
    O.fill($('dose-product'), clinic.products.map(p => h('option', { value: p.code, selected: p.code === a.product }, p.name + ' (' + p.code + ')')));
    $('dose-number').value = String(a.dose);
    $('dose-lot').value = '';
    $('dose-dialog').showModal();
    $('dose-lot').focus();
  }

  $('dose-dialog').addEventListener('close', async () => {
    if ($('dose-dialog').returnValue !== 'ok' || !doseFor) {
      return;
    }
    const a = doseFor;
    doseFor = null;
    const lot = $('dose-lot').value.trim();
    const r = await send('POST', '/doses', { reference: a.reference, dose: a.dose, product: $('dose-product').value, lot,
      doseNumber: Number($('dose-number').value) });
    if (r) {
      await loadDay();
      done(r.completed ? 'clinic.completed' : 'clinic.given', { reference: r.reference, n: r.dose, lot: r.lot });
    }
  });

  // ---------------------------------------------------------------- no-show

  async function noShow(a) {
    if (!(await confirmChange('console.confirm.title', null, [['clinic.noShowConfirm', { reference: a.reference, n: a.dose }]]))) {
      return;
    }
    const r = await send('POST', '/no-show', { reference: a.reference, dose: a.dose });
    if (r) {
      await loadDay();
      done('clinic.noShowDone', { reference: r.reference, n: r.dose });
    }
  }

  // ---------------------------------------------------------------- capacity

  function renderCapacity() {
    const box = $('capacity');
    const rows = clinic.products.map(p => {
      const buckets = day.capacity.filter(b => b.product === p.code);
      const capacity = buckets.reduce((s, b) => s + b.capacity, 0);
      const booked = buckets.reduce((s, b) => s + b.booked, 0);
      const input = h('input', { type: 'number', min: '0', max: '100000', inputmode: 'numeric', value: String(capacity),
        id: 'capacity-' + p.code });
      const save = h('button', { type: 'button', class: 'button secondary', i18n: 'clinic.save',
        disabled: me.role === 'auditor' || Boolean(day.closed) || day.date < day.today });
      save.addEventListener('click', () => setCapacity(p.code, input.value));
      return h('div', { class: 'capacity-row' },
        h('p', { i18n: 'clinic.capacityOf', args: { product: p.name, booked, capacity } }),
        h('div', { class: 'field' },
          h('label', { for: 'capacity-' + p.code, i18n: 'clinic.capacityNew', args: { product: p.name } }), input),
        save);
    });
    O.fill(box, rows);
    O.translate(box);
  }

  async function setCapacity(product, value) {
    const capacity = Number(value);
    if (!(await confirmChange('console.confirm.title', null, [['clinic.capacityConfirm', { date: { date: day.date }, product: productName(product), capacity }]]))) {
      return;
    }
    const r = await send('PUT', '/capacity', { product, day: day.date, capacity });
    if (r) {
      await loadDay();
      done('clinic.capacitySaved', { product: productName(product), capacity });
    }
  }

  // ---------------------------------------------------------------- closing a day

  $('close-form').addEventListener('submit', async e => {
    e.preventDefault();
    clearMessages();
    const reasonKo = $('reason-ko').value.trim();
    const reasonEn = $('reason-en').value.trim();
    if (!reasonKo || !reasonEn) {
      problem({ slug: 'bad-request', detail: O.t('clinic.closeNeedReason') });
      return;
    }
    const active = day.appointments.filter(a => a.status === 'booked' || a.status === 'checked-in').length;
    if (!(await confirmChange('clinic.closeConfirmTitle', { date: { date: day.date } },
      [['clinic.closeConfirm1', { n: active }], ['clinic.closeConfirm2']]))) {
      return;
    }
    const r = await send('POST', '/days/' + encodeURIComponent(day.date) + '/close', { reasonKo, reasonEn });
    if (r) {
      $('reason-ko').value = '';
      $('reason-en').value = '';
      await loadDay();
      done('clinic.closedDone', { moved: r.closed.moved, cancelled: r.closed.cancelled });
    }
  });

  // ---------------------------------------------------------------- leftover doses

  /*
   * Releases are for today only (the server adds the doses to today's capacity), so the panel shows
   * with today's list. While the page is visible it asks again every 5 s: offers are claimed or pass
   * to the next person on the server's timer, and a claim adds an appointment to the day list.
   */
  const LEFTOVER_REFRESH_MS = 5000;

  function leftoverShown() {
    return Boolean(clinic && day && day.date === day.today && me && me.role !== 'agent');
  }

  async function loadLeftovers() {
    const panel = $('leftover-doses');
    if (!leftoverShown()) {
      panel.hidden = true;
      leftovers = null;
      return;
    }
    const forClinic = clinic.id;
    let r;
    try {
      r = await O.api('GET', path('/leftovers'));
    } catch (e) {
      return;  // the next round asks again; a network blip is not worth a banner every 5 s
    }
    if (!r.ok || !clinic || clinic.id !== forClinic) {
      return;
    }
    const claimedBefore = leftovers ? claimedOf(leftovers) : null;
    leftovers = r.data;
    panel.hidden = false;
    renderLeftoverForm();
    renderLeftovers();
    if (claimedBefore !== null && claimedOf(leftovers) > claimedBefore && !searching && day.date === day.today) {
      // Someone claimed a dose: their appointment is on today's list now.
      const rl = await O.api('GET', path('/day?date=' + encodeURIComponent(day.date)));
      if (rl.ok && !searching) {
        day = rl.data;
        shown = day.appointments;
        render(false);
      }
    }
  }

  function claimedOf(answer) {
    return answer.releases.reduce((s, x) => s + x.claimed, 0);
  }

  function renderLeftoverForm() {
    const select = $('leftover-product');
    const chosen = select.value;
    const codes = clinic.products.map(p => p.code);
    if (select.dataset.clinic !== String(clinic.id)) {
      O.fill(select, clinic.products.map(p => h('option', { value: p.code }, p.name + ' (' + p.code + ')')));
      select.dataset.clinic = String(clinic.id);
      if (codes.includes(chosen)) {
        select.value = chosen;
      }
    }
    const readOnly = me.role === 'auditor' || Boolean(day.closed);
    for (const el of $('leftover-form').querySelectorAll('input, select, button')) {
      el.disabled = readOnly;
    }
    O.setText($('leftover-window'), 'clinic.leftover.window', { minutes: leftovers.claimWindowMinutes });
  }

  function renderLeftovers() {
    const head = ['clinic.leftover.col.releasedAt', 'clinic.col.vaccine', 'clinic.leftover.col.doses', 'clinic.leftover.col.order',
      'clinic.leftover.col.open', 'clinic.leftover.col.claimed', 'clinic.leftover.col.expired', 'clinic.leftover.col.unoffered',
      'clinic.leftover.col.by'];
    const rows = leftovers.releases.map(x => h('tr', { dataset: { release: String(x.id) } },
      h('td', null, O.fmt.instant(x.releasedAt, 'time')),
      h('td', null, productName(x.product)),
      h('td', { class: 'num' }, String(x.doses)),
      h('td', { i18n: 'clinic.leftover.order.' + x.order }),
      h('td', { class: 'num open' }, String(x.open)),
      h('td', { class: 'num claimed' }, String(x.claimed)),
      h('td', { class: 'num expired' }, String(x.expired)),
      h('td', { class: 'num unoffered' }, String(x.unoffered)),
      h('td', null, x.releasedBy === 'system' ? h('span', { i18n: 'clinic.leftover.bySystem' }) : x.releasedBy)));
    const table = $('leftover-table');
    O.fill(table,
      h('caption', { class: 'small muted', i18n: 'clinic.leftover.tableCaption' }),
      h('thead', null, h('tr', null, head.map(k => h('th', { scope: 'col', i18n: k })))),
      h('tbody', null, rows.length ? rows
        : h('tr', null, h('td', { colspan: String(head.length), class: 'muted', i18n: 'clinic.leftover.none' }))));
    O.translate(table);
  }

  $('leftover-form').addEventListener('submit', async e => {
    e.preventDefault();
    clearMessages();
    const product = $('leftover-product').value;
    const doses = Number($('leftover-doses-n').value);
    const order = $('leftover-form').querySelector('input[name=leftover-order]:checked').value;
    if (!product || !Number.isInteger(doses) || doses < 1 || doses > 200) {
      problem({ slug: 'bad-request', detail: O.t('clinic.leftover.badDoses') });
      return;
    }
    if (!(await confirmChange('clinic.leftover.confirmTitle', null,
      [['clinic.leftover.confirm1', { n: doses, product: productName(product) }], ['clinic.leftover.confirm.' + order],
        ['clinic.leftover.confirm2', { minutes: leftovers ? leftovers.claimWindowMinutes : 10 }]]))) {
      return;
    }
    const button = $('leftover-release');
    O.busy(button, true);
    try {
      const r = await send('POST', '/leftovers', { product, doses, order });
      if (r) {
        $('leftover-doses-n').value = '1';
        done('clinic.leftover.released', { n: r.doses, product: productName(r.product), offered: r.offered });
        await loadLeftovers();
      }
    } finally {
      O.busy(button, false);
    }
  });

  function startLeftoverRefresh() {
    if (leftoverTimer === null) {
      leftoverTimer = setInterval(() => {
        if (document.visibilityState === 'visible' && leftoverShown()) {
          loadLeftovers();
        }
      }, LEFTOVER_REFRESH_MS);
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && leftoverShown()) {
      loadLeftovers();
    }
  });

  // ---------------------------------------------------------------- start

  O.onLanguage(() => {
    if (day) {
      render(searching);
    }
    if (leftovers && leftoverShown()) {
      renderLeftoverForm();
      renderLeftovers();
    }
  });

  startLeftoverRefresh();

  (async function start() {
    try {
      const r = await O.api('GET', '/api/staff/me');
      if (r.ok) {
        await signedIn(r.data);
      } else {
        showSignIn();
      }
    } catch (e) {
      showSignIn();
      problem({ slug: 'network' });
    }
  })();
})();
