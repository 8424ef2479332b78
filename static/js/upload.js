// Uploads with a progress bar: progressive enhancement of a plain file form.
//
// <form method="post" enctype="multipart/form-data" action="…" data-upload-url="…"
//       data-upload-kind="video|design|slides" [data-tus-url="…" data-work-id="…"]
//       [data-next="…"] [data-max-bytes="…"]>
//   <input type="file" name="file"> <progress max="100" value="0"></progress>
//   <span data-upload-status aria-live="polite"></span>
//   <div data-upload-error role="alert" hidden></div> <button type="submit">…</button>
//   [<button type="button" data-upload-pause hidden>…</button>
//    <button type="button" data-upload-resume hidden>…</button>]
// </form>
//
// Without JavaScript the form posts multipart to its action. With tus-js-client loaded and a
// data-tus-url, the file goes up resumably (tus protocol, contest/views/tus.py): in pieces, with
// pause and resume, retries with growing delays after a dropped connection, and, after the
// browser was closed, resumption where it stopped when the same file is chosen again (the
// upload's address is kept in localStorage under a fingerprint of work, slot and file).
// Otherwise the file is the raw body of one PUT (XMLHttpRequest, for its progress events).
// No inline scripts: the Content Security Policy forbids them.
(function () {
  "use strict";

  // Django's JavaScript catalogue (loaded before this file) provides gettext and interpolate.
  var gettext = typeof window.gettext === "function" ? window.gettext : function (text) {
    return text;
  };
  var MiB = 1024 * 1024;
  // Pieces small enough to pass proxies' body limits, large enough to keep requests few.
  var CHUNK_BYTES = 8 * MiB;
  // Waits before each retry after a dropped connection (ms); the count starts again whenever a
  // retry made progress, so a flaky network never runs out of retries while bytes still move.
  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

  function format(text, values) {
    return typeof window.interpolate === "function"
      ? window.interpolate(text, values, true)
      : text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function megabytes(bytes) {
    return (bytes / MiB).toFixed(1);
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
      submit: form.querySelectorAll("button[type=submit], input[type=submit]"),
      pause: form.querySelector("[data-upload-pause]"),
      resume: form.querySelector("[data-upload-resume]"),
    };
  }

  function setBusy(ui, busy) {
    ui.submit.forEach(function (button) { button.disabled = busy; });
    ui.input.disabled = busy;
  }

  function showControls(ui, state) {
    // state: "running", "paused" or "idle".
    if (ui.pause) {
      ui.pause.hidden = state !== "running";
    }
    if (ui.resume) {
      ui.resume.hidden = state !== "paused";
    }
  }

  function setStatus(ui, text) {
    if (ui.status) {
      ui.status.textContent = text;
    }
  }

  function showError(ui, message) {
    if (ui.error) {
      ui.error.setAttribute("role", "alert");
      ui.error.textContent = message;
      ui.error.hidden = false;
    }
    setStatus(ui, "");
  }

  function clearError(ui) {
    if (ui.error) {
      ui.error.textContent = "";
      ui.error.hidden = true;
    }
  }

  function messageFor(status, body) {
    try {
      var data = JSON.parse(body);
      if (data && data.message) {
        return data.message;
      }
    } catch (_ignored) {
      // Not JSON (a proxy's error page, say): fall through to a general message.
    }
    if (status === 413) {
      return gettext("The file is too large.");
    }
    if (status === 403) {
      return gettext("Your session has expired. Reload the page and try again.");
    }
    return gettext("The upload failed. Check your connection and try again.");
  }

  function showProgress(ui, loaded, total, since) {
    var percent = total ? Math.floor((loaded / total) * 100) : 0;
    var seconds = (Date.now() - since.time) / 1000;
    var speed = seconds > 0 ? Math.max(loaded - since.bytes, 0) / seconds : 0;
    if (ui.progress) {
      ui.progress.value = percent;
      ui.progress.max = 100;
    }
    setStatus(ui, format(gettext("%(percent)s% uploaded · %(speed)s MB/s"), {
      percent: percent,
      speed: megabytes(speed),
    }));
  }

  function done(form, ui) {
    setStatus(ui, gettext("Uploaded. The file is being checked…"));
    showControls(ui, "idle");
    if (form.dataset.next) {
      window.location.assign(form.dataset.next);
    } else {
      window.location.reload();
    }
  }

  // --- Resumable upload (tus)

  function fingerprintFor(form) {
    return function (file) {
      return Promise.resolve([
        "microvideo", form.dataset.workId, form.dataset.uploadKind,
        file.name, file.type, file.size, file.lastModified,
      ].join("/"));
    };
  }

  function tusUpload(form, ui, file) {
    var since = { time: Date.now(), bytes: 0 };
    var upload = new window.tus.Upload(file, {
      endpoint: form.dataset.tusUrl,
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS,
      metadata: { work: form.dataset.workId, slot: form.dataset.uploadKind, filename: file.name },
      headers: { "X-CSRFToken": csrfToken(form) },
      fingerprint: fingerprintFor(form),
      removeFingerprintOnSuccess: true,
      onProgress: function (loaded, total) {
        if (!since.bytes && loaded) {
          since = { time: Date.now(), bytes: loaded }; // speed of this session, not of resumed bytes
        }
        showProgress(ui, loaded, total, since);
      },
      onSuccess: function () { done(form, ui); },
      onError: function (error) {
        var response = error && error.originalResponse;
        setBusy(ui, false);
        showControls(ui, "idle");
        showError(ui, response
          ? messageFor(response.getStatus(), response.getBody())
          : gettext("The upload failed. Check your connection and try again."));
      },
    });
    if (ui.pause) {
      ui.pause.onclick = function () {
        upload.abort(); // keeps the upload on the server: Resume goes on from there
        showControls(ui, "paused");
        setStatus(ui, gettext("Paused. Press Resume to go on."));
      };
    }
    if (ui.resume) {
      ui.resume.onclick = function () {
        since = { time: Date.now(), bytes: 0 };
        showControls(ui, "running");
        upload.start();
      };
    }
    setBusy(ui, true);
    showControls(ui, "running");
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        setStatus(ui, gettext("Resuming the earlier upload of this file…"));
        upload.resumeFromPreviousUpload(previous[0]);
      }
      upload.start();
    });
  }

  // Tell the entrant that an upload broke off earlier (the browser was closed, say): choosing
  // the same file again goes on from where it stopped.
  function announceUnfinished(form) {
    var storage = window.tus && window.tus.defaultOptions && window.tus.defaultOptions.urlStorage;
    var ui = parts(form);
    if (!storage || !storage.findAllUploads || !ui.status) {
      return;
    }
    storage.findAllUploads().then(function (uploads) {
      var mine = uploads.filter(function (entry) {
        var meta = entry.metadata || {};
        return meta.work === form.dataset.workId && meta.slot === form.dataset.uploadKind;
      });
      if (mine.length && !ui.status.textContent) {
        setStatus(ui, format(
          gettext("An upload of “%(name)s” was interrupted. Choose the same file again to continue where it stopped."),
          { name: mine[0].metadata.filename || "" }
        ));
      }
    });
  }

  // --- One-request upload (PUT), when tus-js-client is not there

  function putUpload(form, ui, file) {
    var xhr = new XMLHttpRequest();
    var since = { time: Date.now(), bytes: 0 };
    xhr.open("PUT", form.dataset.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      showProgress(ui, event.loaded, event.lengthComputable ? event.total : file.size, since);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status === 201) {
        done(form, ui);
        return;
      }
      setBusy(ui, false);
      showError(ui, messageFor(xhr.status, xhr.responseText));
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

  function resumable(form) {
    return Boolean(form.dataset.tusUrl && window.tus && window.tus.isSupported);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Another uploader loaded before this file (straight to the bucket, say) took the form.
    if (event.defaultPrevented) {
      return;
    }
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
        limit: Math.round(maxBytes / MiB),
      }));
      return;
    }
    if (ui.progress) {
      ui.progress.value = 0;
    }
    (resumable(form) ? tusUpload : putUpload)(form, ui, file);
  });

  document.querySelectorAll("form[data-upload-url][data-tus-url]").forEach(function (form) {
    if (resumable(form)) {
      announceUnfinished(form);
    }
  });
})();
