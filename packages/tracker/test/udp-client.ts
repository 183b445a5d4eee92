// A minimal BEP 15 client for tests: one dgram socket, request/response matched by transaction id.
import { createSocket, type Socket } from "node:dgram";

export class UdpClient {
  readonly socket: Socket;
  private waiters = new Map<number, (msg: Buffer) => void>();
  private nextTx = 1;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    this.socket.on("message", (msg) => {
      if (msg.length < 8) return;
      const tx = msg.readUInt32BE(4);
      this.waiters.get(tx)?.(msg);
      this.waiters.delete(tx);
    });
  }

  tx(): number {
    return this.nextTx++;
  }

  request(packet: Buffer, tx = packet.length >= 16 ? packet.readUInt32BE(12) : 0): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no UDP reply for tx ${tx}`)), 5000);
      this.waiters.set(tx, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.socket.send(packet, this.port, this.host);
    });
  }

  send(packet: Buffer): void {
    this.socket.send(packet, this.port, this.host);
  }

  async connect(): Promise<Buffer> {
    const p = Buffer.alloc(16);
    p.writeUInt32BE(0x417, 0);
    p.writeUInt32BE(0x27101980, 4);
    p.writeUInt32BE(0, 8);
    p.writeUInt32BE(this.tx(), 12);
    const r = await this.request(p);
    if (r.readUInt32BE(0) !== 0) throw new Error(`connect failed: ${r.subarray(8).toString()}`);
    return r.subarray(8, 16);
  }

  close(): void {
    this.socket.close();
  }
}

export function announcePacket(o: {
  connectionId: Buffer;
  tx: number;
  infoHash: string;
  peerId: Buffer;
  left?: number;
  event?: number;
  numwant?: number;
  port: number;
  options?: Buffer;
}): Buffer {
  const p = Buffer.alloc(98);
  o.connectionId.copy(p, 0);
  p.writeUInt32BE(1, 8);
  p.writeUInt32BE(o.tx, 12);
  Buffer.from(o.infoHash, "hex").copy(p, 16);
  o.peerId.copy(p, 36);
  p.writeBigUInt64BE(BigInt(o.left ?? 1000), 64);
  p.writeUInt32BE(o.event ?? 0, 80);
  p.writeInt32BE(o.numwant ?? -1, 92);
  p.writeUInt16BE(o.port, 96);
  return o.options ? Buffer.concat([p, o.options]) : p;
}

export function scrapePacket(connectionId: Buffer, tx: number, hashes: string[]): Buffer {
  const p = Buffer.alloc(16 + 20 * hashes.length);
  connectionId.copy(p, 0);
  p.writeUInt32BE(2, 8);
  p.writeUInt32BE(tx, 12);
  hashes.forEach((h, i) => {
    Buffer.from(h, "hex").copy(p, 16 + i * 20);
  });
  return p;
}
