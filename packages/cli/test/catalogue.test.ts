import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, CHECK_IDS, catalogueMarkdown } from '../src/catalogue.js';

describe('the catalogue', () => {
  it('has unique, dotted, kebab-case ids', () => {
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
    for (const id of CHECK_IDS) expect(id).toMatch(/^[a-z-]+\.[a-z0-9-]+$/);
  });

  it('documents every check: what it checks, its verdicts, its fix', () => {
    for (const c of CATALOGUE) {
      expect(c.doc.checks.length, c.id).toBeGreaterThan(10);
      expect(c.doc.verdicts.length, c.id).toBeGreaterThan(5);
      expect(c.doc.fix.length, c.id).toBeGreaterThan(0);
    }
  });

  it('is published in the README exactly as generated from the checks', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(catalogueMarkdown());
  });
});
