// The package arrows, checked: each package may import only the packages below it.
//   client ← keyspace ← {lock, ratelimit, events} ← {stalwart, cli}; testkit imports none.
const allowed = {
  testkit: [],
  client: [],
  keyspace: ['client'],
  lock: ['client', 'keyspace'],
  ratelimit: ['client', 'keyspace'],
  events: ['client', 'keyspace'],
  stalwart: ['client', 'keyspace', 'lock', 'ratelimit', 'events'],
  cli: ['client', 'keyspace', 'lock', 'ratelimit', 'events', 'stalwart'],
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-reaching-into-another-package',
      comment: 'Packages depend on each other through their public index (the package name), never ../../other/src.',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/src/', pathNot: '^packages/$1/' },
    },
    ...Object.entries(allowed).map(([pkg, deps]) => ({
      name: `arrows-${pkg}`,
      comment: `${pkg} may import only: ${deps.join(', ') || 'no other coordis package'}`,
      severity: 'error',
      from: { path: `^packages/${pkg}/` },
      to: { path: '^packages/', pathNot: `^packages/(${[pkg, ...deps].join('|')})/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
