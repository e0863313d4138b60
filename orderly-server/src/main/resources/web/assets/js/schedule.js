/*
 * The public schedule: who can book now and next (O.schedule), and a birth-date check that asks
 * the server's own eligibility rules (GET /api/schedule/check) before anyone joins a line. No
 * identity, nothing kept: the date goes to the server once, in the request, and nowhere else.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const h = O.h;
  const form = O.$('#check-form');
  const birth = O.$('#birth');
  const error = O.$('#birth-error');
  const button = O.$('#check');
  const result = O.$('#result');

  O.schedule.show(O.$('#schedule'), { compact: false });

  /** "19640315", "1964.3.15", "1964-03-15" → "1964-03-15"; null if not a real date. */
  function normalise(raw) {
    const m = /^\s*(\d{4})[\s./-]?(\d{1,2})[\s./-]?(\d{1,2})\s*$/.exec(raw || '');
    if (!m) {
      return null;
    }
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1900) {
      return null;
    }
    return m[1] + '-' + String(mo).padStart(2, '0') + '-' + String(d).padStart(2, '0');
  }

  function fieldError(key) {
    if (key) {
      O.setText(error, key);
      error.hidden = false;
      birth.setAttribute('aria-invalid', 'true');
    } else {
      O.fill(error);
      error.hidden = true;
      birth.removeAttribute('aria-invalid');
    }
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const date = normalise(birth.value);
    if (!date) {
      fieldError('schedule.err.birth');
      O.focus(birth);
      return;
    }
    fieldError(null);
    birth.value = date;
    O.fill(result);
    O.busy(button, true, 'schedule.checking');
    let r;
    try {
      r = await O.api('GET', '/api/schedule/check?birthDate=' + encodeURIComponent(date));
    } catch (e) {
      O.busy(button, false);
      O.fill(result, O.problemBox(e));
      return;
    }
    O.busy(button, false);
    if (!r.ok) {
      O.fill(result, O.problemBox(r.problem, { args: {} }));
      return;
    }
    const e = r.data.eligibility;
    if (e.eligible) {
      O.fill(result, h('div', { class: 'alert success' },
        h('p', { class: 'alert-title', i18n: 'schedule.eligibleTitle' }),
        h('p', { i18n: 'schedule.eligible', args: { cohort: O.cohortArg(e.cohort), until: { instant: e.until, style: 'deadline' } } }),
        h('p', null, h('a', { class: 'button', href: '/', i18n: 'schedule.toJoin' }))));
    } else {
      const box = O.refusalBox(e, 'schedule.notEligibleTitle');
      // The box links to this very page: no need.
      box.querySelectorAll('a[href="/schedule.html"]').forEach(a => a.parentElement.remove());
      if (e.reason === 'NOT_IN_ANY_COHORT') {
        box.append(h('p', { class: 'small', i18n: 'schedule.listNote' }));
      }
      O.fill(result, box);
    }
  });
})();
