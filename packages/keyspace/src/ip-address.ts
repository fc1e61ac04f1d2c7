// IP addresses as Stalwart keys them: 4 octets for IPv4, 16 for IPv6, and an IPv4-mapped
// IPv6 address (::ffff:a.b.c.d) as the IPv4 address it maps, because Stalwart converts those
// when it accepts a connection (crates/common/src/network/listen.rs, build_session). One
// address has one encoding, so a limit cannot be dodged by spelling the address differently.

const IPV4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): Buffer | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return Buffer.from(octets);
}

function parseGroups(part: string): number[] | undefined {
  if (part === '') return [];
  const groups: number[] = [];
  const pieces = part.split(':');
  for (const [i, piece] of pieces.entries()) {
    if (i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (!v4) return undefined;
      groups.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
    } else if (HEX_GROUP.test(piece)) {
      groups.push(Number.parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): Buffer | undefined {
  // Zone ids (fe80::1%eth0) name an interface of one host; they have no place in a shared key.
  if (text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  // An IPv4 tail is only valid as the last piece of the whole address.
  if (halves.length === 2 && (halves[0] ?? '').includes('.')) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  const out = Buffer.alloc(16);
  for (const [i, g] of groups.entries()) out.writeUInt16BE(g, i * 2);
  return out;
}

function isIpv4Mapped(octets: Buffer): boolean {
  for (let i = 0; i < 10; i++) if (octets[i] !== 0) return false;
  return octets[10] === 0xff && octets[11] === 0xff;
}

/**
 * The octets Stalwart keys an address by: 4 for IPv4 and for IPv4-mapped IPv6, 16 for other
 * IPv6; `undefined` for anything that is not an address (including zone ids).
 */
export function ipToOctets(text: string): Buffer | undefined {
  const v4 = parseIpv4(text);
  if (v4) return v4;
  const v6 = parseIpv6(text);
  if (!v6) return undefined;
  return isIpv4Mapped(v6) ? v6.subarray(12) : v6;
}

/**
 * The canonical text of 4 or 16 octets: dotted IPv4, or RFC 5952 IPv6 (lower case, no leading
 * zeros, the longest run of two or more zero groups as `::`, the first on a tie). `undefined`
 * for any other length and for IPv4-mapped IPv6, whose canonical form is its 4 octets.
 */
export function octetsToIp(octets: Uint8Array): string | undefined {
  if (octets.length === 4) return Array.from(octets).join('.');
  if (octets.length !== 16) return undefined;
  const buf = Buffer.from(octets);
  if (isIpv4Mapped(buf)) return undefined;
  const groups = Array.from({ length: 8 }, (_, i) => buf.readUInt16BE(i * 2));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
