// Descent Lab's live chart: the app's only JavaScript (see ui/live_chart.py for why it exists).
//
// It receives a figure as data (JSON bytes from Python, never HTML), plots it once with plotly.js
// and applies every later figure with Plotly.react, so what the person did to the view survives a
// rerun: the 3D camera, the axis zoom, hidden legend entries (uirevision, plus the camera kept from
// plotly_relayout because plotly.js can lose it, and the hidden series kept by legend group) and the
// chosen step. It draws the step control
// (Play/Pause, speed, a keyboard-operable range input) when the figure names animated traces, and
// sends back the events the pages use: a click on a point, a box zoom, the step the person chose.
//
// Payload (see ui/live_chart/__init__.py): {figure: {data, layout, step?, narrow?}, config, templates,
// events, plotly}. Arrays may come as plotly typed-array specs {dtype, bdata, shape}; this module decodes
// them into typed arrays once per payload (plotly.js would decode them again on every react).

const STYLE_ID = "dl-live-chart-style";
const STYLE = `
.dl-live { width: 100%; }
.dl-live .dl-plot { width: 100%; }
.dl-step { display: flex; align-items: center; gap: 0.6rem; padding: 0.25rem 0.25rem 0.5rem;
  font: 14px var(--st-font, sans-serif); color: var(--st-text-color, inherit); }
.dl-step[hidden] { display: none; }
.dl-step button, .dl-step select { font: inherit; color: inherit; background: var(--st-secondary-background-color, #f0f2f6);
  border: 1px solid var(--st-border-color, #ccc); border-radius: 0.5rem; padding: 0.2rem 0.7rem; cursor: pointer; }
.dl-step button { min-width: 5.5rem; }
.dl-step button:focus-visible, .dl-step select:focus-visible, .dl-step input:focus-visible {
  outline: 2px solid var(--st-primary-color, #3366cc); outline-offset: 2px; }
.dl-step input[type=range] { flex: 1 1 auto; min-width: 6rem; accent-color: var(--st-primary-color, #3366cc); }
.dl-step output { min-width: 9.5rem; font-variant-numeric: tabular-nums; }
`;
const SPEEDS = [["0.25", "0.25×"], ["0.5", "0.5×"], ["1", "1×"], ["2", "2×"], ["4", "4×"]];
const PLAY_SECONDS = 8; // at 1× the whole run plays in about this long
const REPORT_DELAY_MS = 400; // the step goes back to Python this long after the person stops moving it

let plotlyPromise = null;

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(url, document.baseURI).href;
      script.async = true;
      script.onload = () => {
        // plotly.min.js's UMD wrapper sets root.moduleName when no module system is present.
        const plotly = window.Plotly || window.moduleName;
        if (!window.Plotly) window.Plotly = plotly;
        resolve(plotly);
      };
      script.onerror = () => reject(new Error("plotly.js did not load from " + url));
      document.head.appendChild(script);
    });
  }
  return plotlyPromise;
}

function addStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = STYLE;
  document.head.appendChild(style);
}

const TYPED = { f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array,
  u2: Uint16Array, i4: Int32Array, u4: Uint32Array };

function isSpec(value) {
  return value !== null && typeof value === "object" && typeof value.bdata === "string" && value.dtype in TYPED;
}

// A plotly typed-array spec {dtype, bdata} as a typed array; anything else as it is.
function column(value) {
  if (!isSpec(value)) return value;
  const text = atob(value.bdata);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new TYPED[value.dtype](bytes.buffer);
}

// Every typed-array spec in ``value`` (a trace, nested objects included) decoded once, in place: a 2-D spec
// ({shape: "rows, cols"}) becomes an array of row views. plotly.js decodes a spec again on every
// Plotly.react (about 90 ms a react for the Playground's figure in a software renderer); typed arrays it
// takes as they are.
function decodeSpecs(value) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => { value[i] = decodeSpecs(v); });
    return value;
  }
  if (!isObject(value)) return value;
  if (isSpec(value)) {
    const flat = column(value);
    if (!value.shape) return flat;
    const [rows, cols] = String(value.shape).split(",").map(Number);
    return Array.from({ length: rows }, (_, r) => flat.subarray(r * cols, (r + 1) * cols));
  }
  for (const [k, v] of Object.entries(value)) value[k] = decodeSpecs(v);
  return value;
}

// What a step-table binding puts in a trace attribute at stop ``i``: a column's value, several columns'
// values as one point (``[name, ...]``), fixed points followed by the moving one (``{fixed: [...], then: name}``:
// a series' start and end markers, then its step marker, in one trace), or a whole grid per stop
// (``{grid: name, shape: [rows, cols]}``: the column holds rows x cols values per stop, stop after stop), such
// as a heatmap's ``z`` that changes with the step.
function valueAt(columns, name, i) {
  if (Array.isArray(name)) return [name.map((n) => columns[n][i])];
  if (isObject(name) && name.fixed) return [...name.fixed, ...valueAt(columns, name.then, i)];
  if (isObject(name)) {
    const [rows, cols] = name.shape;
    const values = columns[name.grid];
    const out = [];
    for (let r = 0; r < rows; r++) {
      const start = (i * rows + r) * cols;
      out.push(Array.from(values.slice(start, start + cols)));
    }
    return out;
  }
  return [columns[name][i]];
}

function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

// A deep merge of plain objects: ``over`` wins; arrays and values are replaced, not merged.
function merge(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over || {})) {
    out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v;
  }
  return out;
}

// A short hex digest of ``text`` (FNV-1a), for ids that must be plain identifiers.
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

// The app's theme, read from the CSS variables Streamlit sets: dark when the background is dark.
function isDark(el) {
  const bg = getComputedStyle(el).getPropertyValue("--st-background-color").trim();
  const m = bg.match(/^#([0-9a-f]{6})$/i);
  if (m) {
    const n = parseInt(m[1], 16);
    const lum = (0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
    return lum < 0.5;
  }
  return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

// The resolution a 3D scene renders at: the screen's own pixels (1 to 2 device pixels a CSS pixel). plotly.js
// renders every 3D scene at twice the CSS size by default, which on a screen of one device pixel a CSS pixel
// is four times the pixels to shade, each redraw, for nothing the person can see (in a software renderer
// about a fifth of a Playground redraw).
function glPixelRatio() {
  return Math.min(2, Math.max(1, window.devicePixelRatio || 1));
}

// The narrowest of the figure's layouts for narrow charts (``narrow``: [{below, layout}, ...]) that
// applies at ``width``, or null for the figure's own (wide) layout.
function arrangementFor(fig, width) {
  let best = null;
  for (const a of fig.narrow || []) {
    if (width && width < a.below && (!best || a.below < best.below)) best = a;
  }
  return best;
}

class StepControl {
  constructor(root, onChange, onSettle) {
    this.onChange = onChange; // (index) => redraw the markers
    this.onSettle = onSettle; // (step) => tell Python, once the person stopped
    this.bar = document.createElement("div");
    this.bar.className = "dl-step";
    this.bar.hidden = true;
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "dl-play";
    this.button.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    this.range = document.createElement("input");
    this.range.type = "range";
    this.range.className = "dl-range";
    this.range.min = "0";
    this.range.step = "1";
    this.range.addEventListener("input", () => {
      this.pause();
      this.show(Number(this.range.value), true);
    });
    this.label = document.createElement("output");
    this.label.className = "dl-step-label";
    this.speed = document.createElement("select");
    this.speed.className = "dl-speed";
    this.speed.setAttribute("aria-label", "Playback speed");
    this.speed.title = "Playback speed";
    for (const [value, text] of SPEEDS) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      this.speed.appendChild(option);
    }
    this.speed.value = "1";
    this.bar.append(this.button, this.range, this.label, this.speed);
    root.prepend(this.bar); // above the figure: in view even when the figure is taller than the window
    this.stops = [];
    this.index = 0;
    this.sent = null;
    this.reported = new Set(); // steps sent to Python: their echoes must not move the control back
    this.playing = false;
    this.setButton();
    this.timer = null; // a report waiting for the person to stop (settleLater)
    this.onLink = (event) => this.dropOnLink(event);
    for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, this.onLink, true);
  }

  // The chart left the page: stop playing and listening.
  detach() {
    this.pause();
    clearTimeout(this.timer);
    for (const type of ["pointerdown", "keydown"]) document.removeEventListener(type, this.onLink, true);
  }

  // A new step table from Python. ``value`` is the step Python asked for: it wins only when it differs
  // from what Python asked for last time and is not the echo of a step this control reported (so it is
  // a link or a reset); otherwise the person's step stays, even if they moved on while Python reran.
  configure(step) {
    if (!step) {
      this.pause();
      this.bar.hidden = true;
      this.stops = [];
      return;
    }
    const first = this.stops.length === 0;
    const current = first ? step.value : this.stops[this.index];
    this.stops = Array.from(column(step.stops));
    this.name = step.label || "Step";
    this.range.max = String(this.stops.length - 1);
    this.range.setAttribute("aria-label", this.name);
    this.bar.hidden = false;
    let want = current;
    if (!first && step.value !== this.asked && !this.reported.has(step.value)) {
      want = step.value;
      this.reported.clear();
    }
    this.asked = step.value;
    this.index = this.nearest(want);
    this.range.value = String(this.index);
    this.setLabel();
  }

  nearest(step) {
    let best = 0;
    for (let i = 0; i < this.stops.length; i++) {
      if (Math.abs(this.stops[i] - step) < Math.abs(this.stops[best] - step)) best = i;
    }
    return best;
  }

  show(index, byHand) {
    this.index = Math.max(0, Math.min(index, this.stops.length - 1));
    this.range.value = String(this.index);
    this.setLabel();
    this.onChange(this.index);
    if (byHand) this.settleLater();
  }

  settleLater() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.report(), REPORT_DELAY_MS);
  }

  // Tell Python the step the person left the control at (one rerun), unless it already knows it.
  report() {
    this.timer = null;
    const step = this.stops[this.index];
    if (step !== this.sent) {
      this.sent = step;
      if (this.reported.size > 1000) this.reported.clear();
      this.reported.add(step);
      this.onSettle(step);
    }
  }

  // A report still waiting when the person follows a link (another page of the app) is dropped. Sent after
  // the link's own rerun request, as it would be, it names the page the person is leaving, and Streamlit
  // reruns that page instead of opening theirs: the click is lost (seen under make load). Sent before it, the
  // same happens, since Streamlit sends a chart's new state a moment after it is given.
  dropOnLink(event) {
    if (this.timer && event.target instanceof Element && event.target.closest("a[href]")) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  setLabel() {
    const last = this.stops[this.stops.length - 1];
    const text = `${this.name} ${this.stops[this.index]} of ${last}`;
    this.label.textContent = text;
    this.range.setAttribute("aria-valuetext", text);
  }

  setButton() {
    this.button.textContent = this.playing ? "❚❚ Pause" : "▶ Play";
    this.button.setAttribute("aria-label", this.playing ? "Pause" : "Play the descent");
    this.button.setAttribute("aria-pressed", String(this.playing));
  }

  play() {
    if (this.stops.length < 2) return;
    if (this.index >= this.stops.length - 1) this.show(0, false);
    this.playing = true;
    this.setButton();
    const last = this.stops[this.stops.length - 1];
    let start = performance.now();
    let from = this.stops[this.index];
    let rate = null;
    const tick = (now) => {
      if (!this.playing) return;
      const speed = Number(this.speed.value);
      const r = (speed * Math.max(last, 1)) / PLAY_SECONDS; // steps per second
      if (rate !== r) { // a new speed continues from where the markers are
        start = now;
        from = this.stops[this.index];
        rate = r;
      }
      const target = from + ((now - start) / 1000) * rate;
      let i = this.index;
      while (i < this.stops.length - 1 && this.stops[i + 1] <= target) i++;
      if (i !== this.index) this.show(i, false);
      if (i >= this.stops.length - 1) this.pause();
      else this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.setButton();
    this.settleLater();
  }
}

class LiveChart {
  constructor(parent) {
    addStyle();
    this.root = document.createElement("div");
    this.root.className = "dl-live";
    this.plot = document.createElement("div");
    this.plot.className = "dl-plot";
    this.root.appendChild(this.plot);
    parent.appendChild(this.root);
    this.step = new StepControl(this.root, (i) => this.moveMarkers(i), (s) => this.send("state", "step", s));
    this.cameras = {};
    this.hidden = new Set();
    this.revision = null;
    this.renders = 0; // payloads given so far (see cleanup)
    this.queue = Promise.resolve();
    this.resize = new ResizeObserver(() => this.onResize());
    this.resize.observe(this.root);
  }

  send(kind, name, value) {
    const fn = kind === "state" ? this.setStateValue : this.setTriggerValue;
    if (fn) fn(name, value);
  }

  // Apply a new payload; updates run one after another so a fast sequence of reruns stays in order.
  update(payload, component) {
    this.setStateValue = component.setStateValue;
    this.setTriggerValue = component.setTriggerValue;
    this.queue = this.queue.then(() => this.draw(payload)).catch((e) => this.failed(e));
  }

  // Series the person hid in the legend stay hidden across reruns. plotly.js keeps a legend click by
  // matching traces by index, so when a run gains or loses a marker (reached, left, diverged) the hidden
  // state landed on the wrong series: every trace gets a uid from what it draws, and every trace of a
  // hidden legend group (a series' path, markers and loss) starts hidden, new ones included.
  keepLegend(data, revision) {
    if (revision !== this.revision) this.hidden = new Set();
    const seen = {};
    for (const t of data) {
      const group = t.legendgroup || t.name || "";
      const id = `${t.meta || t.type || ""}|${group}|${t.xaxis || t.scene || ""}`;
      seen[id] = (seen[id] || 0) + 1;
      t.uid = `u${hash(id)}-${seen[id]}`; // plotly.js puts uids in CSS selectors: letters and digits only
      if (this.hidden.has(group) && t.visible !== false) t.visible = "legendonly";
    }
  }

  // After a legend click: which legend groups the person hid.
  readLegend() {
    const hidden = new Set();
    for (const t of this.plot.data || []) {
      if (t.visible === "legendonly") hidden.add(t.legendgroup || t.name || "");
    }
    this.hidden = hidden;
  }

  layoutFor(payload) {
    const fig = payload.figure;
    const dark = isDark(this.root);
    this.dark = dark;
    let layout = { ...fig.layout, template: payload.templates[dark ? "dark" : "light"] };
    // The width is the chart's own, set here rather than by plotly.js's autosize: its resize drops the
    // figure's height (the plot then overflows a container of height 0 onto what follows).
    this.width = this.root.clientWidth;
    if (this.width > 0) layout.width = this.width;
    this.arrangement = arrangementFor(fig, this.width);
    if (this.arrangement) layout = merge(layout, this.arrangement.layout);
    // plotly.js can lose a rotated camera on react: put back the one the person chose for this view.
    for (const [scene, camera] of Object.entries(this.cameras)) {
      if (layout[scene] && layout.uirevision === this.revision) layout[scene] = merge(layout[scene], { camera });
    }
    if (layout.uirevision !== this.revision) this.cameras = {};
    this.revision = layout.uirevision;
    return layout;
  }

  async draw(payload) {
    const Plotly = await loadPlotly(payload.plotly);
    if (this.destroyed) return; // unmounted while plotly.js loaded or an earlier draw ran: nothing to draw into
    this.Plotly = Plotly;
    this.payload = payload;
    const fig = payload.figure;
    this.step.configure(fig.step);
    this.table = fig.step ? this.decodeTable(fig.step) : null;
    const data = fig.data;
    if (!fig.decoded) {
      decodeSpecs(data);
      fig.decoded = true; // a redraw (resize, theme) draws the same payload again
    }
    if (this.table) this.place(data, this.step.index);
    this.keepLegend(data, fig.layout.uirevision);
    const layout = this.layoutFor(payload);
    await Plotly.react(this.plot, data, layout, { plotGlPixelRatio: glPixelRatio(), ...payload.config });
    if (!this.listening) this.listen();
  }

  decodeTable(step) {
    const columns = {};
    for (const [name, value] of Object.entries(step.columns)) columns[name] = column(value);
    return { columns, bindings: step.bindings, line: step.line };
  }

  // Put every animated trace at stop ``i`` of the step table (in place, before a react or a restyle).
  place(data, i) {
    const { columns, bindings } = this.table;
    for (const b of bindings) {
      const trace = data[b.trace];
      if (!trace) continue;
      for (const [attr, name] of Object.entries(b.attrs)) trace[attr] = valueAt(columns, name, i);
    }
  }

  moveMarkers(i) {
    if (!this.table || !this.plot.data) return;
    const { columns, bindings, line } = this.table;
    const update = {};
    const traces = [];
    bindings.forEach((b, j) => {
      traces.push(b.trace);
      for (const [attr, name] of Object.entries(b.attrs)) {
        if (!update[attr]) update[attr] = new Array(bindings.length).fill(undefined);
        update[attr][j] = valueAt(columns, name, i);
      }
    });
    const relayout = {};
    if (line) {
      const x = this.step.stops[i];
      relayout[`shapes[${line.shape}].x0`] = x;
      relayout[`shapes[${line.shape}].x1`] = x;
    }
    // Keep the payload in step too, so a later redraw (theme, resize) starts from here.
    this.place(this.payload.figure.data, i);
    this.Plotly.update(this.plot, update, relayout, traces);
  }

  listen() {
    this.listening = true;
    const events = new Set(this.payload.events || []);
    this.plot.on("plotly_relayout", (e) => {
      for (const [k, v] of Object.entries(e)) {
        const m = k.match(/^(scene\d*)\.camera$/);
        if (m) this.cameras[m[1]] = v;
      }
      if (events.has("zoom")) {
        // A box spanning one axis only (a thin drag) zooms that axis: the other is sent as null.
        const x = range(e, "xaxis"), y = range(e, "yaxis");
        if (x || y) this.send("trigger", "zoom", { x, y });
      }
    });
    this.plot.on("plotly_restyle", () => this.readLegend());
    this.plot.on("plotly_click", (e) => {
      if (!events.has("click") || !e || !e.points || !e.points.length) return;
      const p = e.points[0];
      const data = p.customdata;
      this.send("trigger", "click", { x: p.x, y: p.y, z: p.z === undefined ? null : p.z,
        curve: p.curveNumber, point: p.pointNumber === undefined ? null : p.pointNumber,
        customdata: data === undefined || data === null ? null
          : typeof data === "object" && data.length !== undefined ? Array.from(data) : data });
    });
  }

  // A new width (the window, the sidebar, a tab shown) or theme redraws the figure at the chart's width,
  // in the arrangement for it; one redraw waits in the queue at a time, however many resizes arrive.
  onResize() {
    if (this.destroyed || !this.Plotly || !this.payload || this.redrawPending) return;
    if (this.root.clientWidth === this.width && isDark(this.root) === this.dark) return;
    this.redrawPending = true;
    this.queue = this.queue.then(() => {
      this.redrawPending = false;
      return this.draw(this.payload);
    }).catch((e) => this.failed(e));
  }

  // A draw that fails is an error on the page (the browser tests and make load fail on it), unless the chart
  // was unmounted while it drew: plotly.js then trips over the plot it just purged, and nothing is lost.
  failed(e) {
    if (!this.destroyed) console.error("live chart:", e);
  }

  destroy() {
    this.destroyed = true;
    this.step.detach();
    this.resize.disconnect();
    if (this.Plotly) this.Plotly.purge(this.plot);
    this.root.remove();
  }
}

// After the server restarts (or a replica stops and the page reconnects to another), Streamlit's
// frontend reconnects to a new, empty session but does not rerun the page until the person acts; the
// person's first change would then reach a session that rebuilds the view from the address and lose
// that change. So when the connection comes back, the app's preload element asks for a rerun at once: the
// new session then holds the page's view before the person touches anything.
function watchReconnect(send) {
  if (window.__dlReconnect) {
    window.__dlReconnect.send = send;
    return;
  }
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) return;
  const watch = { send, lost: false };
  new MutationObserver(() => {
    const state = app.getAttribute("data-test-connection-state");
    if (state && state !== "CONNECTED") watch.lost = true;
    else if (state === "CONNECTED" && watch.lost) {
      watch.lost = false;
      watch.send();
    }
  }).observe(app, { attributes: true, attributeFilter: ["data-test-connection-state"] });
  window.__dlReconnect = watch;
}

// An axis's new range from a plotly_relayout event ("xaxis.range[0]" and "[1]", or "xaxis.range"), or null.
function range(e, axis) {
  const r = Array.isArray(e[`${axis}.range`]) ? e[`${axis}.range`] : [e[`${axis}.range[0]`], e[`${axis}.range[1]`]];
  return r.length === 2 && r.every((v) => typeof v === "number") ? [r[0], r[1]] : null;
}

const charts = new WeakMap();

// Draws the payload into the chart living in ``parentElement``; returns how many payloads that chart has been
// given, which the cleanup of this render call gets back (see cleanup).
export function render(component, plotlyUrl) {
  const { parentElement, data } = component;
  if (!data || !data.byteLength) { // the app's preload: fetch plotly.js while the page's script still computes
    loadPlotly(plotlyUrl);
    // The preload is on every page and outside every fragment, so the run it asks for is the whole page's (a
    // chart inside a fragment would ask for that fragment alone, which a new session does not know).
    watchReconnect(() => component.setTriggerValue("reconnect", Date.now()));
    return 0;
  }
  let chart = charts.get(parentElement);
  if (!chart) {
    chart = new LiveChart(parentElement);
    charts.set(parentElement, chart);
  }
  chart.renders += 1;
  const payload = JSON.parse(new TextDecoder().decode(data));
  payload.plotly = plotlyUrl;
  chart.update(payload, component);
  return chart.renders;
}

// Streamlit calls a render's cleanup when the chart leaves the page, and also when a newer payload arrived
// while that render was still starting (a quick second rerun). Only the first may remove the chart: the
// second would purge the figure the newer payload is being drawn into (it did, under make load: the view was
// lost and a second step control appeared). So the chart goes only once its element has left the document
// and no payload came after this render's.
export function cleanup(parentElement, rendered) {
  setTimeout(() => {
    const chart = charts.get(parentElement);
    if (!chart || chart.renders !== rendered || parentElement.isConnected) return;
    chart.destroy();
    charts.delete(parentElement);
  }, 0);
}
