// The console page's script: sends the page's buttons and forms to the admin API (with the
// header that marks a same-origin change), shows the answer, re-renders the page's main part
// from the server after a change, and follows the job live over server-sent events (job badge,
// progress bar, new log entries, cycle ends). Plain JavaScript, no library, no build step.
(function () {
  'use strict';
  var HEADER = 'X-Scimproof-Console';
  var page = document.body.getAttribute('data-page');
  var main = document.getElementById('main');
  var liveRegion = document.getElementById('live');
  var toast = document.getElementById('toast');
  var alertBox = document.getElementById('alert');
  var toastTimer;
  var MAX_ROWS = 500;

  function announce(text) {
    liveRegion.textContent = '';
    // A new text node each time, so the same message twice is announced twice.
    setTimeout(function () { liveRegion.textContent = text; }, 30);
  }

  function show(text, bad) {
    clearTimeout(toastTimer);
    var box = bad ? alertBox : toast;
    var other = bad ? toast : alertBox;
    other.textContent = '';
    other.classList.remove('shown');
    box.textContent = text;
    box.classList.add('shown');
    toastTimer = setTimeout(function () { box.classList.remove('shown'); box.textContent = ''; }, bad ? 12000 : 6000);
  }

  function request(method, url, body) {
    var init = { method: method, headers: {}, credentials: 'same-origin' };
    init.headers[HEADER] = '1';
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var json;
        try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { error: text || res.statusText }; }
        if (!res.ok) throw new Error(json.error || ('HTTP ' + res.status));
        return json;
      });
    });
  }

  // ---------- keeping focus across a re-render ----------
  function focusables(root) {
    return Array.prototype.slice.call(root.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'));
  }

  function focusKey() {
    var el = document.activeElement;
    if (!el || el === document.body || !main.contains(el)) return null;
    if (el.id) return { id: el.id };
    var holder = el.closest('[id]');
    if (!holder || holder === main) return null;
    return { holder: holder.id, index: focusables(holder).indexOf(el) };
  }

  function restoreFocus(key) {
    if (!key) return;
    var el = key.id ? document.getElementById(key.id) : null;
    if (!el && key.holder) {
      var holder = document.getElementById(key.holder);
      if (holder) {
        var list = focusables(holder);
        el = list[Math.min(Math.max(key.index, 0), list.length - 1)] || holder;
      }
    }
    if (el) {
      if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(el.tagName)) el.setAttribute('tabindex', '-1');
      el.focus({ preventScroll: true });
    }
  }

  function openDetails() {
    return Array.prototype.slice.call(main.querySelectorAll('details[open][id]')).map(function (d) { return d.id; });
  }

  /** Fetches this page again and swaps in its main part and the job badge. */
  var refreshing = false;
  var refreshAgain = false;
  function refresh(knownKey) {
    if (refreshing) { refreshAgain = true; return Promise.resolve(); }
    refreshing = true;
    var key = knownKey || focusKey();
    var open = openDetails();
    var scroll = window.scrollY;
    return fetch(location.href, { credentials: 'same-origin' }).then(function (res) { return res.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var fresh = doc.getElementById('main');
      if (fresh) main.innerHTML = fresh.innerHTML;
      var job = doc.getElementById('job');
      if (job) document.getElementById('job').innerHTML = job.innerHTML;
      open.forEach(function (id) { var d = document.getElementById(id); if (d) d.open = true; });
      window.scrollTo(0, scroll);
      restoreFocus(key);
    }).catch(function () { /* the next event or action refreshes again */ }).then(function () {
      refreshing = false;
      if (refreshAgain) { refreshAgain = false; refresh(); }
    });
  }

  /** Re-render unless someone is typing in a form on the page (then on the next blur). */
  var deferred = false;
  function refreshSoon() {
    var el = document.activeElement;
    if (el && main.contains(el) && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
      if (!deferred) {
        deferred = true;
        el.addEventListener('blur', function () { deferred = false; setTimeout(refresh, 0); }, { once: true });
      }
      return;
    }
    refresh();
  }

  // ---------- actions ----------
  function argsOf(el) {
    var body = {};
    for (var i = 0; i < el.attributes.length; i++) {
      var a = el.attributes[i];
      if (a.name.indexOf('data-arg-') === 0) body[a.name.slice(9)] = a.value;
    }
    return body;
  }

  function parseValue(kind, input) {
    if (kind === 'boolean') return input.checked;
    if (kind === 'list') return input.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    return input.value;
  }

  function sameValue(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function formBody(form) {
    if (form.getAttribute('data-shape') === 'attributes') {
      var attributes = {};
      Array.prototype.forEach.call(form.querySelectorAll('[data-kind]'), function (input) {
        var kind = input.getAttribute('data-kind');
        var original = JSON.parse(input.getAttribute('data-original') || 'null');
        var value = parseValue(kind, input);
        var empty = value === '' || (Array.isArray(value) && value.length === 0);
        if (kind === 'boolean') {
          var was = original === null ? input.name === 'accountEnabled' : original;
          if (value !== was) attributes[input.name] = value;
        } else if (empty) {
          if (original !== null) attributes[input.name] = null;
        } else if (!sameValue(value, original)) attributes[input.name] = value;
      });
      var otherName = form.elements.namedItem('__other_name');
      var otherValue = form.elements.namedItem('__other_value');
      if (otherName && otherName.value) attributes[otherName.value] = otherValue ? otherValue.value : '';
      return { attributes: attributes };
    }
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) return;
      // A list of checkboxes (a group's members): the values of the checked ones.
      if (el.type === 'checkbox' && el.hasAttribute('data-list')) {
        body[el.name] = body[el.name] || [];
        if (el.checked) body[el.name].push(el.value);
      } else if (el.type === 'checkbox') body[el.name] = el.checked;
      else if (el.type === 'number') body[el.name] = el.value === '' ? null : Number(el.value);
      else if (el.tagName === 'SELECT' || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') body[el.name] = el.name === 'manager' && el.value === '' ? null : el.value;
    });
    return body;
  }

  function run(el, body) {
    var confirmText = el.getAttribute('data-confirm');
    if (confirmText && !window.confirm(confirmText)) return;
    if (el.getAttribute('data-shape') === 'attributes' && Object.keys(body.attributes).length === 0) {
      show('Nothing changed: edit a field first.', false);
      return;
    }
    // Busy, but not disabled: a disabled button would drop the keyboard focus.
    var busy = el.tagName === 'FORM' ? el.querySelector('[type=submit]') : el;
    if (busy && busy.getAttribute('aria-busy') === 'true') return;
    if (busy) busy.setAttribute('aria-busy', 'true');
    var key = focusKey();
    var method = el.getAttribute('data-method') || 'POST';
    request(method, el.getAttribute('data-api'), body).then(function (json) {
      var then = el.getAttribute('data-then');
      var message = json.message || 'Done';
      show(message, false);
      if (then === 'on-demand' && json.page) { location.assign(json.page + '#pod-result'); return; }
      if (then) { location.assign(then); return; }
      return refresh(key);
    }, function (error) {
      show(error.message, true);
    }).then(function () {
      if (busy) busy.removeAttribute('aria-busy');
    });
  }

  document.addEventListener('click', function (event) {
    var copy = event.target.closest('[data-copy]');
    if (copy) {
      var pre = copy.parentElement.querySelector('pre.curl');
      if (pre && navigator.clipboard) {
        navigator.clipboard.writeText(pre.textContent).then(function () { show('curl line copied', false); }, function () { show('Copy failed: select the text instead', true); });
      }
      return;
    }
    var button = event.target.closest('button[data-api]');
    if (!button) return;
    event.preventDefault();
    run(button, argsOf(button));
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute('data-api')) return;
    event.preventDefault();
    run(form, formBody(form));
  });

  // ---------- live updates ----------
  function matchesFilter(e, box) {
    var user = (box.getAttribute('data-filter-user') || '').toLowerCase();
    if (user && e.id.toLowerCase().indexOf(user) < 0 && e.display.toLowerCase().indexOf(user) < 0 && e.targetId.toLowerCase().indexOf(user) < 0) return false;
    var action = box.getAttribute('data-filter-action');
    if (action && e.action !== action) return false;
    var outcome = box.getAttribute('data-filter-outcome');
    if (outcome && e.outcome !== outcome) return false;
    var type = box.getAttribute('data-filter-type');
    if (type && e.type !== type) return false;
    var cycle = box.getAttribute('data-filter-cycle');
    if (cycle === 'on-demand' && !e.onDemand) return false;
    if (cycle && cycle !== 'on-demand' && (e.onDemand || String(e.cycle) !== cycle)) return false;
    return true;
  }

  function addEntries(data) {
    var box = document.getElementById('entries');
    if (!box || box.getAttribute('data-live') !== 'true') return;
    var added = 0;
    data.entries.forEach(function (e) {
      if (!matchesFilter(e, box)) return;
      var holder = document.createElement('div');
      holder.innerHTML = e.html;
      var row = holder.firstElementChild;
      if (!row) return;
      row.classList.add('new');
      box.insertBefore(row, box.firstChild);
      added++;
    });
    while (box.children.length > MAX_ROWS) box.removeChild(box.lastElementChild);
    var total = document.getElementById('log-total');
    if (total && added) total.textContent = String(Number(total.textContent) + added);
    else if (!total && added) {
      var count = document.getElementById('log-count');
      if (count) count.firstChild.textContent = 'New entries, newest first. ';
    }
    if (added) announce(added + ' new log entr' + (added === 1 ? 'y' : 'ies'));
    if (data.dropped) {
      var note = document.getElementById('live-note');
      if (note) note.textContent = data.dropped + ' more entries arrived than shown live: reload the page to see them all.';
    }
  }

  function setJob(html) {
    var job = document.getElementById('job');
    if (job && typeof html === 'string') job.innerHTML = html;
  }

  if (window.EventSource) {
    var source = new EventSource('/api/events');
    var on = function (name, fn) { source.addEventListener(name, function (ev) { fn(JSON.parse(ev.data)); }); };
    on('hello', function (d) { setJob(d.job); document.body.setAttribute('data-live', 'on'); });
    on('status', function (d) { setJob(d.job); });
    on('progress', function (d) {
      setJob(d.job);
      var box = document.getElementById('progress-box');
      if (box) box.innerHTML = d.html;
    });
    on('entries', addEntries);
    on('cycle-start', function (d) { announce(d.message); });
    on('cycle-end', function (d) {
      announce(d.message);
      if (page === 'provisioning' || page === 'directory' || page === 'user') refreshSoon();
    });
    on('directory', function (d) {
      if (d.origin === 'file') show(d.message, false);
      if (page === 'directory' || page === 'user' || page === 'on-demand' || page === 'mappings') refreshSoon();
    });
    on('problem', function (d) { show('The directory file is not valid: ' + d.message, true); refreshSoon(); });
    on('failure', function (d) { show(d.message, true); });
    source.onerror = function () { document.body.setAttribute('data-live', 'off'); };
  }

  // A result the page was opened for gets the focus (after "Provision").
  if (location.hash === '#pod-result') {
    var result = document.getElementById('pod-result');
    if (result) result.focus();
  }
})();
