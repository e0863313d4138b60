/*
 * Landing page: static and cacheable; its one read is the schedule (who can book now and next),
 * which is the same for everyone and cached for 30 s, so a surge of visitors costs the servers
 * little. Joining takes a place in the identity gate's line and moves on to the waiting room.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const button = O.$('#join');
  const problem = O.$('#join-problem');

  button.addEventListener('click', async () => {
    O.clear(problem);
    O.busy(button, true, 'landing.joining');
    await scheduleRead;
    try {
      const r = await O.api('POST', '/api/gates/identity/join');
      if (r.ok && r.data) {
        O.gate.remember(r.data);
        window.location.assign('/wait.html');
        return;
      }
      O.showProblem(problem, r.problem, { actions: retry() });
    } catch (e) {
      O.showProblem(problem, e, { actions: retry() });
    }
    O.busy(button, false);
  });

  // The schedule read may be this browser's first request, which sets its browser-id cookie: a
  // join sent at the same time would get another id and a ticket this browser cannot use, so the
  // join waits for the read to finish (it is quick, and cached).
  const scheduleRead = O.schedule.show(O.$('#who'), { compact: true }).catch(() => null);

  function retry() {
    return O.h('p', { class: 'small', i18n: 'landing.retryHint' });
  }
})();
