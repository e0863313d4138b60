/*
 * Confirmation: the booking just made, as the booking page left it in sessionStorage; opened any
 * other way (a new tab, a bookmark), it asks the server for this person's reservation instead.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const el = {
    loading: O.$('#loading'),
    problem: O.$('#problem'),
    confirmation: O.$('#confirmation'),
    needVerify: O.$('#need-verify'),
    none: O.$('#none')
  };

  function showOnly(section) {
    for (const s of [el.loading, el.confirmation, el.needVerify, el.none]) {
      s.hidden = s !== section;
    }
  }

  O.$('#print').addEventListener('click', () => window.print());

  (async function start() {
    const catalogue = await O.products();
    let reservation = O.session.get('orderly.reservation');
    if (!reservation || !reservation.reference) {
      let r;
      try {
        r = await O.api('GET', '/api/reservations/mine');
      } catch (e) {
        showOnly(null);
        O.showProblem(el.problem, e);
        return;
      }
      if (r.status === 401) {
        showOnly(el.needVerify);
        return;
      }
      if (r.status === 404) {
        showOnly(el.none);
        return;
      }
      if (!r.ok) {
        showOnly(null);
        O.showProblem(el.problem, r.problem);
        return;
      }
      reservation = r.data;
      O.session.set('orderly.reservation', reservation);
    }
    O.showReservation(reservation, catalogue);
    showOnly(el.confirmation);
    O.focus(O.$('#done-title'));
  })();
})();
