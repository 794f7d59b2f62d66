/* django-celery-beat's periodic task form (templates/admin/djcelery/change_periodictask_form.html):
   under the crontab field, its schedule in words. Was an inline script in the package's
   template; a file here because the Content-Security-Policy runs no inline script. */
"use strict";
(function ($) {
  const readableCrontabs = JSON.parse($("#readable-crontabs").text());
  const help = $(".field-crontab .help");
  const originalCrontabHelp = help.html();

  const updateCrontabHelp = function (additional) {
    $(".field-crontab .help").html(`${originalCrontabHelp}<br/>Translation: ${additional}`);
  };

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    updateCrontabHelp(readableCrontabs[$("#id_crontab").val()]);
  });
})(django.jQuery);
