/* Tables and charts that scroll sideways inside their own box (on phones) can be reached and scrolled
   from the keyboard: each such box without a link or control in it gets a tab stop.
   Boxes that fit lose it again, so wide screens have no extra tab stops. */
(function () {
  "use strict";
  var SELECTOR = "main table, main .table-wrap, main .chart-box";
  function mark() {
    var boxes = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1
        && getComputedStyle(box).overflowX !== "visible";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-stop", "");
      } else if (!scrolls && box.hasAttribute("data-scroll-stop")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-stop");
      }
    }
  }
  document.addEventListener("DOMContentLoaded", mark);
  document.addEventListener("htmx:afterSettle", mark);
  window.addEventListener("resize", mark);
})();
