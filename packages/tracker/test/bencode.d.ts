// The `bencode` package ships no types; tests only decode with it.
declare module "bencode" {
  const bencode: { decode(data: Uint8Array, encoding?: string): unknown; encode(value: unknown): Uint8Array };
  export default bencode;
}
