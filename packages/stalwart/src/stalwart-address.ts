import { domainToASCII } from 'node:url';

/**
 * An address lower-cased as Stalwart's SMTP session does (crates/utils/src/lib.rs,
 * `to_lowercase_address(true)`): each character of the local part lower-cased on its own (so a
 * final capital sigma becomes σ, not ς), an ASCII domain lower-cased, any other domain through
 * UTS #46 ToASCII (punycode: `bücher.example` → `xn--bcher-kva.example`), falling back to
 * lower-casing when ToASCII fails; a string without `@` lower-cased whole.
 *
 * Node's `domainToASCII` and Rust's `idna::domain_to_ascii` both follow the WHATWG URL
 * profile of UTS #46; the two Unicode versions may differ on characters assigned since.
 */
export function lowercaseAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address.toLowerCase();
  let out = '';
  for (const ch of address.slice(0, at)) out += ch.toLowerCase();
  const domain = address.slice(at + 1);
  // Rust's `str::is_ascii`: every UTF-16 unit below 0x80.
  if ([...domain].every((ch) => ch.charCodeAt(0) < 0x80)) return `${out}@${domain.toLowerCase()}`;
  const ascii = domainToASCII(domain);
  return `${out}@${ascii === '' ? domain.toLowerCase() : ascii}`;
}
