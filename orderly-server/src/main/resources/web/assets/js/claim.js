/*
 * A leftover-dose offer from its texted link (/claim.html?offer=<token>): the clinic, the vaccine,
 * the time left to claim, and the claim itself, which needs the offered person's verified session
 * (not verified: off to the identity line, and back here after). One Idempotency-Key per claim, so
 * a retry after a lost answer gets the booking rather than "already claimed".
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const RETURN_KEY = 'orderly.returnTo';
  const token = new URLSearchParams(window.location.search).get('offer') || '';
  const el = {
    loading: O.$('#loading'),
    problem: O.$('#problem'),
    offer: O.$('#offer'),
    clinic: O.$('#offer-clinic'),
    product: O.$('#offer-product'),
    day: O.$('#offer-day'),
    left: O.$('#offer-left'),
    claimProblem: O.$('#claim-problem'),
    actions: O.$('#claim-actions'),
    claim: O.$('#claim'),
    verify: O.$('#claim-verify'),
    toVerify: O.$('#to-verify'),
    done: O.$('#done')
  };
  let catalogue = {};
  let expiresAt = 0;
  let timer = null;
  let claimKey = null;

  function stopTimer() {
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  function tick() {
    const left = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    el.left.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
    if (left === 0) {
      stopTimer();
      el.actions.hidden = true;
      O.showProblem(el.claimProblem, { slug: 'offer-expired', type: '/problems/offer-expired' });
    }
  }

  async function load() {
    if (!/^[A-Za-z0-9_-]{32}$/.test(token)) {
      el.loading.hidden = true;
      O.showProblem(el.problem, { slug: 'offer-not-found', type: '/problems/offer-not-found' });
      return;
    }
    let r;
    try {
      [r, catalogue] = await Promise.all([O.api('GET', '/api/standby/offers/' + token), O.products()]);
    } catch (e) {
      el.loading.hidden = true;
      O.showProblem(el.problem, e);
      return;
    }
    el.loading.hidden = true;
    if (!r.ok) {
      O.showProblem(el.problem, r.problem);
      return;
    }
    const o = r.data;
    el.clinic.textContent = o.clinic.name;
    el.product.textContent = O.productLabel(catalogue, o.product).full;
    O.setText(el.day, 'fmt.value', { v: { date: o.day } });
    el.offer.hidden = false;
    if (o.status === 'OPEN') {
      expiresAt = Date.now() + o.secondsLeft * 1000;
      tick();
      timer = setInterval(tick, 1000);
    } else {
      el.left.textContent = '0:00';
      el.actions.hidden = true;
      O.showProblem(el.claimProblem, { slug: o.status === 'CLAIMED' ? 'offer-claimed' : 'offer-expired',
        type: o.status === 'CLAIMED' ? '/problems/offer-claimed' : '/problems/offer-expired' });
    }
  }

  el.toVerify.addEventListener('click', () => {
    O.session.set(RETURN_KEY, '/claim.html?offer=' + token);
    window.location.assign('/');
  });

  el.claim.addEventListener('click', async () => {
    O.clear(el.claimProblem);
    O.busy(el.claim, true, 'claim.claiming');
    claimKey = claimKey || O.randomId();
    let r;
    try {
      r = await O.sendChange('POST', '/api/standby/offers/' + token + '/claim', {}, claimKey);
    } catch (e) {
      O.busy(el.claim, false);
      O.showProblem(el.claimProblem, e);
      return;
    }
    O.busy(el.claim, false);
    if (r.ok) {
      stopTimer();
      el.offer.hidden = true;
      O.showReservation(r.data, catalogue);
      el.done.hidden = false;
      O.focus(O.$('#done-title'));
      return;
    }
    if (r.status === 401) {
      el.actions.hidden = true;
      el.verify.hidden = false;
      return;
    }
    if (r.status !== 503) {
      claimKey = null;
    }
    if (r.status === 409 || r.status === 410) {
      stopTimer();
      el.actions.hidden = true;
    }
    O.showProblem(el.claimProblem, r.problem);
  });

  load();
})();
