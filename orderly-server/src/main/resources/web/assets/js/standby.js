/*
 * The standby list for leftover doses: a verified person chooses districts (any clinic there) or
 * clinics, the hours they can come and consents to be texted; they see their place and may
 * change it (keeping their place) or leave. Not verified: off to the identity line, and back here.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const RETURN_KEY = 'orderly.returnTo';
  const el = {
    loading: O.$('#loading'),
    problem: O.$('#problem'),
    needVerify: O.$('#need-verify'),
    toVerify: O.$('#to-verify'),
    entry: O.$('#entry'),
    areas: O.$('#entry-areas'),
    hours: O.$('#entry-hours'),
    joined: O.$('#entry-joined'),
    edit: O.$('#edit'),
    leave: O.$('#leave'),
    form: O.$('#form'),
    province: O.$('#province'),
    districts: O.$('#districts'),
    clinics: O.$('#clinics'),
    from: O.$('#from'),
    to: O.$('#to'),
    consent: O.$('#consent'),
    formProblem: O.$('#form-problem'),
    join: O.$('#join')
  };
  let regions = [];
  let clinicNames = {};

  function showOnly(section) {
    for (const s of [el.loading, el.needVerify, el.entry, el.form]) {
      s.hidden = s !== section;
    }
  }

  el.toVerify.addEventListener('click', () => {
    O.session.set(RETURN_KEY, '/standby.html');
    window.location.assign('/');
  });

  async function load() {
    let r;
    try {
      r = await O.api('GET', '/api/standby/mine');
    } catch (e) {
      showOnly(null);
      O.showProblem(el.problem, e);
      return;
    }
    if (r.status === 401) {
      showOnly(el.needVerify);
      return;
    }
    if (r.ok) {
      showEntry(r.data);
      return;
    }
    await showForm();
  }

  function showEntry(entry) {
    const names = entry.districts.map(d => d.province + ' ' + d.district)
      .concat(entry.clinicIds.map(id => clinicNames[id] || ('#' + id)));
    el.areas.textContent = names.join(', ');
    el.hours.textContent = entry.from + ' – ' + entry.to;
    O.setText(el.joined, 'fmt.value', { v: { instant: entry.joinedAt, style: 'datetime' } });
    showOnly(el.entry);
  }

  async function showForm() {
    if (!regions.length) {
      const r = await O.api('GET', '/api/regions');
      regions = r.ok ? r.data : [];
      O.fill(el.province, regions.map(p => O.h('option', { value: p.province, text: p.province })));
    }
    await fillProvince();
    showOnly(el.form);
  }

  async function fillProvince() {
    const province = el.province.value;
    const region = regions.find(p => p.province === province);
    O.fill(el.districts, (region ? region.districts : []).map(d => O.h('label', {},
      O.h('input', { type: 'checkbox', name: 'district', value: d }), ' ' + d)));
    const r = await O.api('GET', '/api/clinics?days=1&province=' + encodeURIComponent(province));
    const clinics = r.ok ? r.data.clinics : [];
    clinics.forEach(c => { clinicNames[c.id] = c.name; });
    O.fill(el.clinics, clinics.map(c => O.h('label', {},
      O.h('input', { type: 'checkbox', name: 'clinic', value: String(c.id) }), ' ' + c.name + ' (' + c.district + ')')));
  }

  el.province.addEventListener('change', fillProvince);
  el.edit.addEventListener('click', showForm);

  el.form.addEventListener('submit', async event => {
    event.preventDefault();
    O.clear(el.formProblem);
    const province = el.province.value;
    const districts = Array.from(el.districts.querySelectorAll('input:checked')).map(i => ({ province, district: i.value }));
    const clinicIds = Array.from(el.clinics.querySelectorAll('input:checked')).map(i => Number(i.value));
    O.busy(el.join, true, 'standby.joining');
    let r;
    try {
      r = await O.api('POST', '/api/standby', { json: { districts, clinicIds, from: el.from.value, to: el.to.value, consent: el.consent.checked } });
    } catch (e) {
      O.busy(el.join, false);
      O.showProblem(el.formProblem, e);
      return;
    }
    O.busy(el.join, false);
    if (r.ok) {
      showEntry(r.data);
    } else if (r.status === 401) {
      showOnly(el.needVerify);
    } else {
      O.showProblem(el.formProblem, r.problem);
    }
  });

  el.leave.addEventListener('click', async () => {
    O.clear(el.problem);
    O.busy(el.leave, true, 'standby.leaving');
    let r;
    try {
      r = await O.api('DELETE', '/api/standby/mine');
    } catch (e) {
      O.busy(el.leave, false);
      O.showProblem(el.problem, e);
      return;
    }
    O.busy(el.leave, false);
    if (r.ok || r.status === 404) {
      await showForm();
      O.fill(el.problem, O.h('p', { class: 'alert info', role: 'status', i18n: 'standby.left' }));
      el.problem.hidden = false;
    } else {
      O.showProblem(el.problem, r.problem);
    }
  });

  load();
})();
