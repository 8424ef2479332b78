// The judges' video player (templates/judging/workspace/_work_media.html): playback speed,
// resuming where the judge left off, and reporting progress (every ~10 s while playing, and
// on pause) so the round's "watch X % before submitting" rule can be checked.
(function () {
  "use strict";
  var video = document.getElementById("judge-video");
  if (!video) {
    return;
  }
  var url = video.getAttribute("data-playback-url");
  var resumeAt = Number(video.getAttribute("data-resume-at") || 0);
  var REPORT_EVERY = 10000;

  function resume() {
    if (resumeAt > 0 && resumeAt < video.duration - 1) {
      video.currentTime = resumeAt;
    }
  }
  if (video.readyState >= 1) {
    resume();
  } else {
    video.addEventListener("loadedmetadata", resume, { once: true });
  }

  var buttons = document.querySelectorAll("[data-speed]");
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      video.playbackRate = Number(button.getAttribute("data-speed"));
      buttons.forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === button));
        other.classList.toggle("active", other === button);
      });
    });
  });

  // The furthest point actually played (seeking alone does not count).
  function furthest() {
    var end = 0;
    for (var i = 0; i < video.played.length; i += 1) {
      end = Math.max(end, video.played.end(i));
    }
    return end;
  }

  function report() {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new FormData();
    body.append("position", video.currentTime.toFixed(2));
    body.append("furthest", furthest().toFixed(2));
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: true,
      headers: token ? { "X-CSRFToken": token.value } : {},
    }).catch(function () {
      // Progress is reported again in a few seconds; nothing to tell the judge.
    });
  }

  var timer = null;
  video.addEventListener("play", function () {
    clearInterval(timer);
    timer = setInterval(report, REPORT_EVERY);
  });
  ["pause", "ended"].forEach(function (name) {
    video.addEventListener(name, function () {
      clearInterval(timer);
      report();
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !video.paused) {
      report();
    }
  });
})();
