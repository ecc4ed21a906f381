(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('log-data').textContent);
  var entries = {};
  // The page's own text went through pageVisible; what this script builds from the JSON did not
  // (JSON.parse gives "\u202E" back as the override), so a server's C0 controls and bidirectional
  // overrides are shown here as \x1B and \u202E too: an RLO read "live" as "evil".
  var UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;
  function visible(text) {
    return String(text).replace(UNPRINTABLE, function (c) {
      var code = c.charCodeAt(0);
      return code <= 0xff ? '\\x' + (code < 16 ? '0' : '') + code.toString(16).toUpperCase() : '\\u' + code.toString(16).toUpperCase();
    });
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = visible(text);
    if (cls) e.className = cls;
    return e;
  }
  function show(v) { return typeof v === 'string' ? v : JSON.stringify(v, null, 2); }
  function row(tbody, r, onOpen) {
    var tr = el('tr');
    tr.tabIndex = 0;
    tr.appendChild(el('td', r.objectType + ' ' + r.display));
    tr.appendChild(el('td', r.action));
    var td = el('td');
    td.appendChild(el('span', r.outcome, 'badge ' + r.outcome));
    tr.appendChild(td);
    var why = el('td', r.reason);
    if (r.error) { why.appendChild(el('br')); why.appendChild(el('span', typeof r.error === 'string' ? r.error : (r.error.status ? 'HTTP ' + r.error.status + ' ' : '') + (r.error.code ? r.error.code + ': ' : '') + r.error.message, 'error')); }
    tr.appendChild(why);
    tr.dataset.text = (r.objectType + ' ' + r.display + ' ' + r.id + ' ' + r.action + ' ' + r.outcome + ' ' + r.reason).toLowerCase();
    tr.addEventListener('click', onOpen);
    tr.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') onOpen(); });
    tbody.appendChild(tr);
  }
  function detail(e) {
    var box = document.getElementById('detail');
    var body = document.getElementById('detail-body');
    box.hidden = false;
    document.getElementById('detail-title').textContent = visible(e.objectType + ' ' + e.display + ': ' + e.action + ' (' + e.outcome + ')');
    body.textContent = '';
    body.appendChild(el('p', e.reason));
    if (e.startedAt) body.appendChild(el('p', 'started ' + e.startedAt + ' · finished ' + (e.finishedAt || ''), 'hint'));
    if (e.error) body.appendChild(el('p', (e.error.status ? 'HTTP ' + e.error.status + ' ' : '') + (e.error.code ? e.error.code + ': ' : '') + e.error.message + (e.nextRetryAt ? ' · next retry ' + e.nextRetryAt : ''), 'error'));
    if (e.steps) {
      body.appendChild(el('h3', 'Steps'));
      e.steps.forEach(function (s, i) {
        body.appendChild(el('p', (i + 1) + '. ' + s.name + ': ' + s.outcome + ' — ' + s.reason));
        if (s.details) body.appendChild(el('pre', show(s.details)));
      });
    }
    if (e.changes && e.changes.length) {
      body.appendChild(el('h3', 'Attributes (old → new)'));
      var t = el('table');
      t.appendChild(el('thead')).appendChild(el('tr')).append(el('th', 'attribute'), el('th', 'old'), el('th', 'new'), el('th', 'sent'));
      var tb = t.appendChild(el('tbody'));
      e.changes.forEach(function (c) {
        var tr = tb.appendChild(el('tr'));
        tr.append(el('td', c.path), el('td', c.old === undefined ? '—' : show(c.old)), el('td', c.new === undefined ? '—' : show(c.new)), el('td', c.sent ? 'yes' : 'no' + (c.note ? ': ' + c.note : '')));
      });
      body.appendChild(t);
    }
    (e.requests || []).forEach(function (x) {
      var d = el('div', null, 'exchange');
      d.appendChild(el('h4', x.method + ' ' + x.url + ' → ' + (x.status !== undefined ? x.status : (x.transportError ? x.transportError.code : '?')) + ' (' + x.ms + ' ms)'));
      if (x.body !== undefined) { d.appendChild(el('p', 'request body', 'hint')); d.appendChild(el('pre', show(x.body))); }
      if (x.response !== undefined) { d.appendChild(el('p', 'response', 'hint')); d.appendChild(el('pre', show(x.response))); }
      d.appendChild(el('p', 'reproduce', 'hint'));
      // Logs since session 23 leave the line out when it can be rebuilt: the same curlLine() the log's readers use (src/http/curl-line.js, embedded before this script).
      d.appendChild(el('pre', x.curl !== undefined ? x.curl : curlLine({ method: x.method, url: x.url, headers: x.headers, body: x.body === undefined ? undefined : typeof x.body === 'string' ? x.body : JSON.stringify(x.body) })));
      body.appendChild(d);
    });
    box.scrollIntoView({ block: 'start' });
  }
  var loaded = {};
  var waiting = {};
  window.scimproofChunk = function (n, items) {
    loaded[n] = true;
    var tbody = document.querySelector('#all tbody');
    items.forEach(function (e) {
      entries[e.objectType + ':' + e.id + ':' + e.action + ':' + e.finishedAt] = e;
      row(tbody, e, function () { detail(e); });
    });
    (waiting[n] || []).forEach(function (f) { f(); });
    delete waiting[n];
  };
  var buttons = {};
  function load(n, then) {
    if (buttons[n]) buttons[n].disabled = true;
    if (loaded[n]) { if (then) then(); return; }
    if (then) (waiting[n] = waiting[n] || []).push(then);
    if (document.getElementById('chunk-' + n)) return;
    var s = document.createElement('script');
    s.id = 'chunk-' + n;
    s.src = data.chunkFiles[n - 1];
    document.body.appendChild(s);
  }
  var pages = document.getElementById('pages');
  data.chunkFiles.forEach(function (_f, i) {
    var b = el('button', 'objects ' + (i * 500 + 1) + '–' + ((i + 1) * 500));
    b.addEventListener('click', function () { load(i + 1); });
    buttons[i + 1] = b;
    pages.appendChild(b);
  });
  var notable = document.querySelector('#notable tbody');
  var opens = {};
  data.notable.forEach(function (r) {
    var open = function () {
      load(r.chunk, function () {
        var found = null;
        Object.keys(entries).forEach(function (k) { var e = entries[k]; if (e.objectType === r.objectType && e.id === r.id && e.action === r.action && e.finishedAt === r.at) found = e; });
        if (found) detail(found);
      });
    };
    opens[r.id] = opens[r.id] || open;
    opens[r.display] = opens[r.display] || open;
    row(notable, r, open);
  });
  // page.html#object=<id or name> opens that object's details (links from the CLI and a console).
  // An object that simply arrived is in no row of its own: its chunk is found by loading them in turn.
  function openByName(name) {
    if (opens[name]) { opens[name](); return; }
    var n = 1;
    (function next() {
      if (n > data.chunkFiles.length) return;
      load(n, function () {
        var found = null;
        Object.keys(entries).forEach(function (k) { var e = entries[k]; if (!found && (e.id === name || e.display === name)) found = e; });
        if (found) detail(found);
        else { n++; next(); }
      });
    })();
  }
  var wanted = /^#object=(.+)$/.exec(location.hash);
  if (wanted) openByName(fragmentName(wanted[1]));
  // A link typed by hand or made by a tool that does not percent-encode ("#object=Sales 100%", a
  // Latin-1 "%E9") is not a valid URI component: decodeURIComponent throws and the page's script
  // stopped. Each well-formed run of escapes is decoded and the rest kept as written.
  function fragmentName(raw) {
    try { return decodeURIComponent(raw); } catch (e) {
      return raw.replace(/(?:%[0-9A-Fa-f]{2})+/g, function (run) { try { return decodeURIComponent(run); } catch (e2) { return run; } });
    }
  }
  document.getElementById('filter').addEventListener('input', function (ev) {
    var q = ev.target.value.toLowerCase();
    document.querySelectorAll('tbody tr').forEach(function (tr) { tr.hidden = q !== '' && tr.dataset.text.indexOf(q) < 0; });
  });
})();
