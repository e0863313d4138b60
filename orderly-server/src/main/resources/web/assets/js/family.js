/*
 * Booking for a family member: a verified citizen names the other resident, a consent code goes
 * to that resident's phone, and with it the citizen books, changes or cancels for them
 * (assist.js). Bookings wait for the citizen's own turn in the booking line, as their own do.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const $ = id => document.getElementById(id);

  const family = window.OrderlyAssist.start({
    base: '/api/proxy',
    challenges: '/api/proxy/challenges',
    pass: waiting => window.OrderlyAssist.waitForPass('/api/gates/booking/join', 'booking', waiting)
  });

  (async function start() {
    try {
      const me = await O.api('GET', '/api/me');
      $('loading').hidden = true;
      if (!me.ok) {
        $('need-verify').hidden = false;
        return;
      }
      $('desk').hidden = false;
      family.showStatus();
    } catch (e) {
      $('loading').hidden = true;
      O.showProblem($('problem'), e);
    }
  })();
})();
