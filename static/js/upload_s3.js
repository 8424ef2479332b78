// Uploads straight to the bucket (S3 multipart with presigned part URLs), when files live in S3.
//
// Loaded before upload.js on the work page, it takes the same forms
// (<form data-upload-url="…" data-max-bytes="…"> with a file input, <progress>,
// [data-upload-status], [data-upload-error], optional [data-upload-pause] / [data-upload-resume]
// buttons) and leaves upload.js nothing to do. The file goes up in slices (Blob.slice) with
// fetch PUT, three at a time, each retried with growing delays; the server only signs URLs
// and never carries the bytes. The upload's ticket is kept in localStorage under the work, the
// slot and the file, so after a dropped connection or a closed browser choosing the same file
// again sends only the parts the bucket does not hold yet.
// No library and no inline script: the Content Security Policy forbids inline code.
(function () {
  "use strict";

  var PARALLEL = 3;
  var RETRIES = 6;
  var URL_BATCH = 30;
  var STORE_PREFIX = "microvideo-s3-upload:";

  var gettext = typeof window.gettext === "function" ? window.gettext : function (text) {
    return text;
  };

  function format(text, values) {
    return typeof window.interpolate === "function"
      ? window.interpolate(text, values, true)
      : text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) {
      return field.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function sleep(ms) {
    return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
  }

  function backoff(attempt) {
    // 1 s, 2 s, 4 s … up to 30 s, with jitter so that many browsers do not retry in step.
    return Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.75 + Math.random() / 2);
  }

  function ServerError(status, body) {
    this.status = status;
    this.body = body || {};
    this.message = (body && body.message) || "";
  }

  // One of our JSON endpoints; 5xx and network failures are retried, 4xx are final.
  function callServer(form, path, data, attempt) {
    attempt = attempt || 0;
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken(form),
      },
      body: JSON.stringify(data),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          return body;
        }
        if (response.status >= 500 && attempt < RETRIES) {
          return sleep(backoff(attempt)).then(function () {
            return callServer(form, path, data, attempt + 1);
          });
        }
        throw new ServerError(response.status, body);
      });
    }, function (error) {
      if (attempt < RETRIES && !(error && error.name === "AbortError")) {
        return sleep(backoff(attempt)).then(function () {
          return callServer(form, path, data, attempt + 1);
        });
      }
      throw error;
    });
  }

  function storeKey(form, file) {
    return STORE_PREFIX + [form.dataset.uploadUrl, file.name, file.size, file.lastModified].join("|");
  }

  function remember(key, value) {
    try {
      if (value) {
        window.localStorage.setItem(key, JSON.stringify(value));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (_ignored) {
      // Private browsing or a full storage: the upload works, it just cannot resume later.
    }
  }

  function recall(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (_ignored) {
      return null;
    }
  }

  function Upload(form, file) {
    this.form = form;
    this.file = file;
    this.key = storeKey(form, file);
    this.base = form.dataset.uploadUrl.replace(/\/?$/, "");
    this.root = this.base.replace(/\/works\/\d+\/.*$/, "");
    this.controllers = [];
    this.paused = false;
    this.done = {};
    this.sent = 0;
  }

  Upload.prototype.endpoint = function (name) {
    return this.root + "/multipart/" + name;
  };

  // The saved upload if the bucket still has it, else a new one.
  Upload.prototype.open = function () {
    var self = this;
    var saved = recall(self.key);
    var resumed = saved
      ? callServer(self.form, self.endpoint("received"), { ticket: saved.ticket }).then(
        function (body) { return { upload: saved, parts: body.parts }; },
        function () { remember(self.key, null); return null; })
      : Promise.resolve(null);
    return resumed.then(function (found) {
      if (found) {
        return found;
      }
      return callServer(self.form, self.base + "/multipart", {
        size: self.file.size,
        name: self.file.name,
      }).then(function (body) {
        remember(self.key, body);
        return { upload: body, parts: [] };
      });
    });
  };

  Upload.prototype.run = function (onProgress) {
    var self = this;
    self.paused = false;
    self.onProgress = onProgress;
    return self.open().then(function (found) {
      self.info = found.upload;
      self.done = {};
      self.sent = 0;
      found.parts.forEach(function (part) {
        self.done[part.number] = true;
        self.sent += part.size;
      });
      self.report();
      var todo = [];
      for (var n = 1; n <= self.info.part_count; n += 1) {
        if (!self.done[n]) {
          todo.push(n);
        }
      }
      return self.sendAll(todo);
    }).then(function () {
      return callServer(self.form, self.endpoint("complete"), { ticket: self.info.ticket });
    }).then(function (body) {
      remember(self.key, null);
      return body;
    });
  };

  Upload.prototype.report = function () {
    if (this.onProgress) {
      this.onProgress(Math.min(this.sent, this.file.size), this.file.size);
    }
  };

  // Parts in batches of signed URLs, PARALLEL requests at a time.
  Upload.prototype.sendAll = function (numbers) {
    var self = this;
    if (!numbers.length) {
      return Promise.resolve();
    }
    var batch = numbers.slice(0, URL_BATCH);
    return callServer(self.form, self.endpoint("parts"), {
      ticket: self.info.ticket,
      parts: batch,
    }).then(function (body) {
      var queue = batch.slice();
      function worker() {
        if (self.paused || !queue.length) {
          return Promise.resolve();
        }
        var number = queue.shift();
        return self.sendPart(number, body.urls[String(number)], 0).then(worker);
      }
      var workers = [];
      for (var i = 0; i < PARALLEL; i += 1) {
        workers.push(worker());
      }
      return Promise.all(workers);
    }).then(function () {
      if (self.paused) {
        throw new Error("paused");
      }
      return self.sendAll(numbers.slice(URL_BATCH));
    });
  };

  Upload.prototype.sendPart = function (number, url, attempt) {
    var self = this;
    var size = self.info.part_size;
    var slice = self.file.slice((number - 1) * size, Math.min(number * size, self.file.size));
    var controller = window.AbortController ? new AbortController() : null;
    if (controller) {
      self.controllers.push(controller);
    }
    return fetch(url, {
      method: "PUT",
      body: slice,
      signal: controller ? controller.signal : undefined,
      credentials: "omit",
    }).then(function (response) {
      if (!response.ok) {
        throw new ServerError(response.status, {});
      }
      self.done[number] = true;
      self.sent += slice.size;
      self.report();
    }).catch(function (error) {
      if (self.paused) {
        throw new Error("paused");
      }
      // 403: the signed URL expired while waiting; the next attempt signs a fresh one.
      if (attempt >= RETRIES) {
        throw error;
      }
      return sleep(backoff(attempt)).then(function () {
        return callServer(self.form, self.endpoint("parts"), {
          ticket: self.info.ticket,
          parts: [number],
        });
      }).then(function (body) {
        return self.sendPart(number, body.urls[String(number)], attempt + 1);
      });
    }).finally(function () {
      self.controllers = self.controllers.filter(function (c) { return c !== controller; });
    });
  };

  Upload.prototype.pause = function () {
    this.paused = true;
    this.controllers.forEach(function (controller) { controller.abort(); });
  };

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

  function show(ui, state) {
    // state: "running", "paused" or "idle".
    ui.submit.forEach(function (button) { button.disabled = state !== "idle"; });
    ui.input.disabled = state !== "idle";
    if (ui.pause) {
      ui.pause.hidden = state !== "running";
    }
    if (ui.resume) {
      ui.resume.hidden = state !== "paused";
    }
  }

  function showError(ui, message) {
    if (ui.error) {
      ui.error.textContent = message;
      ui.error.hidden = false;
    }
    if (ui.status) {
      ui.status.textContent = "";
    }
  }

  function clearError(ui) {
    if (ui.error) {
      ui.error.textContent = "";
      ui.error.hidden = true;
    }
  }

  function progressShower(ui) {
    var started = Date.now();
    var first = null;
    return function (sent, total) {
      first = first === null ? sent : first;
      var percent = total ? Math.floor((sent / total) * 100) : 0;
      var seconds = (Date.now() - started) / 1000;
      var speed = seconds > 0 ? (sent - first) / seconds : 0;
      if (ui.progress) {
        ui.progress.max = 100;
        ui.progress.value = percent;
      }
      if (ui.status) {
        ui.status.textContent = format(gettext("%(percent)s% uploaded · %(speed)s MB/s"), {
          percent: percent,
          speed: (speed / (1024 * 1024)).toFixed(1),
        });
      }
    };
  }

  function failureText(error) {
    if (error instanceof ServerError && error.message) {
      return error.message;
    }
    if (error instanceof ServerError && error.status === 403) {
      return gettext("Your session has expired. Reload the page and try again.");
    }
    return gettext("The upload failed. Check your connection and try again.");
  }

  function start(form, ui, upload) {
    show(ui, "running");
    upload.run(progressShower(ui)).then(function () {
      if (ui.status) {
        ui.status.textContent = gettext("Uploaded. The file is being checked…");
      }
      if (form.dataset.next) {
        window.location.assign(form.dataset.next);
      } else {
        window.location.reload();
      }
    }, function (error) {
      if (upload.paused) {
        show(ui, "paused");
        if (ui.status) {
          ui.status.textContent = gettext("Paused. Press Resume to continue.");
        }
        return;
      }
      show(ui, "idle");
      showError(ui, failureText(error));
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload-url]") || !window.fetch || !window.Blob) {
      return;
    }
    var ui = parts(form);
    if (!ui.input) {
      return;
    }
    event.preventDefault(); // upload.js sees this and leaves the form to us
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
    var upload = new Upload(form, file);
    if (ui.pause) {
      ui.pause.onclick = function () { upload.pause(); };
    }
    if (ui.resume) {
      ui.resume.onclick = function () { clearError(ui); start(form, ui, upload); };
    }
    start(form, ui, upload);
  });
})();
