/*
 * My reservation: shows the verified person's active reservation and cancels it after an inline
 * confirmation step (both doses go, and the places return to the clinic's days).
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const el = {
    loading: O.$('#loading'),
    problem: O.$('#problem'),
    needVerify: O.$('#need-verify'),
    none: O.$('#none'),
    reservation: O.$('#reservation'),
    status: O.$('#status'),
    cancelledNote: O.$('#cancelled-note'),
    actions: O.$('#actions'),
    cancel: O.$('#cancel'),
    confirm: O.$('#confirm'),
    yes: O.$('#confirm-yes'),
    no: O.$('#confirm-no'),
    afterCancel: O.$('#after-cancel'),
    logout: O.$('#logout')
  };
  let catalogue = {};

  function showOnly(section) {
    for (const s of [el.loading, el.needVerify, el.none, el.reservation]) {
      s.hidden = s !== section;
    }
    el.logout.hidden = !(section === el.none || section === el.reservation);
  }

  async function load() {
    let r;
    try {
      [r, catalogue] = await Promise.all([O.api('GET', '/api/reservations/mine'), O.products()]);
    } catch (e) {
      showOnly(null);
      O.showProblem(el.problem, e, { actions: retryButton() });
      return;
    }
    if (r.status === 401) {
      showOnly(el.needVerify);
      O.showSessionEnd(el.problem, r.problem);
      return;
    }
    if (r.status === 404) {
      O.session.remove('orderly.reservation');
      showOnly(el.none);
      return;
    }
    if (!r.ok) {
      showOnly(null);
      O.showProblem(el.problem, r.problem, { actions: retryButton() });
      return;
    }
    O.showReservation(r.data, catalogue);
    showOnly(el.reservation);
    showOnBehalf(r.data.reference);
  }

  /** Who else (a family member, the call centre) last acted on this reservation, if anyone. */
  async function showOnBehalf(reference) {
    const box = O.$('#on-behalf');
    try {
      const r = await O.api('GET', '/api/proxy/on-my-behalf');
      const last = r.ok ? r.data.onBehalf.find(x => x.reference === reference) : null;
      if (last) {
        O.setText(box, 'my.onBehalf', {
          at: { instant: last.at }, action: { text: 'assist.action.' + last.action },
          who: last.by === 'family' ? { text: 'assist.byFamily', args: { name: last.maskedName || '' } } : { text: 'assist.byCallCentre' }
        });
      }
      box.hidden = !last;
    } catch (e) {
      // Only a note: the reservation itself is shown.
      box.hidden = true;
    }
  }

  function retryButton() {
    const b = O.h('button', { type: 'button', class: 'button block' }, O.h('span', { i18n: 'common.retry' }));
    b.addEventListener('click', () => window.location.reload());
    return b;
  }

  el.cancel.addEventListener('click', () => {
    el.actions.hidden = true;
    el.confirm.hidden = false;
    O.focus(O.$('#confirm-title'));
  });

  el.no.addEventListener('click', () => {
    el.confirm.hidden = true;
    el.actions.hidden = false;
    O.focus(el.cancel);
  });

  let cancelKey = null;

  el.yes.addEventListener('click', async () => {
    O.clear(el.problem);
    O.busy(el.yes, true, 'my.cancelling');
    el.no.disabled = true;
    // One key per cancellation: a retry after a lost answer or a 503 is the same request, and shows
    // "cancelled" if the first one got through rather than "no reservation".
    cancelKey = cancelKey || O.randomId();
    let r;
    try {
      r = await O.sendChange('DELETE', '/api/reservations/mine', {}, cancelKey);
    } catch (e) {
      O.busy(el.yes, false);
      el.no.disabled = false;
      O.showProblem(el.problem, e, { actions: O.h('p', { class: 'small', i18n: 'my.retrySafe' }) });
      return;
    }
    O.busy(el.yes, false);
    el.no.disabled = false;
    el.confirm.hidden = true;
    if (r.status !== 503) {
      cancelKey = null;
    }
    if (r.ok) {
      O.session.remove('orderly.reservation');
      cancelled(r.data);
    } else if (r.status === 401) {
      showOnly(el.needVerify);
      O.showSessionEnd(el.problem, r.problem);
    } else if (r.status === 404) {
      showOnly(el.none);
      O.showProblem(el.problem, r.problem, { tone: 'info' });
    } else {
      el.actions.hidden = false;
      O.showProblem(el.problem, r.problem);
    }
  });

  function cancelled(reservation) {
    if (reservation && reservation.reference) {
      O.showReservation(reservation, catalogue);
    }
    el.reservation.classList.add('cancelled');
    el.status.className = 'badge cancelled';
    O.setText(el.status, 'my.cancelled');
    const note = O.h('div', { class: 'alert success', role: 'status' },
      O.h('p', { class: 'alert-title', i18n: 'my.cancelledTitle' }),
      O.h('p', { i18n: 'my.cancelledText', args: { reference: reservation ? reservation.reference : '' } }));
    O.fill(el.cancelledNote, note);
    el.cancelledNote.hidden = false;
    el.actions.hidden = true;
    el.afterCancel.hidden = false;
    O.focus(note);
  }

  load();
})();
