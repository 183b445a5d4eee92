// A page with unusual but valid HTML, and the exact bytes it must become when its links to big.iso are
// rewritten: expected by hand, attribute by attribute.

export const unusualPage = [
  "\uFEFF<!DOCTYPE html>\r\n<html lang=en><head><meta charset=utf-8>",
  "<title>Downloads &amp; more — ünïcödé</title>",
  '<!-- a comment with <a href="big.iso">a link</a> in it -->',
  "<style>a[href$='.iso']::after { content: ' \\2193'; }</style>",
  "</head><body>",
  "<pre>  keep\tthis   <b>spacing</b>\n\n   &lt;a href=&quot;big.iso&quot;&gt;</pre>",
  '<svg viewBox="0 0 10 10"><path d=\'M0 0L10 10\'/><a href="big.iso"><circle r=1 /></a></svg>',
  "<p>Unquoted: <a href=big.iso class=btn>ISO</a>",
  "<p>Single: <a   data-x='1'  href = 'big.iso?dl=1#frag'  TYPE='application/octet-stream'>ISO</a>",
  '<p>Entities: <a href="b&#105;g.iso" download="big.iso">&eacute;&#x263A;&nbsp;</a>',
  '<template id=t><a href="big.iso">in template</a></template>',
  '<p>Not ours: <a href="small.txt">txt</a> <a href="https://elsewhere.org/big.iso">x</a>',
  "<script>const s = '<a href=\"big.iso\">';</script>",
  "</body></html>\r\n",
].join("\n");

/** The page with every link to big.iso rewritten, the direct URL kept in data-seedpress-direct. */
export function unusualPageRewritten(): string {
  const T = 'type="application/x-bittorrent"';
  return unusualPage
    .replace(
      `<a href="big.iso"><circle`,
      `<a href="big.iso.torrent" ${T} data-seedpress-direct="big.iso"><circle`,
    )
    .replace(
      `<a href=big.iso class=btn>`,
      `<a href="big.iso.torrent" ${T} data-seedpress-direct="big.iso" class=btn>`,
    )
    .replace(
      `<a   data-x='1'  href = 'big.iso?dl=1#frag'  TYPE='application/octet-stream'>`,
      `<a   data-x='1'  href = 'big.iso.torrent' data-seedpress-direct="big.iso?dl=1#frag"  TYPE='application/x-bittorrent'>`,
    )
    .replace(
      `<a href="b&#105;g.iso" download="big.iso">`,
      `<a href="big.iso.torrent" ${T} data-seedpress-direct="big.iso" download="big.iso.torrent">`,
    )
    .replace(
      `<a href="big.iso">in template`,
      `<a href="big.iso.torrent" ${T} data-seedpress-direct="big.iso">in template`,
    );
}
