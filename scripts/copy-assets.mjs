// Copies a package's non-TypeScript sources (Lua scripts) from src/ to dist/, keeping their
// paths, so `readLua(import.meta.url, name)` finds them from both. Run from the package dir.
import { cpSync, existsSync } from 'node:fs';

if (existsSync('src/lua')) cpSync('src/lua', 'dist/lua', { recursive: true, filter: (p) => !p.endsWith('.ts') });
