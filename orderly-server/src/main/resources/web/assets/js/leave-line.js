/*
 * Leave the line (issue #16), on the waiting page of the booking line: while this tab's ticket is
 * waiting, offers to text the verified person when their turn nears (or, in the identity line,
 * anyone who proves a mobile number with a code). Reads the waiting page's
 * remembered answer, so it needs nothing from wait.js but the shared session keys. Loaded after
 * wait.js, it brings its own texts (and those of back.html, which loads it before app.js), so the
 * waiting page starts as early as before.
 */
(function () {
  'use strict';
  Object.assign(window.OrderlyMessages.ko, {
    'leave.title': '줄을 떠나도 자리는 그대로',
    'leave.text': '이 창을 닫아도 됩니다. 차례가 가까워지면 본인인증한 휴대전화로 문자를 보내 드리고, 문자의 링크를 열면 지금 자리로 돌아옵니다. 통과 시간은 문자를 받은 때부터 셉니다.',
    'leave.button': '문자로 알려 주세요',
    'leave.leaving': '등록하는 중…',
    'leave.doneTitle': '문자로 알려 드립니다',
    'leave.done': '차례가 약 {minutes}분 남으면 {phone}(으)로 문자를 보냅니다. 이제 이 창을 닫아도 자리는 그대로입니다.',
    'leave.phoneText': '이 창을 닫아도 됩니다. 휴대전화 번호를 알려 주시면 인증번호를 보내 드리고, 차례가 가까워지면 그 번호로 문자를 보냅니다. 문자의 링크를 열면 지금 자리로 돌아옵니다.',
    'leave.phone': '휴대전화 번호',
    'leave.sendCode': '인증번호 받기',
    'leave.code': '문자로 받은 인증번호 6자리',
    'leave.confirm': '확인하고 알림 받기',
    'leave.codeSent': '{phone}(으)로 인증번호를 보냈습니다.',
    'back.pageTitle': '대기열로 돌아가기 | 코로나19 예방접종 사전예약',
    'back.title': '대기열로 돌아가는 중입니다',
    'back.restoring': '자리를 확인하는 중입니다…',
    'back.restoredTitle': '자리를 돌려받았습니다',
    'back.restored': '대기 번호 {rank}번 그대로입니다. 대기 화면으로 이동합니다…',
    'back.continue': '대기 화면으로 가기',
    'back.noToken': '링크에 돌아오기 정보가 없습니다. 문자로 받은 링크를 그대로 열어 주세요.'
  });
  Object.assign(window.OrderlyMessages.en, {
    'leave.title': 'Leave the line, keep your place',
    'leave.text': 'You may close this window. When your turn nears, we text your verified phone; the link in the text brings you back to this place. Your pass time starts from the text.',
    'leave.button': 'Text me when it is my turn',
    'leave.leaving': 'Registering…',
    'leave.doneTitle': 'We will text you',
    'leave.done': 'When about {minutes} min remain, a text goes to {phone}. You may close this window now; your place stays.',
    'leave.phoneText': 'You may close this window. Give a mobile number: we text it a code now, and a text when your turn nears. The link in that text brings you back to this place.',
    'leave.phone': 'Mobile number',
    'leave.sendCode': 'Send me a code',
    'leave.code': 'The 6-digit code from the text',
    'leave.confirm': 'Confirm and text me',
    'leave.codeSent': 'A code was sent to {phone}.',
    'back.pageTitle': 'Back to the line | COVID-19 vaccination booking',
    'back.title': 'Taking you back to the line',
    'back.restoring': 'Checking your place…',
    'back.restoredTitle': 'Your place is back',
    'back.restored': 'You keep place {rank}. Going to the waiting page…',
    'back.continue': 'Go to the waiting page',
    'back.noToken': 'The link carries no return details. Open the link exactly as the text message gave it.'
  });
  // back.html loads this before app.js, for the texts alone: there is no card to build there.
  const O = window.Orderly;
  const section = document.getElementById('leave-line');
  const gateName = new URLSearchParams(window.location.search).get('gate');
  if (!O || !section || (gateName !== 'booking' && gateName !== 'identity')) {
    return;
  }
  const gate = O.gateFor(gateName);

  function refresh() {
    const last = gate.last();
    section.hidden = !(last && last.answer && last.answer.state === 'waiting');
  }

  function ticketHeaders() {
    const ticket = gate.ticket();
    return ticket ? { 'Orderly-Ticket': ticket } : {};
  }

  function done(result, data) {
    const minutes = Math.max(1, Math.round(data.leadSeconds / 60));
    O.fill(result, O.h('div', { class: 'alert success', role: 'status' },
      O.h('p', { class: 'alert-title', i18n: 'leave.doneTitle' }),
      O.h('p', { i18n: 'leave.done', args: { minutes, phone: data.maskedPhone } })));
  }

  // In the first line nobody is verified yet: a number proved with a code is where the text goes.
  if (gateName === 'identity') {
    const phone = O.h('input', { id: 'leave-phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: '20',
      required: '', 'aria-describedby': 'leave-result' });
    const code = O.h('input', { id: 'leave-code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
      maxlength: '6', pattern: '[0-9]{6}', required: '', 'aria-describedby': 'leave-result' });
    const send = O.h('button', { type: 'submit', class: 'button secondary block', id: 'leave-send' }, O.h('span', { i18n: 'leave.sendCode' }));
    const confirm = O.h('button', { type: 'submit', class: 'button secondary block', id: 'leave-confirm' },
      O.h('span', { i18n: 'leave.confirm' }));
    const phoneForm = O.h('form', { id: 'leave-phone-form', novalidate: '' },
      O.h('div', { class: 'field' }, O.h('label', { for: 'leave-phone', i18n: 'leave.phone' }), phone),
      O.h('div', { class: 'button-row' }, send));
    const codeForm = O.h('form', { id: 'leave-code-form', novalidate: '', hidden: '' },
      O.h('div', { class: 'field' }, O.h('label', { for: 'leave-code', i18n: 'leave.code' }), code),
      O.h('div', { class: 'button-row' }, confirm));
    // Announced as it changes: errors and the outcome are read out without moving the focus.
    const status = O.h('div', { id: 'leave-result', 'aria-live': 'polite' });
    O.fill(section,
      O.h('h2', { id: 'leave-title', class: 'card-title', i18n: 'leave.title' }),
      O.h('p', { i18n: 'leave.phoneText' }),
      phoneForm, codeForm, status);
    let challenge = null;
    phoneForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      O.busy(send, true, 'leave.leaving');
      try {
        const r = await O.api('POST', '/api/gates/identity/leave/phone', { json: { phone: phone.value }, headers: ticketHeaders() });
        if (!r.ok) {
          O.showProblem(status, r.problem);
          return;
        }
        challenge = r.data.challengeId;
        codeForm.hidden = false;
        O.fill(status, O.h('p', { role: 'status', i18n: 'leave.codeSent', args: { phone: r.data.maskedPhone } }));
        code.focus();
      } catch (e) {
        O.showProblem(status, e);
      } finally {
        O.busy(send, false);
      }
    });
    codeForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      O.busy(confirm, true, 'leave.leaving');
      let armed = false;
      try {
        const r = await O.api('POST', '/api/gates/identity/leave/phone/' + encodeURIComponent(challenge || ''),
          { json: { phone: phone.value, code: code.value }, headers: ticketHeaders() });
        if (!r.ok) {
          O.showProblem(status, r.problem);
          return;
        }
        armed = true;
        phoneForm.hidden = true;
        codeForm.hidden = true;
        done(status, r.data);
      } catch (e) {
        O.showProblem(status, e);
      } finally {
        if (!armed) {
          O.busy(confirm, false);
        }
      }
    });
    refresh();
    window.setInterval(refresh, 1000);
    return;
  }
  const button = O.h('button', { type: 'button', class: 'button secondary block', id: 'leave-button' },
    O.h('span', { i18n: 'leave.button' }));
  const result = O.h('div', { id: 'leave-result' });
  O.fill(section,
    O.h('h2', { id: 'leave-title', class: 'card-title', i18n: 'leave.title' }),
    O.h('p', { i18n: 'leave.text' }),
    O.h('div', { class: 'button-row' }, button),
    result);
  let left = false;

  button.addEventListener('click', async () => {
    O.busy(button, true, 'leave.leaving');
    try {
      const r = await O.api('POST', '/api/gates/' + gateName + '/leave', { headers: ticketHeaders() });
      if (!r.ok) {
        O.showProblem(result, r.problem);
        return;
      }
      left = true;
      done(result, r.data);
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
