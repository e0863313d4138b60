/*
 * Booking: who is booking and whether they may (GET /api/me), then region → clinics with a
 * day × product grid of places left → one choice → POST /api/reservations.
 *
 * A booking attempt carries an Idempotency-Key made once per choice: a retry of the same choice
 * (after a dropped connection, or a second tap) sends the same key, so it can never book twice;
 * a new choice, or a definite answer from the server, starts a new attempt. A lost answer or a 503
 * (a service behind Orderly down for a moment) is retried with the same key (O.sendChange), so the
 * person sees the booking they got.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const h = O.h;
  const el = {
    loading: O.$('#loading'),
    problem: O.$('#problem'),
    needVerify: O.$('#need-verify'),
    person: O.$('#person'),
    personName: O.$('#person-name'),
    personMeta: O.$('#person-meta'),
    eligibility: O.$('#eligibility'),
    existing: O.$('#existing'),
    existingFacts: O.$('#existing-facts'),
    search: O.$('#search'),
    regionForm: O.$('#region-form'),
    province: O.$('#province'),
    district: O.$('#district'),
    range: O.$('#range'),
    results: O.$('#results'),
    selection: O.$('#selection'),
    choice: O.$('#choice'),
    dose2: O.$('#dose2'),
    bookProblem: O.$('#book-problem'),
    book: O.$('#book'),
    unselect: O.$('#unselect')
  };
  const REGION_KEY = 'orderly.region';
  const FEW_LEFT = 5;

  let me = null;
  let catalogue = {};
  let regions = [];
  let selected = null; // {clinic, day, product, button}
  let attempt = null; // {choice, key}
  let searchSeq = 0;

  function addDays(day, n) {
    const d = new Date(day + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function showOnly(...sections) {
    for (const s of [el.loading, el.needVerify, el.person, el.existing, el.search]) {
      s.hidden = !sections.includes(s);
    }
  }

  // ---------------------------------------------------------------- who and whether

  async function load() {
    let r;
    try {
      [r, catalogue] = await Promise.all([O.api('GET', '/api/me'), O.products()]);
    } catch (e) {
      showOnly();
      O.showProblem(el.problem, e, { actions: reloadButton() });
      return;
    }
    if (r.status === 401) {
      showOnly(el.needVerify);
      O.showSessionEnd(el.problem, r.problem);
      return;
    }
    if (!r.ok) {
      showOnly();
      O.showProblem(el.problem, r.problem, { actions: reloadButton() });
      return;
    }
    me = r.data;
    renderPerson();
    if (me.reservation) {
      showExisting(me.reservation);
      return;
    }
    if (!me.eligibility.eligible) {
      showOnly(el.person);
      return;
    }
    if (!O.gateFor('booking').hasPass()) {
      // Booking sits behind its own line: one place per person, whatever the tabs and devices.
      window.location.assign('/wait.html?gate=booking');
      return;
    }
    showOnly(el.person, el.search);
    O.setText(el.range, 'book.range', { from: { date: me.firstBookableDay }, to: { date: me.lastBookableDay } });
    await loadRegions();
  }

  function reloadButton() {
    const b = h('button', { type: 'button', class: 'button block' }, h('span', { i18n: 'common.retry' }));
    b.addEventListener('click', () => window.location.reload());
    return b;
  }

  function renderPerson() {
    O.setText(el.personName, 'book.personName', { name: me.name });
    O.fill(el.personMeta,
      h('span', { class: 'meta-item', i18n: 'book.personBirth', args: { birth: { date: me.birthDate, style: 'plain' } } }), ' · ',
      h('span', { class: 'meta-item', i18n: 'book.personPhone', args: { phone: me.maskedPhone } }));
    O.fill(el.eligibility, eligibilityBox(me.eligibility));
  }

  const cohortArg = O.cohortArg;

  function eligibilityBox(e) {
    if (e.eligible) {
      return h('div', { class: 'alert success' },
        h('p', { class: 'alert-title', i18n: 'book.eligibleTitle' }),
        h('p', { i18n: 'book.eligible', args: { cohort: cohortArg(e.cohort), until: { instant: e.until, style: 'deadline' } } }));
    }
    return O.refusalBox(e, 'book.notEligibleTitle');
  }

  function showExisting(reservation) {
    showOnly(el.person, el.existing);
    el.selection.hidden = true;
    O.fill(el.existingFacts, O.reservationFacts(reservation, catalogue));
  }

  // ---------------------------------------------------------------- where

  async function loadRegions() {
    let r;
    try {
      r = await O.api('GET', '/api/regions');
    } catch (e) {
      O.showProblem(el.problem, e, { actions: reloadButton() });
      return;
    }
    if (!r.ok) {
      O.showProblem(el.problem, r.problem, { actions: reloadButton() });
      return;
    }
    regions = r.data;
    for (const region of regions) {
      el.province.append(O.placeOption(region.province, region.provinceEn));
    }
    const saved = O.session.get(REGION_KEY);
    if (saved && regions.some(x => x.province === saved.province)) {
      el.province.value = saved.province;
      fillDistricts();
      if (Array.from(el.district.options).some(o => o.value === saved.district)) {
        el.district.value = saved.district;
        search();
      }
    }
  }

  function fillDistricts() {
    const region = regions.find(x => x.province === el.province.value);
    const first = h('option', { value: '', i18n: region ? 'book.choose' : 'book.chooseProvinceFirst' });
    O.fill(el.district, first, region ? region.districts.map(d => O.placeOption(d, (region.districtsEn || {})[d])) : []);
    el.district.disabled = !region;
  }

  el.province.addEventListener('change', () => {
    fillDistricts();
    clearSelection();
    O.fill(el.results);
  });
  el.district.addEventListener('change', () => search());
  el.regionForm.addEventListener('submit', event => {
    event.preventDefault();
    search();
  });

  // ---------------------------------------------------------------- clinics and places

  async function search() {
    const province = el.province.value;
    const district = el.district.value;
    clearSelection();
    if (!province || !district) {
      O.fill(el.results);
      return;
    }
    O.session.set(REGION_KEY, { province, district });
    const seq = ++searchSeq;
    O.fill(el.results, h('div', { class: 'card status-line', role: 'status' },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { i18n: 'book.searching' })));
    let r;
    try {
      r = await O.api('GET', '/api/clinics?province=' + encodeURIComponent(province) + '&district=' + encodeURIComponent(district));
    } catch (e) {
      if (seq === searchSeq) {
        O.fill(el.results, O.problemBox(e, { actions: retrySearchButton() }));
      }
      return;
    }
    if (seq !== searchSeq) {
      return; // a newer search is on its way
    }
    if (!r.ok) {
      if (O.needsPass(r.problem)) {
        O.gateFor('booking').forget();
        window.location.assign('/wait.html?gate=booking');
        return;
      }
      O.fill(el.results, O.problemBox(r.problem, { actions: retrySearchButton() }));
      return;
    }
    renderClinics(r.data, district);
  }

  function retrySearchButton() {
    const b = h('button', { type: 'button', class: 'button secondary block' }, h('span', { i18n: 'common.retry' }));
    b.addEventListener('click', () => search());
    return b;
  }

  function renderClinics(answer, district) {
    const allowed = new Set(me.eligibility.products || []);
    const days = [];
    for (let i = 0; i < answer.days; i++) {
      days.push(addDays(answer.from, i));
    }
    const clinics = answer.clinics.map(c => {
      const products = c.products.filter(p => allowed.size === 0 || allowed.has(p));
      const places = new Map(c.days.map(d => [d.day + '|' + d.product, d]));
      const firstOpen = days.find(day => products.some(p => (places.get(day + '|' + p) || {}).remaining > 0));
      return { clinic: c, products, places, firstOpen };
    });
    // Clinics with places first, the earliest first; the API's order (by name) breaks ties.
    clinics.sort((a, b) => (a.firstOpen ? 0 : 1) - (b.firstOpen ? 0 : 1) || (a.firstOpen || '').localeCompare(b.firstOpen || ''));
    const open = clinics.filter(c => c.firstOpen).length;

    const region = regions.find(x => x.province === el.province.value);
    const districtName = O.named(district, region && region.districtsEn ? region.districtsEn[district] : '');
    const heading = h('h2', { id: 'results-title', i18n: 'book.resultsTitle', args: { district: districtName, n: clinics.length } });
    const head = h('div', { class: 'results-head' }, heading,
      h('p', { class: 'small muted', i18n: 'book.resultsOpen', args: { n: open } }));
    if (clinics.length === 0) {
      O.fill(el.results, head, h('p', { class: 'alert info', i18n: 'book.noClinics' }));
      return;
    }
    let opened = false;
    const list = clinics.map(c => {
      const openThis = !opened && !!c.firstOpen;
      opened = opened || openThis;
      return clinicCard(c, days, openThis);
    });
    O.fill(el.results, head, h('p', { class: 'small muted', i18n: 'book.howToChoose' }), list);
  }

  function clinicCard(entry, days, open) {
    const c = entry.clinic;
    const summary = h('summary', null,
      h('span', { class: 'clinic-name', i18n: 'fmt.place', args: { ko: c.name, en: c.nameEn || '' } }),
      h('span', { class: 'clinic-address' }, c.address),
      entry.firstOpen
        ? h('span', { class: 'clinic-summary', i18n: 'book.firstOpen', args: { day: { date: entry.firstOpen, style: 'short' } } })
        : h('span', { class: 'clinic-summary none', i18n: 'book.noneOpen' }));
    const products = entry.products.map(code => O.productLabel(catalogue, code));
    const table = h('table', { class: 'avail' },
      h('caption', { class: 'sr-only', i18n: 'book.gridCaption', args: { clinic: O.named(c.name, c.nameEn) } }),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col', i18n: 'book.day' }),
        products.map(p => h('th', { scope: 'col' }, p.main, p.sub ? h('span', { class: 'sub' }, p.sub) : null)))),
      h('tbody', null, days.map(day => h('tr', null,
        h('th', { scope: 'row', class: O.fmt.isWeekend(day) ? 'weekend' : null, i18n: 'fmt.value', args: { v: { date: day, style: 'short' } } }),
        entry.products.map((code, i) => h('td', null, slot(c, day, code, products[i], entry.places.get(day + '|' + code))))))));
    const body = h('div', { class: 'clinic-body' },
      h('p', { class: 'small muted', i18n: 'book.products', args: { list: products.map(p => p.full).join(', ') } }),
      h('div', { class: 'table-scroll' }, table));
    return h('details', { class: 'clinic', open: open, dataset: { clinicId: String(c.id) } }, summary, body);
  }

  function slot(clinic, day, code, product, place) {
    if (!place) {
      return h('span', { class: 'slot-none', 'aria-hidden': 'true' }, '–');
    }
    const args = { n: place.remaining, day: { date: day, style: 'short' }, product: product.main };
    if (place.remaining <= 0) {
      return h('button', { type: 'button', class: 'slot', disabled: true, i18n: 'book.slotFull', 'i18n-aria-label': 'book.slotFullLabel', args });
    }
    const button = h('button', {
      type: 'button',
      class: 'slot' + (place.remaining <= FEW_LEFT ? ' few' : ''),
      'aria-pressed': 'false',
      i18n: 'book.slotLeft',
      'i18n-aria-label': 'book.slotLabel',
      args,
      dataset: { day, product: code }
    });
    button.addEventListener('click', () => choose({ clinic, day, product: code, button }));
    return button;
  }

  // ---------------------------------------------------------------- the choice and the booking

  function choose(choice) {
    if (selected && selected.button) {
      selected.button.setAttribute('aria-pressed', 'false');
    }
    selected = choice;
    choice.button.setAttribute('aria-pressed', 'true');
    const label = O.productLabel(catalogue, choice.product);
    const p = catalogue[choice.product];
    O.setText(el.choice, 'book.choice', { clinic: O.named(choice.clinic.name, choice.clinic.nameEn), day: { date: choice.day }, product: label.main });
    if (p) {
      O.setText(el.dose2, 'book.dose2', {
        min: p.dose2MinDays,
        max: p.dose2MaxDays,
        from: { date: addDays(choice.day, p.dose2MinDays), style: 'short' },
        to: { date: addDays(choice.day, p.dose2MaxDays), style: 'short' }
      });
    } else {
      O.setText(el.dose2, 'book.dose2Plain');
    }
    O.clear(el.bookProblem);
    el.selection.hidden = false;
    O.focus(el.book);
  }

  function clearSelection() {
    if (selected && selected.button) {
      selected.button.setAttribute('aria-pressed', 'false');
    }
    selected = null;
    O.clear(el.bookProblem);
    el.selection.hidden = true;
  }

  el.unselect.addEventListener('click', () => {
    const button = selected && selected.button;
    clearSelection();
    if (button) {
      O.focus(button);
    }
  });

  el.book.addEventListener('click', () => {
    if (!selected) {
      return;
    }
    const choice = selected.clinic.id + '|' + selected.day + '|' + selected.product;
    if (!attempt || attempt.choice !== choice) {
      attempt = { choice, key: O.randomId() };
    }
    book(selected, attempt);
  });

  async function book(choice, thisAttempt) {
    O.clear(el.bookProblem);
    O.busy(el.book, true, 'book.booking');
    el.unselect.disabled = true;
    let r;
    try {
      // Same key on every try: if an earlier request got through, the server answers with that booking.
      r = await O.sendChange('POST', '/api/reservations', {
        json: { clinicId: Number(choice.clinic.id), day: choice.day, product: choice.product }
      }, thisAttempt.key);
    } catch (e) {
      done();
      O.showProblem(el.bookProblem, e, { args: {}, actions: h('p', { class: 'small', i18n: 'book.retrySafe' }) });
      return;
    }
    if (r.status === 503) {
      // Outcome unknown: keep the attempt, so tapping again asks with the same key.
      done();
      O.showProblem(el.bookProblem, r.problem, { args: {}, actions: h('p', { class: 'small', i18n: 'book.retrySafe' }) });
      return;
    }
    if (r.status === 201 && r.data) {
      // The booking pass is used up with this booking.
      O.gateFor('booking').forget();
      O.session.set('orderly.reservation', r.data);
      window.location.assign('/done.html');
      return;
    }
    attempt = null;
    done();
    const p = r.problem;
    const args = { day: { date: choice.day, style: 'short' }, product: O.productLabel(catalogue, choice.product).main };
    if (p.slug === 'already-booked' && p.reservation) {
      showExisting(p.reservation);
      O.showProblem(el.problem, p, { args: { reference: p.reservation.reference } });
    } else if (O.needsPass(p)) {
      O.gateFor('booking').forget();
      window.location.assign('/wait.html?gate=booking');
    } else if (r.status === 401) {
      el.selection.hidden = true;
      showOnly(el.needVerify);
      O.showSessionEnd(el.problem, p);
    } else if (p.slug === 'not-eligible') {
      if (p.eligibility) {
        me.eligibility = p.eligibility;
        renderPerson();
      }
      el.selection.hidden = true;
      showOnly(el.person);
      O.showProblem(el.problem, p, { args });
    } else if (p.slug === 'day-full' || p.slug === 'no-second-dose-day') {
      // The grid was out of date: show fresh numbers, with the explanation above them.
      await search();
      const box = O.problemBox(p, { args });
      el.results.prepend(box);
      O.focus(box);
    } else {
      O.showProblem(el.bookProblem, p, { args });
    }
  }

  function done() {
    O.busy(el.book, false);
    el.unselect.disabled = false;
  }

  load();
})();
