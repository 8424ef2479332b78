// The judge's score sheet (templates/judging/workspace/_sheet.html): the live total, a copy of
// what was typed kept in localStorage until the server confirms it, autosave retries with
// backoff, and confirmations. htmx sends the autosaves; the server's total is authoritative.
(function () {
  "use strict";
  var gettext = typeof window.gettext === "function" ? window.gettext : function (text) {
    return text;
  };

  // Buttons that need a confirmation (submit, recuse) say so in data-confirm.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  var form = document.getElementById("score-form");
  if (!form) {
    return;
  }
  var key = "score-sheet:" + form.getAttribute("data-assignment");
  var total = document.getElementById("live-total");
  var status = document.getElementById("autosave-status");

  // Scores and weights have at most two decimals: add them up in hundredths, exactly.
  function hundredths(text) {
    var number = Number(text);
    return isFinite(number) ? Math.round(number * 100) : NaN;
  }

  function updateTotal() {
    var sum = 0;
    var any = false;
    form.querySelectorAll("input[data-score]").forEach(function (input) {
      var value = hundredths(input.value);
      if (input.value.trim() === "" || isNaN(value)) {
        return;
      }
      sum += value * hundredths(input.getAttribute("data-weight"));
      any = true;
    });
    total.textContent = any ? (sum / 10000).toFixed(2) : "—";
  }

  form.addEventListener("input", updateTotal);
  updateTotal();

  if (form.hasAttribute("data-locked")) {
    // Submitted, recused or closed: nothing typed here can be saved any more.
    localStorage.removeItem(key);
    return;
  }

  function fields() {
    return form.querySelectorAll("input[data-score], textarea");
  }

  function keepLocally() {
    var values = {};
    fields().forEach(function (field) {
      values[field.name] = field.value;
    });
    try {
      localStorage.setItem(key, JSON.stringify({ values: values, at: Date.now() }));
    } catch (error) {
      // Storage full or disabled: autosave still runs, only the local copy is missing.
    }
  }

  function localCopy() {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function showStatus(state, text) {
    var span = document.createElement("span");
    span.setAttribute("data-autosave-state", state);
    span.className = state === "saved" ? "" : "text-danger";
    span.textContent = text;
    status.replaceChildren(span);
  }

  // Edits typed since the page loaded; a confirmed save clears the local copy only when
  // nothing was typed after it was sent.
  var edits = 0;
  var sentEdits = 0;
  var submitting = false;
  var sessionExpired = false;
  var backoff = 0;
  var timer = null;

  form.addEventListener("input", function () {
    edits += 1;
    keepLocally();
  });

  function retryLater() {
    backoff = backoff ? Math.min(backoff * 2, 60000) : 2000;
    showStatus("retrying", status.getAttribute("data-retrying"));
    clearTimeout(timer);
    timer = setTimeout(function () {
      htmx.trigger(form, "retry");
    }, backoff);
  }

  form.addEventListener("htmx:beforeRequest", function (event) {
    if (submitting) {
      event.preventDefault(); // the page is being submitted with the same values
      return;
    }
    sentEdits = edits;
  });

  // A refusal (400: a score is wrong; 409: locked, closed, changed elsewhere) shows its reason;
  // htmx would otherwise drop the answer of an error status.
  form.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var code = xhr.status;
    var login = status.getAttribute("data-login-url");
    if (login && xhr.responseURL && new URL(xhr.responseURL).pathname === login) {
      // Logged out meanwhile: the request was redirected to the login page. Keep the copy.
      event.detail.shouldSwap = false;
      sessionExpired = true;
      return;
    }
    if (code === 400 || code === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  form.addEventListener("htmx:afterRequest", function (event) {
    var code = event.detail.xhr ? event.detail.xhr.status : 0;
    if (sessionExpired) {
      code = 401;
      sessionExpired = false;
    }
    if (code === 200) {
      backoff = 0;
      if (edits === sentEdits) {
        localStorage.removeItem(key);
      }
    } else if (code === 0 || code >= 500) {
      retryLater();
    } else if (code !== 400 && code !== 409) {
      showStatus(
        "error",
        gettext("Not saved: your session may have expired. Your scores are kept on this device; reload the page.")
      );
    }
  });
  form.addEventListener("htmx:sendError", retryLater);

  // A plain submit (Submit, Save draft) waits for an autosave in flight, so that it carries
  // the version that autosave produced.
  form.addEventListener("submit", function (event) {
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      var button = event.submitter;
      var wait = function () {
        if (form.classList.contains("htmx-request")) {
          setTimeout(wait, 100);
        } else {
          setTimeout(function () {
            form.requestSubmit(button);
          }, 50);
        }
      };
      wait();
      return;
    }
    submitting = true;
    keepLocally();
  });

  // After a reload, put back what was typed but never confirmed, and save it.
  document.addEventListener("DOMContentLoaded", function () {
    var copy = localCopy();
    if (!copy || !copy.values) {
      return;
    }
    var restored = false;
    fields().forEach(function (field) {
      var value = copy.values[field.name];
      if (typeof value === "string" && value !== field.value) {
        field.value = value;
        restored = true;
      }
    });
    if (!restored) {
      localStorage.removeItem(key);
      return;
    }
    updateTotal();
    showStatus("restored", gettext("Restored what you typed on this device; saving it…"));
    setTimeout(function () {
      htmx.trigger(form, "retry");
    }, 0);
  });
})();
