// Tells the server the browser's time zone so dates can be shown in it too.
// Without JavaScript (and on the first page, before this has run) pages show UTC beside the city's time.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: keep UTC */ }
})();
