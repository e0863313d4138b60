/*
 * Demo helper (demo runs only): sample residents of the open cohort, and the SMS inbox where the
 * one-time codes land instead of a phone. "Use" hands a resident to the verify page: through
 * sessionStorage when the verify page is opened in this tab, and through a short-lived localStorage
 * entry (read and removed by a verify page open in another tab) otherwise.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const h = O.h;
  const el = {
    problem: O.$('#problem'),
    residents: O.$('#residents'),
    used: O.$('#used'),
    usedText: O.$('#used-text'),
    filter: O.$('#filter'),
    status: O.$('#inbox-status'),
    sms: O.$('#sms'),
    announce: O.$('#announce')
  };
  const REFRESH_MS = 2000;
  let messages = [];
  let signature = null;
  let shownFilter = null;
  let off = false;

  function dashed(phone) {
    const m = /^(01\d)(\d{3,4})(\d{4})$/.exec(String(phone).replace(/\D/g, ''));
    return m ? m[1] + '-' + m[2] + '-' + m[3] : String(phone);
  }

  function demoOff() {
    off = true;
    O.fill(el.residents);
    O.showProblem(el.problem, { slug: 'demo-off' }, { tone: 'warning', actions: h('a', { class: 'button secondary block', href: '/', i18n: 'common.backHome' }) });
  }

  async function loadResidents() {
    let r;
    try {
      r = await O.api('GET', '/api/dev/residents');
    } catch (e) {
      O.fill(el.residents, h('li', null, O.problemBox(e)));
      return;
    }
    if (r.status === 404) {
      demoOff();
      return;
    }
    if (!r.ok) {
      O.fill(el.residents, h('li', null, O.problemBox(r.problem)));
      return;
    }
    if (r.data.length === 0) {
      O.fill(el.residents, h('li', { class: 'muted', i18n: 'dev.noResidents' }));
      return;
    }
    O.fill(el.residents, r.data.map(resident => {
      const button = h('button', { type: 'button', class: 'button small', 'i18n-aria-label': 'dev.useLabel', args: { name: resident.name } },
        h('span', { i18n: 'dev.use' }));
      const item = h('li', { class: 'resident' },
        h('div', { class: 'resident-facts' },
          h('span', { class: 'resident-name' }, resident.name),
          h('span', { class: 'resident-meta' }, resident.birthDate + ' · ' + dashed(resident.phone))),
        button);
      button.addEventListener('click', () => use(resident, item));
      return item;
    }));
  }

  function use(resident, item) {
    const handed = { name: resident.name, birthDate: resident.birthDate, phone: dashed(resident.phone) };
    O.session.set('orderly.demoResident', handed);
    O.local.set('orderly.demoHandoff', { resident: handed, at: Date.now() });
    el.residents.querySelectorAll('.resident.used').forEach(x => x.classList.remove('used'));
    item.classList.add('used');
    O.setText(el.usedText, 'dev.used', { name: resident.name });
    el.used.hidden = false;
    el.filter.value = String(resident.phone).replace(/\D/g, '').slice(-4);
    render(true);
  }

  async function refresh() {
    if (off) {
      return;
    }
    try {
      const r = await O.api('GET', '/api/dev/sms', { timeoutMs: 5000 });
      if (r.status === 404) {
        demoOff();
        return;
      }
      if (r.ok && Array.isArray(r.data)) {
        const fresh = r.data.length > 0 && signature !== null && messages.length > 0 && r.data[0].at !== messages[0].at;
        messages = r.data;
        if (fresh) {
          O.setText(el.announce, 'dev.newMessage');
        }
        O.setText(el.status, 'dev.refreshed', { at: { instant: Date.now(), style: 'time' } });
      } else {
        O.setText(el.status, 'dev.refreshFailed');
      }
    } catch (e) {
      O.setText(el.status, 'dev.refreshFailed');
    }
    render(false);
    setTimeout(refresh, REFRESH_MS);
  }

  /** Redraws the inbox when its messages or the filter changed (keeps the reader's place otherwise). */
  function render(force) {
    const filter = el.filter.value.replace(/\D/g, '');
    const sig = messages.length + '|' + (messages[0] ? messages[0].at : '');
    if (!force && sig === signature && filter === shownFilter) {
      return;
    }
    signature = sig;
    shownFilter = filter;
    const shown = messages.filter(m => !filter || String(m.toLast4 || '').endsWith(filter) || String(m.toLast4 || '').startsWith(filter));
    if (shown.length === 0) {
      O.fill(el.sms, h('li', { class: 'muted', i18n: filter ? 'dev.noMessagesFor' : 'dev.noMessages', args: { last4: filter } }));
      return;
    }
    O.fill(el.sms, shown.map(m => {
      const code = /\b(\d{6})\b/.exec(m.text || '');
      return h('li', { class: 'sms', dataset: { toLast4: String(m.toLast4 || '') } },
        h('div', { class: 'sms-head' },
          h('span', { i18n: 'dev.to', args: { to: m.to } }),
          h('time', { datetime: m.at, i18n: 'fmt.value', args: { v: { instant: m.at, style: 'stamp' } } })),
        code ? h('strong', { class: 'sms-code' }, code[1]) : null,
        h('p', { class: 'sms-text' }, m.text));
    }));
  }

  el.filter.addEventListener('input', () => render(true));

  /** The demo staff accounts with their current authenticator codes (none unless the demo data was written here). */
  async function refreshStaff() {
    if (off) {
      return;
    }
    try {
      const r = await O.api('GET', '/api/dev/staff', { timeoutMs: 5000 });
      if (r.ok && Array.isArray(r.data) && r.data.length > 0) {
        const table = O.$('#staff');
        O.fill(table,
          h('thead', null, h('tr', null, ['dev.staffLogin', 'dev.staffRole', 'dev.staffClinics', 'dev.staffPassword', 'dev.staffCode']
            .map(k => h('th', { scope: 'col', i18n: k })))),
          h('tbody', null, r.data.map(a => h('tr', null,
            h('td', null, h('code', null, a.login)),
            h('td', null, a.role),
            h('td', null, a.clinics.join(', ')),
            h('td', null, h('code', null, a.password)),
            h('td', null, h('strong', { class: 'staff-code' }, a.code), ' ',
              h('span', { class: 'small muted', i18n: 'dev.staffSecondsLeft', args: { s: a.secondsLeft } }))))));
        O.$('#staff-card').hidden = false;
      }
    } catch (e) {
      // The inbox's status line already says when the server cannot be reached.
    }
    setTimeout(refreshStaff, REFRESH_MS);
  }

  loadResidents();
  refresh();
  refreshStaff();
})();
