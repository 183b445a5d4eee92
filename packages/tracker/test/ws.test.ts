import { afterEach, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { type RunningTracker, startTracker } from "../src/index.js";
import { hex20, wsClient } from "./helpers.js";

const H = Buffer.from(hex20(7), "hex").toString("latin1");
let running: RunningTracker | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await running?.close();
  running = undefined;
});

/** A WebSocket client closed after each test. */
async function connect(url: string) {
  const client = await wsClient(url);
  sockets.push(client.ws);
  return client;
}

const pid = (n: number) => `-WW0001-${String(n).padStart(12, "0")}`;
const oid = (n: number) => `offer-${String(n).padStart(14, "0")}`;
const offer = { type: "offer", sdp: "v=0 fake offer" };
const answer = { type: "answer", sdp: "v=0 fake answer" };

describe("WebSocket tracker (WebTorrent protocol)", () => {
  it("forwards offers to other peers and relays only answers to offers it forwarded", async () => {
    let now = 1_000_000;
    running = await startTracker({
      allow: [hex20(7)],
      udpPort: false,
      ws: true,
      rateLimit: false,
      clock: () => now,
    });
    const url = running.wsUrl!;
    const a = await connect(url);
    const b = await connect(url);
    const c = await connect(url);
    a.send({ action: "announce", info_hash: H, peer_id: pid(1), numwant: 0, left: 10, event: "started" });
    expect(await a.next()).toMatchObject({ action: "announce", info_hash: H, complete: 0, incomplete: 1 });
    c.send({ action: "announce", info_hash: H, peer_id: pid(3), numwant: 0, left: 0, event: "started" });
    expect(await c.next()).toMatchObject({ complete: 1, incomplete: 1 });
    b.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(2),
      numwant: 2,
      left: 10,
      event: "started",
      offers: [
        { offer, offer_id: oid(1) },
        { offer, offer_id: oid(2) },
      ],
    });
    expect(await b.next()).toMatchObject({ complete: 1, incomplete: 2 });
    const toA = await a.next();
    const toC = await c.next();
    expect(toA).toMatchObject({ action: "announce", offer, peer_id: pid(2), info_hash: H });
    expect(toC).toMatchObject({ action: "announce", offer, peer_id: pid(2), info_hash: H });
    expect(new Set([toA.offer_id, toC.offer_id])).toEqual(new Set([oid(1), oid(2)]));

    // C answers A's offer (never forwarded to C): refused. A answers with a made-up offer id: refused.
    c.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(3),
      to_peer_id: pid(2),
      offer_id: toA.offer_id,
      answer,
    });
    expect((await c.next())["failure reason"]).toMatch(/does not match an offer/);
    a.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(1),
      to_peer_id: pid(2),
      offer_id: oid(9),
      answer,
    });
    expect((await a.next())["failure reason"]).toMatch(/does not match an offer/);
    // A names the wrong offerer: refused.
    a.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(1),
      to_peer_id: pid(3),
      offer_id: toA.offer_id,
      answer,
    });
    expect((await a.next())["failure reason"]).toMatch(/does not match an offer/);
    // The right answer is relayed to B, once.
    a.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(1),
      to_peer_id: pid(2),
      offer_id: toA.offer_id,
      answer,
    });
    expect(await b.next()).toEqual({
      action: "announce",
      answer,
      offer_id: toA.offer_id,
      peer_id: pid(1),
      info_hash: H,
    });
    a.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(1),
      to_peer_id: pid(2),
      offer_id: toA.offer_id,
      answer,
    });
    expect((await a.next())["failure reason"]).toMatch(/does not match an offer/);
    // C's offer expires before it answers.
    now += 60_000;
    c.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(3),
      to_peer_id: pid(2),
      offer_id: toC.offer_id,
      answer,
    });
    expect((await c.next())["failure reason"]).toMatch(/does not match an offer/);
    expect(running.ws!.metrics).toMatchObject({ relayedOffers: 2, relayedAnswers: 1, rejectedAnswers: 5 });
  });

  it("answers garbage frames with a failure reason and stays up", async () => {
    running = await startTracker({ allow: [hex20(7)], udpPort: false, ws: true, rateLimit: false });
    const s = await connect(running.wsUrl!);
    const cases: [unknown, RegExp][] = [
      ["not json", /invalid JSON/],
      ["[1,2]", /JSON object/],
      ["null", /JSON object/],
      [{ action: "dance" }, /invalid action/],
      [{ action: "announce", info_hash: "short", peer_id: pid(1) }, /invalid info_hash/],
      [{ action: "announce", info_hash: H, peer_id: 5 }, /invalid peer_id/],
      [{ action: "announce", info_hash: "\u1234".repeat(20), peer_id: pid(1) }, /invalid info_hash/],
      [
        { action: "announce", info_hash: Buffer.from(hex20(8), "hex").toString("latin1"), peer_id: pid(1) },
        /not served/,
      ],
      [{ action: "announce", info_hash: H, peer_id: pid(1), event: "exploded" }, /invalid event/],
      [{ action: "announce", info_hash: H, peer_id: pid(1), offers: "x" }, /offers must be an array/],
      [
        { action: "announce", info_hash: H, peer_id: pid(1), offers: [{ offer: 1, offer_id: oid(1) }] },
        /invalid offer/,
      ],
      [
        { action: "announce", info_hash: H, peer_id: pid(1), answer, to_peer_id: 3, offer_id: oid(1) },
        /invalid to_peer_id/,
      ],
      [{ action: "scrape" }, /missing info_hash/],
      [{ action: "scrape", info_hash: [H, 4] }, /invalid info_hash/],
    ];
    for (const [msg, reason] of cases) {
      s.send(msg);
      expect((await s.next())["failure reason"], JSON.stringify(msg)).toMatch(reason);
    }
    s.ws.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
    expect((await s.next())["failure reason"]).toMatch(/binary/);
    s.send({ action: "announce", info_hash: H, peer_id: pid(1), left: 0 });
    expect(await s.next()).toMatchObject({ action: "announce", complete: 1 });
    s.send({ action: "announce", info_hash: H, peer_id: pid(2), left: 0 });
    expect((await s.next())["failure reason"]).toMatch(/peer_id changed/);
    s.send({ action: "scrape", info_hash: H });
    expect(await s.next()).toEqual({
      action: "scrape",
      files: { [H]: { complete: 1, incomplete: 0, downloaded: 0 } },
    });
    // A browser leecher that completes is counted once, like any other client.
    const l = await connect(running.wsUrl!);
    l.send({ action: "announce", info_hash: H, peer_id: pid(5), left: 10, event: "started" });
    expect(await l.next()).toMatchObject({ complete: 1, incomplete: 1 });
    for (let i = 0; i < 2; i++) {
      l.send({ action: "announce", info_hash: H, peer_id: pid(5), left: 0, event: "completed" });
      expect(await l.next()).toMatchObject({ complete: 2, incomplete: 0 });
    }
    l.send({ action: "scrape", info_hash: H });
    expect(await l.next()).toEqual({
      action: "scrape",
      files: { [H]: { complete: 2, incomplete: 0, downloaded: 1 } },
    });
    // A frame over the size limit closes that connection only.
    const big = await connect(running.wsUrl!);
    const closed = new Promise((r) => big.ws.once("close", r));
    big.ws.send("x".repeat(300_000));
    await closed;
    const after = await connect(running.wsUrl!);
    after.send({ action: "scrape", info_hash: [H] });
    expect((await after.next()).action).toBe("scrape");
  });

  it("drops a closed socket's peer from its swarms", async () => {
    running = await startTracker({ allow: [hex20(7)], udpPort: false, ws: true, rateLimit: false });
    const a = await connect(running.wsUrl!);
    a.send({ action: "announce", info_hash: H, peer_id: pid(1), left: 3 });
    await a.next();
    expect(running.ws!.peers).toBe(1);
    a.ws.close();
    await new Promise((r) => a.ws.once("close", r));
    const b = await connect(running.wsUrl!);
    b.send({ action: "announce", info_hash: H, peer_id: pid(2), left: 3 });
    expect(await b.next()).toMatchObject({ complete: 0, incomplete: 1 });
  });
  it("ties signalling to the connection: a second connection cannot claim a live peer_id or its answers", async () => {
    running = await startTracker({ allow: [hex20(7)], udpPort: false, ws: true, rateLimit: false });
    const url = running.wsUrl!;
    const a = await connect(url);
    const c = await connect(url);
    const thief = await connect(url);
    c.send({ action: "announce", info_hash: H, peer_id: pid(3), numwant: 0, left: 0, event: "started" });
    expect(await c.next()).toMatchObject({ complete: 1 });
    a.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(1),
      numwant: 1,
      left: 10,
      event: "started",
      offers: [{ offer, offer_id: oid(1) }],
    });
    expect(await a.next()).toMatchObject({ complete: 1, incomplete: 1 });
    expect(await c.next()).toMatchObject({ offer_id: oid(1), peer_id: pid(1) });
    // Another connection claiming A's peer_id in the same swarm is refused while A is connected.
    thief.send({ action: "announce", info_hash: H, peer_id: pid(1), numwant: 0, left: 10 });
    expect(await thief.next()).toMatchObject({ "failure reason": expect.stringMatching(/in use/) });
    // A leaves; the thief now takes the peer_id, and C answers A's offer: the answer goes nowhere.
    a.ws.close();
    await new Promise((r) => a.ws.once("close", r));
    await new Promise((r) => setTimeout(r, 50));
    thief.send({ action: "announce", info_hash: H, peer_id: pid(1), numwant: 0, left: 10 });
    expect(await thief.next()).toMatchObject({ action: "announce", complete: 1, incomplete: 1 });
    c.send({
      action: "announce",
      info_hash: H,
      peer_id: pid(3),
      answer,
      offer_id: oid(1),
      to_peer_id: pid(1),
    });
    expect(await c.next()).toMatchObject({ "failure reason": expect.stringMatching(/has left/) });
    // Nothing reached the thief: its next message is the answer to its own scrape.
    thief.send({ action: "scrape", info_hash: H });
    expect(await thief.next()).toMatchObject({ action: "scrape" });
    expect(running.ws!.metrics.relayedAnswers).toBe(0);
  });
});
