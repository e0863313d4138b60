/*
 * Leave the line (issue #16), on the waiting page of the booking line: while this tab's ticket is
 * waiting, offers to text the verified person when their turn nears. Reads the waiting page's
 * remembered answer, so it needs nothing from wait.js but the shared session keys.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const section = O.$('#leave-line');
  const gateName = new URLSearchParams(window.location.search).get('gate');
  if (!section || gateName !== 'booking') {
    return;
  }
  const gate = O.gateFor(gateName);
  const button = O.h('button', { type: 'button', class: 'button secondary block', id: 'leave-button' },
    O.h('span', { i18n: 'leave.button' }));
  const result = O.h('div', { id: 'leave-result' });
  O.fill(section,
    O.h('h2', { id: 'leave-title', class: 'card-title', i18n: 'leave.title' }),
    O.h('p', { i18n: 'leave.text' }),
    O.h('div', { class: 'button-row' }, button),
    result);
  let left = false;

  function refresh() {
    const last = gate.last();
    section.hidden = !(last && last.answer && last.answer.state === 'waiting');
  }

  button.addEventListener('click', async () => {
    O.busy(button, true, 'leave.leaving');
    try {
      const ticket = gate.ticket();
      const r = await O.api('POST', '/api/gates/' + gateName + '/leave', { headers: ticket ? { 'Orderly-Ticket': ticket } : {} });
      if (!r.ok) {
        O.showProblem(result, r.problem);
        return;
      }
      left = true;
      const minutes = Math.max(1, Math.round(r.data.leadSeconds / 60));
      O.fill(result, O.h('div', { class: 'alert success', role: 'status' },
        O.h('p', { class: 'alert-title', i18n: 'leave.doneTitle' }),
        O.h('p', { i18n: 'leave.done', args: { minutes, phone: r.data.maskedPhone } })));
      button.hidden = true;
    } catch (e) {
      O.showProblem(result, e);
    } finally {
      if (!left) {
        O.busy(button, false);
      }
    }
  });

  refresh();
  window.setInterval(refresh, 1000);
})();
