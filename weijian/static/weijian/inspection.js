// The inspection page on a tablet or phone (no inline script, for the CSP).
//
// Each checklist line is its own form. Whatever is typed is kept in localStorage under
// "weijian:inspection:<id>:<item>:<line>" as it is typed, and restored when the page is opened again; a line is
// saved with fetch, and its draft is dropped only once the server has accepted it. A refused line (the server's
// error) or a dropped network keeps the form as it is, shows why beside it, and keeps the draft.
// The signature pad draws on a canvas and sends it as a PNG data URL with the confirmation.
(function () {
  'use strict';

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function readDraft(form) {
    var s = store();
    if (!s) { return null; }
    try { return JSON.parse(s.getItem(form.dataset.key) || 'null'); } catch (e) { return null; }
  }

  function writeDraft(form) {
    var s = store();
    if (!s) { return; }
    var checked = form.querySelector('input[name=outcome]:checked');
    var draft = {
      outcome: checked ? checked.value : '',
      note: form.elements.note ? form.elements.note.value : '',
      problems: Array.prototype.map.call(form.querySelectorAll('input[name=problems]:checked'), function (i) { return i.value; })
    };
    try { s.setItem(form.dataset.key, JSON.stringify(draft)); } catch (e) { /* storage full: the page still holds it */ }
  }

  function dropDraft(form) {
    var s = store();
    if (s) { s.removeItem(form.dataset.key); }
  }

  function restore(form) {
    var draft = readDraft(form);
    if (!draft) { return; }
    form.querySelectorAll('input[name=outcome]').forEach(function (i) { i.checked = i.value === draft.outcome; });
    form.querySelectorAll('input[name=problems]').forEach(function (i) { i.checked = (draft.problems || []).indexOf(i.value) >= 0; });
    if (form.elements.note) { form.elements.note.value = draft.note || ''; }
    if ((draft.problems || []).length) { var d = form.querySelector('details'); if (d) { d.open = true; } }
    state(form, form.dataset.msgRestored, false);
  }

  function state(form, text, isError) {
    var error = form.querySelector('.line-error');
    var info = form.querySelector('.line-state');
    if (isError) {
      error.textContent = text; error.hidden = false;
    } else {
      error.hidden = true; error.textContent = '';
      info.textContent = text;
    }
  }

  function progress() {
    var el = document.getElementById('progress');
    if (!el) { return; }
    var forms = document.querySelectorAll('form.line-form');
    var done = Array.prototype.filter.call(forms, function (f) { return f.dataset.saved === '1'; }).length;
    el.dataset.done = String(done);
  }

  function submit(event) {
    var form = event.currentTarget;
    event.preventDefault();
    writeDraft(form);
    var button = form.querySelector('button[type=submit]');
    button.disabled = true;
    state(form, form.dataset.msgSaving, false);
    fetch(form.action, {
      method: 'POST', body: new FormData(form), credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, error: response.status + ' ' + response.statusText }; })
        .then(function (data) {
          if (response.ok && data.ok) {
            dropDraft(form);
            form.dataset.saved = '1';
            if (form.elements.photos) { form.elements.photos.value = ''; }
            state(form, form.dataset.msgSaved + '：' + data.outcome_label + (data.photos ? ' · ' + data.photos + ' ' + form.dataset.msgPhotos : ''), false);
            progress();
          } else {
            state(form, form.dataset.msgFailed + (data.error || response.status), true);
          }
        });
    }).catch(function () {
      state(form, form.dataset.msgOffline, true);
    }).then(function () { button.disabled = false; });
  }

  document.querySelectorAll('form.line-form').forEach(function (form) {
    restore(form);
    form.addEventListener('input', function () { writeDraft(form); });
    form.addEventListener('change', function () { writeDraft(form); });
    form.addEventListener('submit', submit);
  });

  // ------------------------------------------------------------------ signature pad
  document.querySelectorAll('form.confirm-form').forEach(function (form) {
    var canvas = form.querySelector('canvas.signature-pad');
    if (!canvas) { return; }
    var ctx = canvas.getContext('2d');
    var drawing = false;
    var drawn = false;
    ctx.lineWidth = 3; ctx.lineCap = 'round'; ctx.strokeStyle = '#111';

    function point(e) {
      var r = canvas.getBoundingClientRect();
      return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
    }
    canvas.addEventListener('pointerdown', function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p.x, p.y);
    });
    canvas.addEventListener('pointermove', function (e) {
      if (!drawing) { return; }
      var p = point(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true;
    });
    ['pointerup', 'pointercancel', 'pointerleave'].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    form.querySelector('.clear-signature').addEventListener('click', function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; form.elements.signature.value = '';
    });
    form.addEventListener('submit', function (event) {
      var error = form.querySelector('.sign-error');
      if (!drawn) {
        event.preventDefault();
        error.textContent = form.dataset.msgSign; error.hidden = false;
        return;
      }
      form.elements.signature.value = canvas.toDataURL('image/png');
    });
  });
})();
