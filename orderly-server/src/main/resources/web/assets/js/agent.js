/*
 * The call centre's page: an agent signs in (as on the console), finds the caller, sends them a
 * consent code, enters the code they read out, and then books, changes or cancels for them
 * (assist.js). Bookings and changes wait for a turn in the call centre's own line (the agent
 * gate), joined as this agent.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const $ = id => document.getElementById(id);

  function showSignIn() {
    $('desk').hidden = true;
    $('who').hidden = true;
    $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    $('login').focus();
  }

  const desk = window.OrderlyAssist.start({
    base: '/api/operator/agent',
    lookup: '/api/operator/agent/residents/lookup',
    challenges: '/api/operator/agent/challenges',
    pass: waiting => window.OrderlyAssist.waitForPass('/api/operator/agent/gate/join', 'agent', waiting)
  });

  function signedIn(account) {
    $('sign-in').hidden = true;
    $('desk').hidden = false;
    $('who').hidden = false;
    $('who').textContent = account.name + ' · ' + account.role;
    $('sign-out').hidden = false;
    desk.showStatus();
  }

  $('sign-in-form').addEventListener('submit', async e => {
    e.preventDefault();
    O.clear($('problem'));
    const button = e.target.querySelector('button[type=submit]');
    O.busy(button, true, 'console.signingIn');
    try {
      const body = { login: $('login').value.trim(), password: $('password').value, code: $('code').value.trim() };
      const r = await O.api('POST', '/api/staff/sign-in', { json: body });
      if (r.ok) {
        $('password').value = '';
        $('code').value = '';
        signedIn(r.data);
      } else {
        O.showProblem($('problem'), r.problem);
      }
    } catch (err) {
      O.showProblem($('problem'), err);
    } finally {
      O.busy(button, false);
    }
  });

  $('sign-out').addEventListener('click', async () => {
    try {
      await O.api('POST', '/api/staff/sign-out');
    } finally {
      showSignIn();
    }
  });

  (async function start() {
    try {
      const r = await O.api('GET', '/api/staff/me');
      if (r.ok) {
        signedIn(r.data);
      } else {
        showSignIn();
      }
    } catch (e) {
      showSignIn();
      O.showProblem($('problem'), e);
    }
  })();
})();
