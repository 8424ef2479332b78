// Uploads with a progress bar: progressive enhancement of a plain file form.
//
// <form method="post" enctype="multipart/form-data" action="…" data-upload-url="…"
//       data-upload-kind="video|design|slides" [data-next="…"] [data-max-bytes="…"]>
//   <input type="file" name="file"> <progress max="100" value="0"></progress>
//   <span data-upload-status aria-live="polite"></span>
//   <div data-upload-error role="alert" hidden></div> <button type="submit">…</button>
// </form>
//
// Without JavaScript the form posts multipart to its action. With it, the file is sent as the raw
// body of a PUT (XMLHttpRequest, because fetch() reports no upload progress), so the server
// streams it straight to disk. No inline scripts: the Content Security Policy forbids them.
(function () {
  "use strict";

  // Django's JavaScript catalogue (loaded before this file) provides gettext and interpolate.
  var gettext = typeof window.gettext === "function" ? window.gettext : function (text) {
    return text;
  };

  function format(text, values) {
    return typeof window.interpolate === "function"
      ? window.interpolate(text, values, true)
      : text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1);
  }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) {
      return field.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function parts(form) {
    return {
      input: form.querySelector("input[type=file][name=file]"),
      progress: form.querySelector("progress"),
      status: form.querySelector("[data-upload-status]"),
      error: form.querySelector("[data-upload-error]"),
      buttons: form.querySelectorAll("button, input[type=submit]"),
    };
  }

  function setBusy(ui, busy) {
    ui.buttons.forEach(function (button) { button.disabled = busy; });
    ui.input.disabled = busy;
  }

  function showError(ui, message) {
    if (ui.error) {
      ui.error.setAttribute("role", "alert");
      ui.error.textContent = message;
      ui.error.hidden = false;
    }
    if (ui.status) {
      ui.status.textContent = "";
    }
    if (ui.progress) {
      ui.progress.value = 0;
    }
  }

  function clearError(ui) {
    if (ui.error) {
      ui.error.textContent = "";
      ui.error.hidden = true;
    }
  }

  function serverMessage(xhr) {
    try {
      var data = JSON.parse(xhr.responseText);
      if (data && data.message) {
        return data.message;
      }
    } catch (_ignored) {
      // Not JSON (a proxy's error page, say): fall through to a general message.
    }
    if (xhr.status === 413) {
      return gettext("The file is too large.");
    }
    if (xhr.status === 403) {
      return gettext("Your session has expired. Reload the page and try again.");
    }
    return gettext("The upload failed. Check your connection and try again.");
  }

  function showProgress(ui, loaded, total, startedAt) {
    var percent = total ? Math.floor((loaded / total) * 100) : 0;
    var seconds = (Date.now() - startedAt) / 1000;
    var speed = seconds > 0 ? loaded / seconds : 0;
    if (ui.progress) {
      ui.progress.value = percent;
      ui.progress.max = 100;
    }
    if (ui.status) {
      ui.status.textContent = format(gettext("%(percent)s% uploaded · %(speed)s MB/s"), {
        percent: percent,
        speed: megabytes(speed),
      });
    }
  }

  function upload(form, ui, file) {
    var xhr = new XMLHttpRequest();
    var startedAt = Date.now();
    xhr.open("PUT", form.dataset.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      showProgress(ui, event.loaded, event.lengthComputable ? event.total : file.size, startedAt);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status === 201) {
        if (ui.status) {
          ui.status.textContent = gettext("Uploaded. The file is being checked…");
        }
        if (form.dataset.next) {
          window.location.assign(form.dataset.next);
        } else {
          window.location.reload();
        }
        return;
      }
      setBusy(ui, false);
      showError(ui, serverMessage(xhr));
    });
    xhr.addEventListener("error", function () {
      setBusy(ui, false);
      showError(ui, gettext("The upload failed. Check your connection and try again."));
    });
    xhr.addEventListener("abort", function () {
      setBusy(ui, false);
      showError(ui, gettext("The upload was cancelled."));
    });
    // The input keeps its file, so after a failure the person only presses the button again.
    setBusy(ui, true);
    xhr.send(file);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload-url]") || !window.XMLHttpRequest) {
      return;
    }
    var ui = parts(form);
    if (!ui.input) {
      return;
    }
    event.preventDefault();
    clearError(ui);
    var file = ui.input.files && ui.input.files[0];
    if (!file) {
      showError(ui, gettext("Choose a file to upload."));
      return;
    }
    if (file.size === 0) {
      showError(ui, gettext("The file is empty."));
      return;
    }
    var maxBytes = parseInt(form.dataset.maxBytes || "0", 10);
    if (maxBytes && file.size > maxBytes) {
      showError(ui, format(gettext("The file is larger than the limit of %(limit)s MB."), {
        limit: Math.round(maxBytes / (1024 * 1024)),
      }));
      return;
    }
    upload(form, ui, file);
  });
})();
