// The WebTorrent tracker protocol over WebSocket: browser peers announce with WebRTC offers, the tracker
// hands each offer to a random peer of the swarm, and relays an answer back only when that exact offer
// was forwarded by us to the answering peer, from the peer it names, within the offer's lifetime.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { RequestError } from "./errors.js";
import { normalizeIp } from "./ip.js";
import type { SignalBus, SignalMessage, WsAddress } from "./store.js";
import type { ScrapeEntry, Tracker } from "./tracker.js";

export interface WsOptions {
  /** Seconds between announces asked of browser peers. Default 120. */
  interval?: number;
  /** How long a forwarded offer may be answered, in ms. Default 50000 (WebTorrent's own offer timeout). */
  offerTtlMs?: number;
  /** Most offers taken from one announce. Default 20. */
  maxOffers?: number;
  /** Largest message accepted, in bytes. Default 262144. */
  maxPayload?: number;
}

interface Pending {
  /**
   * The connection the offer came from (here, or on another process): an answer goes back to it, never
   * to whoever claims its id.
   */
  from: WsPeer | WsAddress;
  fromId: string;
  swarm: string;
  expires: number;
}

interface WsPeer {
  /** Number of this connection within the process (never reused). */
  conn: number;
  socket: WebSocket;
  ip: string;
  peerId?: string;
  swarms: Set<string>;
  /** Offers forwarded to this peer, by offer_id. */
  pending: Map<string, Pending>;
  alive: boolean;
}

interface WsSwarm {
  list: WsPeer[];
  /** peer_id → its one live connection in this swarm. */
  byId: Map<string, WsPeer>;
  seeders: Set<WsPeer>;
}

const MAX_PENDING = 512;
const IN_USE = "peer_id is in use by another connection in this swarm";

/** A validated announce, ready to join its swarm. */
interface Join {
  key: string;
  infoHash: string;
  event: string | undefined;
  offers: { offer: unknown; offer_id: string }[];
  peerId: string;
}

function isBinary20(v: unknown): v is string {
  if (typeof v !== "string" || v.length !== 20) return false;
  for (let i = 0; i < 20; i++) if (v.charCodeAt(i) > 255) return false;
  return true;
}

function isSignal(v: unknown, type: "offer" | "answer"): boolean {
  if (typeof v !== "object" || v === null) return false;
  const s = v as { type?: unknown; sdp?: unknown };
  return s.type === type && typeof s.sdp === "string" && s.sdp.length < 65536;
}

/** The WebSocket side's own counters (the tracker's are protocol-independent). */
export interface WsMetrics {
  connections: number;
  relayedOffers: number;
  relayedAnswers: number;
  rejectedAnswers: number;
}

export class WsTracker {
  readonly wss: WebSocketServer;
  readonly metrics: WsMetrics = { connections: 0, relayedOffers: 0, relayedAnswers: 0, rejectedAnswers: 0 };
  private readonly swarms = new Map<string, WsSwarm>();
  private readonly interval: number;
  private readonly offerTtl: number;
  private readonly maxOffers: number;
  private readonly heartbeat: NodeJS.Timeout;
  private peerCount = 0;
  private nextConn = 1;
  private readonly conns = new Map<number, WsPeer>();
  /** Signalling with the WebSocket peers of other processes, when the store is shared. */
  private readonly bus?: SignalBus;

  constructor(
    private readonly tracker: Tracker,
    options: WsOptions = {},
  ) {
    this.interval = options.interval ?? 120;
    this.offerTtl = options.offerTtlMs ?? 50_000;
    this.maxOffers = options.maxOffers ?? 20;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload ?? 262_144,
      perMessageDeflate: false,
    });
    // Sockets that stop answering pings are dropped, and their peers with them.
    this.heartbeat = setInterval(() => {
      for (const client of this.wss.clients) {
        const peer = (client as WebSocket & { peer?: WsPeer }).peer;
        if (peer && !peer.alive) {
          client.terminate();
          continue;
        }
        if (peer) peer.alive = false;
        client.ping();
      }
    }, 30_000);
    this.heartbeat.unref();
    this.bus = tracker.store.signals;
    this.bus?.onSignal((m) => this.onSignal(m));
    tracker.countWebSocketPeers((key) => {
      const swarm = this.swarms.get(key);
      return { seeders: swarm?.seeders.size ?? 0, peers: swarm?.list.length ?? 0 };
    });
  }

  /** Peers connected over WebSocket across all swarms. */
  get peers(): number {
    return this.peerCount;
  }

  /** For an http.Server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const tracker = this.tracker;
    const ip = tracker.clientIp(normalizeIp(req.socket.remoteAddress ?? ""), req.headers["x-forwarded-for"]);
    const peer: WsPeer = {
      conn: this.nextConn++,
      socket,
      ip,
      swarms: new Set(),
      pending: new Map(),
      alive: true,
    };
    this.conns.set(peer.conn, peer);
    (socket as WebSocket & { peer?: WsPeer }).peer = peer;
    this.metrics.connections++;
    socket.on("pong", () => {
      peer.alive = true;
    });
    socket.on("message", (data, isBinary) => this.onMessage(peer, data, isBinary));
    socket.on("error", () => socket.terminate());
    socket.on("close", () => {
      this.metrics.connections--;
      this.conns.delete(peer.conn);
      for (const key of [...peer.swarms]) this.leave(peer, key);
      peer.pending.clear();
    });
  }

  private send(peer: WsPeer, message: object): void {
    if (peer.socket.readyState === peer.socket.OPEN) peer.socket.send(JSON.stringify(message));
  }

  private onMessage(peer: WsPeer, data: RawData, isBinary: boolean): void {
    let msg: Record<string, unknown>;
    try {
      if (isBinary) throw new RequestError("binary frames are not part of the protocol");
      const parsed: unknown = JSON.parse(data.toString());
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new RequestError("message must be a JSON object");
      msg = parsed as Record<string, unknown>;
    } catch (error) {
      const reason = error instanceof RequestError ? error.reason : "invalid JSON";
      this.tracker.fail(reason);
      this.send(peer, { "failure reason": reason });
      return;
    }
    try {
      if (msg.action === "announce") this.announce(peer, msg);
      else if (msg.action === "scrape") this.scrape(peer, msg);
      else throw new RequestError("invalid action (must be announce or scrape)");
    } catch (error) {
      this.refuse(peer, msg, error);
    }
  }

  private refuse(peer: WsPeer, msg: Record<string, unknown>, error: unknown): void {
    const reason = error instanceof RequestError ? error.reason : "internal tracker error";
    if (!(error instanceof RequestError)) this.tracker.emit("warning", error);
    this.tracker.fail(reason);
    const reply: Record<string, unknown> = { "failure reason": reason };
    if (typeof msg.action === "string") reply.action = msg.action;
    if (isBinary20(msg.info_hash)) reply.info_hash = msg.info_hash;
    this.send(peer, reply);
  }

  private announce(peer: WsPeer, msg: Record<string, unknown>): void {
    const tracker = this.tracker;
    if (!isBinary20(msg.info_hash)) throw new RequestError("invalid info_hash (must be 20 bytes)");
    if (!isBinary20(msg.peer_id)) throw new RequestError("invalid peer_id (must be 20 bytes)");
    if (peer.peerId !== undefined && peer.peerId !== msg.peer_id)
      throw new RequestError("peer_id changed on this connection");
    const infoHash = msg.info_hash;
    if (msg.answer !== undefined) {
      this.relayAnswer(peer, msg, infoHash);
      return;
    }
    tracker.admit(peer.ip);
    const key = tracker.resolve(infoHash);
    const event = msg.event;
    if (
      event !== undefined &&
      event !== "started" &&
      event !== "completed" &&
      event !== "stopped" &&
      event !== "update"
    ) {
      throw new RequestError("invalid event (must be started, completed, stopped or update)");
    }
    let offers: { offer: unknown; offer_id: string }[] = [];
    if (msg.offers !== undefined) {
      if (!Array.isArray(msg.offers)) throw new RequestError("offers must be an array");
      offers = msg.offers.slice(0, this.maxOffers).map((o: unknown) => {
        const x = o as { offer?: unknown; offer_id?: unknown };
        if (typeof o !== "object" || o === null || !isSignal(x.offer, "offer") || !isBinary20(x.offer_id)) {
          throw new RequestError("invalid offer (needs offer {type, sdp} and a 20-byte offer_id)");
        }
        return { offer: x.offer, offer_id: x.offer_id };
      });
    }
    const holder = this.swarms.get(key)?.byId.get(msg.peer_id);
    if (holder !== undefined && holder !== peer) throw new RequestError(IN_USE);
    const join = { key, infoHash, event, offers, peerId: msg.peer_id };
    // Joining a swarm shared with other processes: the peer_id must be free there too (a claim in Redis).
    if (this.bus && event !== "stopped" && !peer.swarms.has(key)) {
      this.claimThenJoin(peer, msg, join);
      return;
    }
    this.join(peer, msg, join);
  }

  private claimThenJoin(peer: WsPeer, msg: Record<string, unknown>, join: Join): void {
    const address = { ...this.address(peer), peerId: join.peerId };
    this.bus!.wsClaim(join.key, address, this.claimTtl()).then(
      (mine) => {
        if (!this.conns.has(peer.conn)) {
          // Closed while the claim was made: nobody will release it otherwise.
          if (mine) void this.bus!.wsRelease(join.key, address).catch(() => undefined);
          return;
        }
        if (!mine) return this.refuse(peer, msg, new RequestError(IN_USE));
        try {
          this.join(peer, msg, join);
        } catch (error) {
          this.refuse(peer, msg, error);
        }
      },
      (error) => this.refuse(peer, msg, error),
    );
  }

  /** Seconds a claim or a listing lives without a re-announce (a killed process's peers go then). */
  private claimTtl(): number {
    return 2 * this.interval;
  }

  private join(peer: WsPeer, msg: Record<string, unknown>, join: Join): void {
    const tracker = this.tracker;
    const { key, infoHash, event, offers } = join;
    if (peer.peerId !== undefined && peer.peerId !== join.peerId)
      throw new RequestError("peer_id changed on this connection");
    const holder = this.swarms.get(key)?.byId.get(join.peerId);
    if (holder !== undefined && holder !== peer) throw new RequestError(IN_USE);
    peer.peerId = join.peerId;
    tracker.metrics.announces.ws++;
    if (event === "stopped") {
      this.leave(peer, key);
      this.send(peer, {
        action: "announce",
        interval: this.interval,
        info_hash: infoHash,
        complete: 0,
        incomplete: 0,
      });
      return;
    }
    let swarm = this.swarms.get(key);
    if (!swarm) {
      swarm = { list: [], byId: new Map(), seeders: new Set() };
      this.swarms.set(key, swarm);
    }
    if (!peer.swarms.has(key)) {
      peer.swarms.add(key);
      swarm.list.push(peer);
      swarm.byId.set(join.peerId, peer);
      this.peerCount++;
    }
    // A browser peer's first `completed` counts like any other finished download.
    if (event === "completed" && !swarm.seeders.has(peer)) void tracker.countCompleted(key);
    if (msg.left === 0 || event === "completed") swarm.seeders.add(peer);
    else swarm.seeders.delete(peer);
    const seeder = swarm.seeders.has(peer);
    if (this.bus) {
      const me = this.address(peer);
      void this.bus
        .wsJoin(key, me, Math.floor(tracker.clock() / 1000) + this.claimTtl(), seeder)
        .catch((e) => this.tracker.emit("warning", e));
      void this.bus.wsClaim(key, me, this.claimTtl()).catch(() => undefined);
    }
    this.answerAnnounce(peer, key, infoHash, swarm.seeders.size, swarm.list.length);
    if (offers.length === 0) return;
    if (this.bus) {
      this.offerAcross(peer, key, infoHash, offers);
      return;
    }
    const n = swarm.list.length;
    const start = Math.floor(Math.random() * n);
    let sent = 0;
    for (let i = 0; i < n && sent < offers.length; i++) {
      const other = swarm.list[(start + i) % n]!;
      if (other === peer) continue;
      this.deliverOffer(other, peer, key, infoHash, offers[sent++]!);
    }
  }

  private address(peer: WsPeer): WsAddress {
    return { node: this.bus?.node ?? "", conn: peer.conn, peerId: peer.peerId ?? "" };
  }

  /** Hands one offer to `target` (a connection here) and remembers whom it may answer. */
  private deliverOffer(
    target: WsPeer,
    from: WsPeer | WsAddress,
    key: string,
    infoHash: string,
    offer: { offer: unknown; offer_id: string },
  ): void {
    const fromId = "socket" in from ? from.peerId! : from.peerId;
    this.remember(target, offer.offer_id, {
      from,
      fromId,
      swarm: key,
      expires: this.tracker.clock() + this.offerTtl,
    });
    this.send(target, {
      action: "announce",
      offer: offer.offer,
      offer_id: offer.offer_id,
      peer_id: fromId,
      info_hash: infoHash,
    });
    this.metrics.relayedOffers++;
  }

  /** Offers to WebSocket peers of every process sharing the store (random ones, via the store). */
  private offerAcross(
    peer: WsPeer,
    key: string,
    infoHash: string,
    offers: { offer: unknown; offer_id: string }[],
  ): void {
    const bus = this.bus!;
    const me = this.address(peer);
    bus.wsSample(key, offers.length, me, Math.floor(this.tracker.clock() / 1000)).then(
      (targets) => {
        targets.forEach((t, i) => {
          const offer = offers[i]!;
          if (t.node === bus.node) {
            const local = this.conns.get(t.conn);
            if (local?.swarms.has(key)) this.deliverOffer(local, peer, key, infoHash, offer);
            return;
          }
          const body = {
            action: "announce",
            offer: offer.offer,
            offer_id: offer.offer_id,
            peer_id: me.peerId,
            info_hash: infoHash,
          };
          void bus
            .publish(t.node, { kind: "offer", conn: t.conn, from: me, swarm: key, body })
            .catch(() => undefined);
          this.metrics.relayedOffers++;
        });
      },
      (error) => this.tracker.emit("warning", error),
    );
  }

  /** A signal from another process for one of our connections. */
  private onSignal(m: SignalMessage): void {
    const target = this.conns.get(m.conn);
    if (!target?.swarms.has(m.swarm) || typeof m.body !== "object" || m.body === null) return;
    if (m.kind === "offer") {
      const offerId = m.body.offer_id;
      if (!isBinary20(offerId) || !isBinary20(m.from?.peerId)) return;
      this.remember(target, offerId, {
        from: m.from,
        fromId: m.from.peerId,
        swarm: m.swarm,
        expires: this.tracker.clock() + this.offerTtl,
      });
      this.send(target, m.body);
    } else if (m.kind === "answer") {
      this.send(target, m.body);
      this.metrics.relayedAnswers++;
    }
  }

  private remember(peer: WsPeer, offerId: string, p: Pending): void {
    if (peer.pending.size >= MAX_PENDING) {
      for (const [id, old] of peer.pending)
        if (old.expires <= p.expires - this.offerTtl) peer.pending.delete(id);
      // Still full: the oldest offers go first (a Map keeps insertion order).
      while (peer.pending.size >= MAX_PENDING)
        peer.pending.delete(peer.pending.keys().next().value as string);
    }
    peer.pending.set(offerId, p);
  }

  private relayAnswer(peer: WsPeer, msg: Record<string, unknown>, infoHash: string): void {
    const tracker = this.tracker;
    if (!isBinary20(msg.to_peer_id)) throw new RequestError("invalid to_peer_id (required with answer)");
    if (!isBinary20(msg.offer_id)) throw new RequestError("invalid offer_id (required with answer)");
    if (!isSignal(msg.answer, "answer")) throw new RequestError("invalid answer (needs {type: answer, sdp})");
    const pending = peer.pending.get(msg.offer_id);
    const key = tracker.lookup(infoHash);
    if (
      pending === undefined ||
      pending.fromId !== msg.to_peer_id ||
      pending.swarm !== key ||
      pending.expires < tracker.clock() ||
      peer.peerId !== msg.peer_id
    ) {
      this.metrics.rejectedAnswers++;
      throw new RequestError("answer does not match an offer this tracker forwarded to you");
    }
    peer.pending.delete(msg.offer_id);
    // The answer goes to the connection that made the offer, if it is still in the swarm: a later
    // connection claiming the same peer_id never receives it.
    const target = pending.from;
    const body = {
      action: "announce",
      answer: msg.answer,
      offer_id: msg.offer_id,
      peer_id: msg.peer_id,
      info_hash: infoHash,
    };
    if (!("socket" in target)) {
      // The offer came from another process: the answer goes back to that one connection there.
      void this.bus
        ?.publish(target.node, {
          kind: "answer",
          conn: target.conn,
          from: this.address(peer),
          swarm: pending.swarm,
          body,
        })
        .catch((e) => this.tracker.emit("warning", e));
      return;
    }
    if (!target.swarms.has(pending.swarm) || target.socket.readyState !== target.socket.OPEN)
      throw new RequestError("the offering peer has left");
    this.send(target, body);
    this.metrics.relayedAnswers++;
  }

  private scrape(peer: WsPeer, msg: Record<string, unknown>): void {
    const tracker = this.tracker;
    tracker.admit(peer.ip);
    const raw = msg.info_hash;
    const list = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw : undefined;
    if (!list || list.length === 0) throw new RequestError("missing info_hash (full scrapes are not served)");
    if (!list.every(isBinary20)) throw new RequestError("invalid info_hash (must be 20 bytes)");
    const entries = tracker.scrapeSync(list as string[], "ws");
    if (entries) this.sendScrape(peer, entries);
    else
      tracker.scrape(list as string[], "ws").then(
        (e) => this.sendScrape(peer, e),
        (error) => this.refuse(peer, msg, error),
      );
  }

  private sendScrape(peer: WsPeer, entries: ScrapeEntry[]): void {
    const files: Record<string, { complete: number; incomplete: number; downloaded: number }> = {};
    for (const e of entries)
      files[e.infoHash] = { complete: e.complete, incomplete: e.incomplete, downloaded: e.downloaded };
    this.send(peer, { action: "scrape", files });
  }

  /**
   * The announce answer, with the swarm's counts over every protocol (and every process, with a shared
   * store); this process's own WebSocket counts when the store cannot be reached.
   */
  private answerAnnounce(peer: WsPeer, key: string, infoHash: string, seeders: number, peers: number): void {
    const send = (complete: number, incomplete: number) =>
      this.send(peer, {
        action: "announce",
        interval: this.interval,
        info_hash: infoHash,
        complete,
        incomplete,
      });
    const counts = this.tracker.counts(key);
    if (!(counts instanceof Promise)) send(counts.complete, counts.incomplete);
    else
      counts.then(
        (c) => send(c.complete, c.incomplete),
        () => send(seeders, peers - seeders),
      );
  }

  private leave(peer: WsPeer, key: string): void {
    if (!peer.swarms.delete(key)) return;
    if (this.bus) {
      const me = this.address(peer);
      void this.bus.wsLeave(key, me).catch(() => undefined);
      void this.bus.wsRelease(key, me).catch(() => undefined);
    }
    const swarm = this.swarms.get(key);
    if (!swarm) return;
    if (peer.peerId !== undefined && swarm.byId.get(peer.peerId) === peer) swarm.byId.delete(peer.peerId);
    const i = swarm.list.indexOf(peer);
    if (i !== -1) {
      swarm.list[i] = swarm.list[swarm.list.length - 1]!;
      swarm.list.pop();
      this.peerCount--;
    }
    swarm.seeders.delete(peer);
    if (swarm.list.length === 0) this.swarms.delete(key);
  }

  private closing?: Promise<void>;

  async close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
