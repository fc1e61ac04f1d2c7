import { describe, expect, it } from 'vitest';
import { escapeSegment, RESERVED_CHARACTERS, unescapeSegment } from '../src/text-escape.js';

describe('escapeSegment', () => {
  it('writes the empty text as a lone %', () => {
    expect(escapeSegment('')).toBe('%');
  });

  it('escapes the four reserved characters and nothing else', () => {
    expect(escapeSegment('a:b{c}d%e')).toBe('a%3Ab%7Bc%7Dd%25e');
    expect(escapeSegment('plain text, ünïcödé 🚀 *?[]\\ \0\n')).toBe('plain text, ünïcödé 🚀 *?[]\\ \0\n');
  });

  it('never leaves a reserved character raw', () => {
    const nasty = '%:{}%%::{{}}%3A%25{%}';
    const escaped = escapeSegment(nasty);
    for (const c of [':', '{', '}']) expect(escaped.includes(c)).toBe(false);
    expect(escaped.replaceAll(/%(25|3A|7B|7D)/g, '')).not.toContain('%');
  });
});

describe('unescapeSegment', () => {
  it('inverts escapeSegment for reserved-laden, empty and unicode text', () => {
    for (const text of ['', '%', ':', '{}', '%3A', '%25', 'a:b:c', '{tag}', '🚀:{x}', '\0', 'x'.repeat(1000)]) {
      expect(unescapeSegment(escapeSegment(text))).toBe(text);
    }
  });

  it('refuses text escapeSegment never writes', () => {
    for (const bad of ['', 'a:b', 'a{b', 'a}b', '%3a', '%7b', '%41', '%%', 'a%', 'a%2', '%%25']) {
      expect(unescapeSegment(bad), bad).toBeUndefined();
    }
  });

  it('lists the reserved characters', () => {
    expect(RESERVED_CHARACTERS).toEqual(['%', ':', '{', '}']);
  });
});
