// errdecode: progressive enhancement for the server-rendered pages. Every page works without
// this script; with it, token signatures are removed before a paste leaves the browser, code
// blocks get copy buttons, and the static copy of the site can search. When the page names the
// browser's decoder (WebAssembly, `data-wasm` on this script's tag), it is loaded once the page
// is usable, and from then on the paste box decodes in the page: the paste is not sent anywhere,
// on the served site and on the static export alike. Until it has loaded, or without
// WebAssembly, the paste box posts to the server as before.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var thisScript = document.currentScript;
  var wasmGlue = thisScript ? thisScript.getAttribute("data-wasm-js") : null;
  var wasmModule = thisScript ? thisScript.getAttribute("data-wasm") : null;
  // The loaded module (its exports), and the promise of it once asked for.
  var decoder = null;
  var decoderLoading = null;
  // What the page measured, for the benchmarks: milliseconds to load the module, and of each
  // decode made in the page.
  var timings = { load: null, decodes: [] };
  window.errdecodeTimings = timings;

  // A compact JWS: a base64 header starting a JSON object ("eyJ", "eyAi", "ewog"), a payload,
  // a signature (base64url or standard), the dots perhaps written as entities. The server's
  // redactor (errdecode-core, src/redact.rs) removes these and more: wrapped tokens, secrets.
  var SIGNED_JWT = /((?:eyJ|eyAi|ewog|ewoJ|ew0K)[A-Za-z0-9_+\/-]{4,}(?:\.|&#46;|%2[eE])[A-Za-z0-9_+\/-]*(?:\.|&#46;|%2[eE]))[A-Za-z0-9_+\/-]+=*/g;

  function countSignatures(text) {
    var matches = text.match(SIGNED_JWT);
    return matches ? matches.length : 0;
  }

  function stripSignatures(text) {
    return text.replace(SIGNED_JWT, "$1");
  }

  function setUpPasteForms(root) {
    var forms = (root || document).querySelectorAll("form[data-strip-signatures]");
    Array.prototype.forEach.call(forms, function (form) {
      var field = form.querySelector("[name=text]");
      var counter = form.querySelector("input[name=stripped]");
      var status = form.querySelector("[data-paste-status]");
      if (!field) {
        return;
      }
      form.addEventListener("submit", function (event) {
        if (decoderUsable()) {
          // Decode here: the paste stays in the page, signature and all.
          event.preventDefault();
          var text = field.value;
          if (status) {
            status.textContent = "Decoding in this browser…";
          }
          loadDecoder().then(function () {
            showResult(text);
          }).catch(function () {
            // The module failed to load or to decode: the server decodes instead.
            prepareForServer();
            form.submit();
          });
          return;
        }
        prepareForServer();
      });
      function prepareForServer() {
        var found = countSignatures(field.value);
        if (found > 0) {
          // Replace the text in the form itself: what the user sees is what is sent.
          field.value = stripSignatures(field.value);
        }
        if (counter) {
          counter.value = String(found + Number(counter.value || 0));
        }
        if (status) {
          status.textContent = "Decoding…";
        }
      }
      if (field.tagName === "TEXTAREA") {
        var update = function () {
          if (!status) {
            return;
          }
          var found = countSignatures(field.value);
          status.textContent = decoder ? "Decoded in this browser: the paste is not sent." : found === 0 ? "" :
            (found === 1 ? "1 token signature" : found + " token signatures") +
            " will be removed before sending.";
        };
        field.addEventListener("input", update);
        field.addEventListener("keydown", function (event) {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            if (typeof form.requestSubmit === "function") {
              form.requestSubmit();
            } else {
              form.submit();
            }
          }
        });
        update();
      }
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (error) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) {
        resolve();
      } else {
        reject(new Error("copy refused"));
      }
    });
  }

  function setUpCopyButtons(root) {
    var blocks = (root || document).querySelectorAll(".code-block");
    Array.prototype.forEach.call(blocks, function (block) {
      var button = block.querySelector("button.copy");
      var code = block.querySelector("pre");
      if (!button || !code) {
        return;
      }
      button.hidden = false;
      button.setAttribute("aria-live", "polite");
      button.addEventListener("click", function () {
        copyText(code.textContent.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Select and copy";
        }).then(function () {
          window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
        });
      });
    });
  }

  // The static copy of the site has no server to search; the page fetches the search index
  // and scores entries the way the server does (code, code prefix, phrase, words).
  var STOPWORDS = ("the and for not with this that are was you your from have has but can its it's when what which who how why " +
    "get got use used using also any all our out one does did into there their then than them they will would should could " +
    "been being were some such only same more other about after before just like because error errors http https com").split(" ");

  function terms(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(function (word) {
      return word.length >= 3 && word.length <= 40 && STOPWORDS.indexOf(word) < 0 && !/^[0-9]+$/.test(word);
    });
  }

  function search(entries, query, limit) {
    var q = query.trim().toLowerCase();
    if (!q) {
      return [];
    }
    var queryTerms = terms(q);
    var hits = [];
    entries.forEach(function (entry) {
      var codes = entry.codes.map(function (code) { return code.toLowerCase(); });
      var score = 0;
      if (codes.indexOf(q) >= 0 || entry.id === q) {
        score = 1;
      } else if (codes.some(function (code) { return code.indexOf(q) === 0; })) {
        score = 0.9;
      } else {
        if (entry.text.indexOf(q) >= 0) {
          score = 0.7;
        }
        if (queryTerms.length > 0) {
          var found = queryTerms.filter(function (term) { return entry.text.indexOf(term) >= 0; }).length;
          score = Math.max(score, 0.6 * found / queryTerms.length);
        }
      }
      if (score >= 0.3) {
        hits.push({ entry: entry, score: score });
      }
    });
    hits.sort(function (a, b) {
      return (b.score - a.score) || ((b.entry.rich ? 1 : 0) - (a.entry.rich ? 1 : 0)) ||
        (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0);
    });
    return hits.slice(0, limit).map(function (hit) { return hit.entry; });
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function showResults(container, query, results) {
    container.textContent = "";
    var count = element("p", "result-count",
      results.length + (results.length === 1 ? " result" : " results") + " for “" + query + "”");
    count.setAttribute("role", "status");
    container.appendChild(count);
    if (results.length === 0) {
      container.appendChild(element("p", "", "Nothing found. Try a code, one distinctive word of the message, or paste the whole error into the decoder."));
      return;
    }
    var list = element("ol", "error-list");
    results.forEach(function (entry) {
      var item = element("li");
      var link = element("a", "", entry.title);
      link.href = entry.url;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "muted", entry.product));
      item.appendChild(element("p", "", entry.gist));
      list.appendChild(item);
    });
    container.appendChild(list);
  }

  // Feedback on a diagnosis: the forms post without JavaScript (and leave the page); with it,
  // the verdict goes to the API and the answer replaces the buttons.
  function setUpFeedbackForms(root) {
    var forms = (root || document).querySelectorAll("form.feedback[data-feedback-api]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.fetch || !window.JSON) {
          return;
        }
        event.preventDefault();
        var button = event.submitter;
        var status = form.querySelector(".feedback-status");
        var field = function (name) {
          var input = form.querySelector("input[name=" + name + "]");
          return input ? input.value : null;
        };
        var body = {
          context: field("context"),
          token: field("token"),
          verdict: button ? button.value : "none",
          cause: field("cause")
        };
        Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) {
          b.disabled = true;
        });
        window.fetch(form.getAttribute("data-feedback-api"), {
          method: "POST",
          headers: { "content-type": "application/json" },
          credentials: "omit",
          body: JSON.stringify(body)
        }).then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          if (status) {
            status.textContent = body.verdict === "none" ? "Thanks: noted that none of these was it." :
              (body.verdict === "confirmed" ? "Thanks: noted that this was it." : "Thanks: noted that it was not this.");
          }
          form.classList.add("sent");
        }).catch(function () {
          if (status) {
            status.textContent = "The verdict could not be sent; try again later.";
          }
          Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) {
            b.disabled = false;
          });
        });
      });
    });
  }

  function setUpStaticSearch() {
    var container = document.getElementById("search-results");
    if (!container || container.getAttribute("data-query")) {
      return; // No search page, or the server already answered.
    }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    if (!query.trim()) {
      return;
    }
    var input = document.getElementById("q");
    if (input) {
      input.value = query;
    }
    container.textContent = "Searching…";
    if (wasmGlue) {
      loadDecoder().then(function (module) {
        // The server's search page, rendered by the module: take its results.
        var page = new DOMParser().parseFromString(module.render_search(query), "text/html");
        var results = page.getElementById("search-results");
        if (!results) {
          throw new Error("no results in the page");
        }
        replaceChildren(container, results);
        document.title = page.title;
      }).catch(function () {
        searchTheIndex(container, query);
      });
      return;
    }
    searchTheIndex(container, query);
  }

  function searchTheIndex(container, query) {
    fetch(container.getAttribute("data-index"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("search index: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (index) {
        showResults(container, query, search(index.entries, query, index.limit || 50));
      })
      .catch(function () {
        container.textContent = "The search index could not be loaded.";
      });
  }

  // ---------------------------------------------------------------------------------------
  // The browser's decoder.

  function decoderUsable() {
    return Boolean(wasmGlue && wasmModule && decoderLoading !== false && typeof WebAssembly === "object");
  }

  // Loads the module once; the promise resolves to its exports.
  function loadDecoder() {
    if (decoderLoading) {
      return decoderLoading;
    }
    if (!decoderUsable()) {
      return Promise.reject(new Error("no WebAssembly decoder on this page"));
    }
    var started = performance.now();
    decoderLoading = import(wasmGlue).then(function (glue) {
      return glue.default({ module_or_path: wasmModule }).then(function () {
        glue.warm();
        decoder = glue;
        timings.load = performance.now() - started;
        document.documentElement.setAttribute("data-decoder", "ready");
        var status = document.querySelector("[data-paste-status]");
        if (status && !status.textContent) {
          status.textContent = "Decoded in this browser: the paste is not sent.";
        }
        addPermalinkButton(document);
        return glue;
      });
    });
    decoderLoading.catch(function () {
      decoderLoading = false;
      document.documentElement.setAttribute("data-decoder", "failed");
    });
    return decoderLoading;
  }

  function replaceChildren(target, source) {
    var nodes = [];
    Array.prototype.forEach.call(source.childNodes, function (node) {
      nodes.push(document.importNode(node, true));
    });
    target.textContent = "";
    nodes.forEach(function (node) { target.appendChild(node); });
  }

  // The result page for `text`, rendered by the module from the server's own templates, put in
  // place of this page's main content.
  function showResult(text) {
    var started = performance.now();
    var html = decoder.render_result(text, Date.now() / 1000);
    timings.decodes.push(performance.now() - started);
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.getElementById("main");
    var main = document.getElementById("main");
    if (!fresh || !main) {
      throw new Error("the result page has no main content");
    }
    replaceChildren(main, fresh);
    document.title = page.title;
    main.setAttribute("data-decoded-in", "browser");
    setUpPasteForms(main);
    setUpFeedbackForms(main);
    setUpCopyButtons(main);
    addPermalinkButton(main, text);
    window.scrollTo(0, 0);
    main.focus();
  }

  // "Copy link" on a result: a link whose fragment carries the paste, its signatures and
  // secrets removed by the decoder's redactor, deflated (the fragment never reaches a server).
  function addPermalinkButton(root, text) {
    var head = root.querySelector("article.result .page-head");
    if (!decoder || !head || head.querySelector("[data-permalink]")) {
      return;
    }
    var share = element("p", "share");
    var button = element("button", "secondary", "Copy link");
    button.type = "button";
    button.setAttribute("data-permalink", "");
    var said = element("span", "muted share-status");
    said.setAttribute("aria-live", "polite");
    share.appendChild(button);
    share.appendChild(document.createTextNode(" "));
    share.appendChild(said);
    head.appendChild(share);
    button.addEventListener("click", function () {
      var paste = text;
      if (paste === undefined) {
        var echo = root.querySelector("article.result #paste-text") || document.getElementById("paste-text");
        paste = echo ? echo.value : "";
      }
      var link = new URL("/#p=" + decoder.permalink(paste), window.location.href).href;
      button.setAttribute("data-link", link);
      copyText(link).then(function () {
        said.textContent = "Link copied: it holds the paste without token signatures or secrets.";
      }, function () {
        said.textContent = "Copy this link: " + link;
      });
    });
  }

  // A link made by "Copy link": decode its paste here.
  function openPermalink() {
    var match = /^#p=([A-Za-z0-9_-]+)/.exec(window.location.hash);
    if (!match || !decoderUsable()) {
      return false;
    }
    var status = document.querySelector("[data-paste-status]");
    if (status) {
      status.textContent = "Decoding the shared paste in this browser…";
    }
    loadDecoder().then(function (module) {
      showResult(module.open_permalink(match[1]));
    }).catch(function (error) {
      if (status) {
        status.textContent = "This link's paste could not be read (" + (error && error.message ? error.message : "an error") + "). Paste the error again.";
      }
    });
    return true;
  }

  // The module is fetched once the page has loaded and the browser is idle, on the pages that
  // can use it (a paste box, the search page): reading a page never waits for it.
  function loadDecoderWhenIdle() {
    if (!decoderUsable() || !document.querySelector("form[data-strip-signatures], #search-results")) {
      return;
    }
    var later = function () {
      if (window.requestIdleCallback) {
        window.requestIdleCallback(function () { loadDecoder().catch(function () {}); }, { timeout: 2000 });
      } else {
        window.setTimeout(function () { loadDecoder().catch(function () {}); }, 0);
      }
    };
    if (document.readyState === "complete") {
      later();
    } else {
      window.addEventListener("load", later);
    }
  }

  function start() {
    setUpPasteForms();
    setUpFeedbackForms();
    setUpCopyButtons();
    setUpStaticSearch();
    if (!openPermalink()) {
      loadDecoderWhenIdle();
    }
    window.addEventListener("hashchange", openPermalink);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
