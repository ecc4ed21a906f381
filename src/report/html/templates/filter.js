// Status filter and copy buttons. Without JavaScript every result stays visible and the filter
// bar stays hidden (see .js in the stylesheet), so the page degrades to a plain full list.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var buttons = Array.prototype.slice.call(document.querySelectorAll('.filter'));
  var each = function (selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); };
  var hasVisibleRow = function (el) { return el.querySelector('.result-row:not([hidden])') !== null; };
  function apply(status) {
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === status)); });
    each('.result-row', function (row) { row.hidden = status !== 'all' && row.getAttribute('data-status') !== status; });
    each('.level-group', function (group) { group.hidden = !hasVisibleRow(group); });
    each('.area', function (area) { area.hidden = !hasVisibleRow(area); });
    each('.filter-empty', function (note) { note.hidden = document.querySelector('.result-row:not([hidden])') !== null; });
  }
  buttons.forEach(function (b) {
    b.addEventListener('click', function () { apply(b.getAttribute('data-filter')); });
  });
  // The table of contents sticks to the top on a wide screen: an anchor it jumps to must land
  // below it, not under it (its height depends on how many sections wrap it to more lines).
  var toc = document.querySelector('.toc');
  function padForToc() {
    var sticky = toc !== null && getComputedStyle(toc).position === 'sticky';
    document.documentElement.style.scrollPaddingTop = sticky ? (toc.offsetHeight + 8) + 'px' : '0px';
  }
  padForToc();
  window.addEventListener('resize', padForToc);
  // A link to a card inside a closed disclosure (a finding's other checks) opens it.
  function reveal() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    for (var node = target; node; node = node.parentElement) if (node.tagName === 'DETAILS') node.open = true;
    if (target) target.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  if (location.hash) reveal();
  each('.curl', function (block) {
    var button = block.querySelector('.copy');
    var line = block.querySelector('.curl-line');
    if (!button || !line || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(line.textContent || '').then(function () {
        button.textContent = 'Copied';
        setTimeout(function () { button.textContent = 'Copy'; }, 1500);
      }, function () { button.textContent = 'Select and copy'; });
    });
  });
})();
