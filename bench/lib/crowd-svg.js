// Draws a crowd run as one SVG: left, bytes over time (seedpress origin, seedpress peers, HTTP-only
// origin); right, every client's completion time, sorted (HTTP-only vs seedpress). No dependencies.

const W = 420;
const H = 260;
const PAD = { l: 56, r: 12, t: 28, b: 40 };

function esc(text) {
  return String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function axes(x0, title, xLabel, yLabel, xMax, yMax, yFmt) {
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const parts = [
    `<g transform="translate(${x0},0)">`,
    `<text x="${PAD.l}" y="18" font-weight="bold">${esc(title)}</text>`,
  ];
  parts.push(`<rect x="${PAD.l}" y="${PAD.t}" width="${iw}" height="${ih}" fill="#fbfbfb" stroke="#ccc"/>`);
  for (let k = 0; k <= 4; k++) {
    const y = PAD.t + ih - (ih * k) / 4;
    parts.push(`<line x1="${PAD.l}" x2="${PAD.l + iw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${PAD.l - 4}" y="${y + 4}" text-anchor="end">${esc(yFmt((yMax * k) / 4))}</text>`);
    const x = PAD.l + (iw * k) / 4;
    parts.push(
      `<text x="${x}" y="${PAD.t + ih + 14}" text-anchor="middle">${esc(Math.round((xMax * k) / 4))}</text>`,
    );
  }
  parts.push(`<text x="${PAD.l + iw / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(
    `<text transform="translate(12,${PAD.t + ih / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  const px = (x) => (PAD.l + (iw * x) / (xMax || 1)).toFixed(1);
  const py = (y) => (PAD.t + ih - (ih * y) / (yMax || 1)).toFixed(1);
  return { parts, px, py };
}

function polyline(points, px, py, color, dash = "") {
  if (points.length === 0) return "";
  const d = points.map(([x, y]) => `${px(x)},${py(y)}`).join(" ");
  return `<polyline fill="none" stroke="${color}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ""} points="${d}"/>`;
}

function legend(items, x, y) {
  return items
    .map(
      ([label, color, dash], k) =>
        `<line x1="${x}" x2="${x + 18}" y1="${y + k * 14}" y2="${y + k * 14}" stroke="${color}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ""}/><text x="${x + 22}" y="${y + k * 14 + 4}">${esc(label)}</text>`,
    )
    .join("");
}

const gib = (b) => `${(b / 2 ** 30).toFixed(2)} GiB`;

/** `ours` and `http`: results of crowd.js runs (http may be undefined). */
export function crowdSvg(title, ours, http) {
  const tMax = Math.max(...ours.samples.map((s) => s.t), ...(http?.samples ?? []).map((s) => s.t), 1);
  const yMax = Math.max(
    ...ours.samples.map((s) => s.delivered),
    ...(http?.samples ?? []).map((s) => s.origin),
    1,
  );
  const left = axes(0, "Bytes over time", "seconds", "bytes", tMax, yMax, gib);
  left.parts.push(
    polyline(
      ours.samples.map((s) => [s.t, s.origin]),
      left.px,
      left.py,
      "#c33",
    ),
  );
  left.parts.push(
    polyline(
      ours.samples.map((s) => [s.t, Math.max(0, s.delivered - s.origin)]),
      left.px,
      left.py,
      "#2a2",
    ),
  );
  if (http)
    left.parts.push(
      polyline(
        http.samples.map((s) => [s.t, s.origin]),
        left.px,
        left.py,
        "#777",
        "5,4",
      ),
    );
  left.parts.push(
    legend(
      [
        ["seedpress: origin", "#c33"],
        ["seedpress: peers", "#2a2"],
        ...(http ? [["HTTP only: origin", "#777", "5,4"]] : []),
      ],
      PAD.l + 8,
      PAD.t + 12,
    ),
    "</g>",
  );
  const times = (r) =>
    r.clientsDetail
      .filter((c) => c.secs !== null)
      .map((c) => c.secs)
      .sort((a, b) => a - b);
  const ourTimes = times(ours);
  const httpTimes = http ? times(http) : [];
  const n = Math.max(ourTimes.length, httpTimes.length, 1);
  const sMax = Math.max(...ourTimes, ...httpTimes, 1);
  const right = axes(W, "Completion time per client (sorted)", "client", "seconds", n, sMax, (v) =>
    v.toFixed(0),
  );
  right.parts.push(
    polyline(
      ourTimes.map((s, k) => [k + 1, s]),
      right.px,
      right.py,
      "#36c",
    ),
  );
  if (http)
    right.parts.push(
      polyline(
        httpTimes.map((s, k) => [k + 1, s]),
        right.px,
        right.py,
        "#777",
        "5,4",
      ),
    );
  right.parts.push(
    legend([["seedpress", "#36c"], ...(http ? [["HTTP only", "#777", "5,4"]] : [])], PAD.l + 8, PAD.t + 12),
    "</g>",
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 24}" viewBox="0 0 ${2 * W} ${H + 24}" font-family="system-ui,sans-serif" font-size="11">
<title>${esc(title)}</title>
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="${H + 18}" fill="#555">${esc(title)}</text>
${left.parts.join("\n")}
${right.parts.join("\n")}
</svg>
`;
}
