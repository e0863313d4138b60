/*
 * Changing a booking: dose 1 to another day or clinic (PUT /api/reservations/mine; dose 2 is
 * planned again within the interval), or dose 2 to another day in the interval
 * (PUT /api/reservations/mine/dose2). A change takes a freed place as a booking does, so it goes
 * through the booking line first, as booking does (wait.html?gate=booking&then=change). The
 * booking stays as it was until the server confirms the new one; the confirmation lists the
 * clinic's address and telephone.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const h = O.h;
  const $ = O.$;
  const el = {
    loading: $('#loading'), problem: $('#problem'), needVerify: $('#need-verify'), none: $('#none'),
    current: $('#current'), currentFacts: $('#current-facts'), what: $('#what'),
    whatDose1: $('#what-dose1'), whatDose2: $('#what-dose2'),
    dose1: $('#move-dose1'), province: $('#province'), district: $('#district'), regionForm: $('#region-form'), results: $('#results'),
    dose2: $('#move-dose2'), dose2Range: $('#dose2-range'), dose2Days: $('#dose2-days'),
    selection: $('#selection'), choice: $('#choice'), changeProblem: $('#change-problem'), confirm: $('#confirm'),
    changed: $('#changed'), changedText: $('#changed-text')
  };
  const LINE = '/wait.html?gate=booking&then=change';
  const booking = O.gateFor('booking');
  let reservation = null;
  let catalogue = {};
  let regions = [];
  let selected = null; // {kind: 'dose1'|'dose2', clinic, day, product, button}
  let attempt = null; // {choice, key}

  function showOnly(...sections) {
    for (const s of [el.loading, el.needVerify, el.none, el.current, el.what, el.dose1, el.dose2, el.selection, el.changed]) {
      s.hidden = !sections.includes(s);
    }
  }

  function addDays(day, n) {
    const d = new Date(day + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  async function load() {
    let r;
    try {
      [r, catalogue] = await Promise.all([O.api('GET', '/api/me'), O.products()]);
    } catch (e) {
      showOnly();
      O.showProblem(el.problem, e);
      return;
    }
    if (r.status === 401) {
      showOnly(el.needVerify);
      O.showSessionEnd(el.problem, r.problem);
      return;
    }
    if (!r.ok) {
      showOnly();
      O.showProblem(el.problem, r.problem);
      return;
    }
    if (!r.data.reservation) {
      showOnly(el.none);
      return;
    }
    if (!booking.hasPass()) {
      window.location.assign(LINE);
      return;
    }
    reservation = r.data.reservation;
    O.fill(el.currentFacts, O.reservationFacts(reservation, catalogue));
    showOnly(el.current, el.what);
  }

  // ---------------------------------------------------------------- dose 1: region, clinic, day

  el.whatDose1.addEventListener('change', async () => {
    clearSelection();
    showOnly(el.current, el.what, el.dose1);
    if (regions.length === 0) {
      const r = await O.api('GET', '/api/regions').catch(e => ({ ok: false, problem: O.problemOf(e) }));
      if (!r.ok) {
        O.showProblem(el.problem, r.problem);
        return;
      }
      regions = r.data;
      regions.forEach(region => el.province.append(O.placeOption(region.province, region.provinceEn)));
    }
  });

  el.province.addEventListener('change', () => {
    const region = regions.find(x => x.province === el.province.value);
    O.fill(el.district, h('option', { value: '', i18n: region ? 'book.choose' : 'book.chooseProvinceFirst' }),
      region ? region.districts.map(d => O.placeOption(d, (region.districtsEn || {})[d])) : []);
    el.district.disabled = !region;
    O.fill(el.results);
    clearSelection();
  });
  el.district.addEventListener('change', () => search());
  el.regionForm.addEventListener('submit', event => {
    event.preventDefault();
    search();
  });

  async function search() {
    clearSelection();
    const province = el.province.value;
    const district = el.district.value;
    if (!province || !district) {
      O.fill(el.results);
      return;
    }
    O.fill(el.results, h('div', { class: 'card status-line', role: 'status' },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { i18n: 'book.searching' })));
    let r;
    try {
      r = await O.api('GET', '/api/clinics?province=' + encodeURIComponent(province) + '&district=' + encodeURIComponent(district));
    } catch (e) {
      O.fill(el.results, O.problemBox(e));
      return;
    }
    if (!r.ok) {
      if (O.needsPass(r.problem)) {
        booking.forget();
        window.location.assign(LINE);
        return;
      }
      O.fill(el.results, O.problemBox(r.problem));
      return;
    }
    const days = [];
    for (let i = 0; i < r.data.days; i++) {
      days.push(addDays(r.data.from, i));
    }
    O.fill(el.results, r.data.clinics.length === 0
      ? h('p', { class: 'alert info', i18n: 'book.noClinics' })
      : r.data.clinics.map((c, i) => clinicCard(c, days, i === 0)));
  }

  function clinicCard(c, days, open) {
    const places = new Map(c.days.map(d => [d.day + '|' + d.product, d]));
    const products = c.products.map(code => ({ code, label: O.productLabel(catalogue, code) }));
    const table = h('table', { class: 'avail' },
      h('caption', { class: 'sr-only', i18n: 'book.gridCaption', args: { clinic: O.named(c.name, c.nameEn) } }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', i18n: 'book.day' }),
        products.map(p => h('th', { scope: 'col' }, p.label.main)))),
      h('tbody', null, days.map(day => h('tr', null,
        h('th', { scope: 'row', i18n: 'fmt.value', args: { v: { date: day, style: 'short' } } }),
        products.map(p => h('td', null, slot(c, day, p, places.get(day + '|' + p.code))))))));
    return h('details', { class: 'clinic card', open },
      h('summary', null,
        h('span', { class: 'clinic-name', i18n: 'fmt.place', args: { ko: c.name, en: c.nameEn || '' } }),
        h('span', { class: 'clinic-address' }, c.address)),
      h('div', { class: 'table-scroll' }, table));
  }

  function slot(clinic, day, product, place) {
    if (!place) {
      return h('span', { class: 'slot-none', 'aria-hidden': 'true' }, '–');
    }
    const args = { n: place.remaining, day: { date: day, style: 'short' }, product: product.label.main };
    if (place.remaining <= 0) {
      return h('button', { type: 'button', class: 'slot', disabled: true, i18n: 'book.slotFull', 'i18n-aria-label': 'book.slotFullLabel', args });
    }
    const button = h('button', { type: 'button', class: 'slot', 'aria-pressed': 'false', i18n: 'book.slotLeft', 'i18n-aria-label': 'book.slotLabel', args });
    button.addEventListener('click', () => choose({ kind: 'dose1', clinic, day, product: product.code, button }));
    return button;
  }

  // ---------------------------------------------------------------- dose 2: a day in the interval

  el.whatDose2.addEventListener('change', async () => {
    clearSelection();
    showOnly(el.current, el.what, el.dose2);
    const p = catalogue[reservation.product];
    if (!p) {
      return;
    }
    const from = addDays(reservation.dose1Day, p.dose2MinDays);
    const to = addDays(reservation.dose1Day, p.dose2MaxDays);
    O.setText(el.dose2Range, 'change.dose2Range', { from: { date: from }, to: { date: to } });
    const clinic = await O.clinicDetails(reservation.clinic.id);
    if (!clinic) {
      return;
    }
    const span = p.dose2MaxDays - p.dose2MinDays + 1;
    let r;
    try {
      r = await O.api('GET', '/api/clinics?province=' + encodeURIComponent(clinic.province) + '&district='
        + encodeURIComponent(clinic.district) + '&from=' + from + '&days=' + span);
    } catch (e) {
      O.fill(el.dose2Days, O.problemBox(e));
      return;
    }
    if (!r.ok) {
      O.fill(el.dose2Days, O.problemBox(r.problem));
      return;
    }
    const mine = r.data.clinics.find(c => c.id === clinic.id);
    const days = mine ? mine.days.filter(d => d.product === reservation.product && d.day !== reservation.dose2Day) : [];
    O.fill(el.dose2Days, days.map(d => {
      const args = { day: { date: d.day, style: 'short' }, n: d.remaining };
      const b = h('button', {
        type: 'button', class: 'slot', 'aria-pressed': 'false', disabled: d.remaining <= 0,
        i18n: d.remaining > 0 ? 'change.dose2Label' : 'book.slotFullLabel', args: Object.assign({ product: '' }, args)
      });
      b.addEventListener('click', () => choose({ kind: 'dose2', clinic: mine, day: d.day, product: reservation.product, button: b }));
      return b;
    }));
  });

  // ---------------------------------------------------------------- the choice and the change

  function choose(choice) {
    if (selected && selected.button) {
      selected.button.setAttribute('aria-pressed', 'false');
    }
    selected = choice;
    choice.button.setAttribute('aria-pressed', 'true');
    if (choice.kind === 'dose1') {
      O.setText(el.choice, 'book.choice', {
        clinic: O.named(choice.clinic.name, choice.clinic.nameEn), day: { date: choice.day }, product: O.productLabel(catalogue, choice.product).main
      });
    } else {
      O.setText(el.choice, 'change.dose2Choice', { day: { date: choice.day } });
    }
    O.clear(el.changeProblem);
    el.selection.hidden = false;
    O.focus(el.confirm);
  }

  function clearSelection() {
    if (selected && selected.button) {
      selected.button.setAttribute('aria-pressed', 'false');
    }
    selected = null;
    el.selection.hidden = true;
  }

  el.confirm.addEventListener('click', async () => {
    if (!selected) {
      return;
    }
    const choice = selected;
    const id = choice.kind + '|' + (choice.clinic ? choice.clinic.id : '') + '|' + choice.day + '|' + choice.product;
    if (!attempt || attempt.choice !== id) {
      attempt = { choice: id, key: O.randomId() };
    }
    O.clear(el.changeProblem);
    O.busy(el.confirm, true, 'change.changing');
    let r;
    try {
      r = choice.kind === 'dose1'
        ? await O.sendChange('PUT', '/api/reservations/mine',
          { json: { clinicId: Number(choice.clinic.id), day: choice.day, product: choice.product } }, attempt.key)
        : await O.sendChange('PUT', '/api/reservations/mine/dose2', { json: { day: choice.day } }, attempt.key);
    } catch (e) {
      O.busy(el.confirm, false);
      O.showProblem(el.changeProblem, e, { actions: h('p', { class: 'small', i18n: 'book.retrySafe' }) });
      return;
    }
    O.busy(el.confirm, false);
    if (r.ok && r.data) {
      booking.forget();
      changed(r.data);
      return;
    }
    const p = r.problem;
    if (r.status === 503) {
      O.showProblem(el.changeProblem, p, { args: {}, actions: h('p', { class: 'small', i18n: 'book.retrySafe' }) });
      return;
    }
    attempt = null;
    if (O.needsPass(p)) {
      booking.forget();
      window.location.assign(LINE);
    } else if (r.status === 401) {
      showOnly(el.needVerify);
      O.showSessionEnd(el.problem, p);
    } else {
      O.showProblem(el.changeProblem, p, { args: { day: { date: choice.day, style: 'short' }, product: O.productLabel(catalogue, choice.product).main } });
    }
  });

  function changed(r) {
    showOnly(el.changed);
    O.showReservation(r, catalogue);
    O.setText(el.changedText, 'change.doneText', { reference: r.reference });
    O.focus($('#changed-title'));
  }

  load();
})();
