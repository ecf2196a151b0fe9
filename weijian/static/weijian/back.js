// "Back" links of the error pages: go back in the browser's history (no inline script, for the CSP).
// Without history (a page opened directly) the link keeps its href: the home page.
(function () {
  'use strict';
  document.querySelectorAll('a[data-back]').forEach(function (link) {
    if (window.history.length > 1) {
      link.addEventListener('click', function (event) { event.preventDefault(); window.history.back(); });
    } else {
      link.hidden = true;
    }
  });
})();
