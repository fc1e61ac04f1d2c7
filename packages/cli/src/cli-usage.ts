/** The text of `coordis --help`. */
export const USAGE = `Usage:
  coordis doctor [url] [options]     judge a Redis deployment for coordination workloads
  coordis monitor [url] [options]    one live screen of the whole topology
  coordis --version

The URL: redis://, rediss://, redis-sentinel://h1,h2,h3/?name=<master>, unix:///path,
redis+cluster://h1,h2 (or any cluster node as redis://). Without one: $REDIS_URL, or --env PREFIX
(PREFIX_HOST, PREFIX_PORT, PREFIX_PASSWORD… as Convoy names them).

doctor options:
  --json                 the report as JSON (schemaVersion 1)
  --profile <p>          coordination (default) | queue | cache
  --fail-on <level>      warn (default: exit 1 on any warning) | fail (warnings exit 0)
  --strict               count checks that could not be done (skip) as warnings
  --timeout <ms>         budget of the whole run (default 10000); partial results after it
  --checks <list>        ids or groups to run, comma-separated; -id excludes (--checks=-host)
  --threshold <k=v>      override a threshold, e.g. memory.usage.warnPct=70 (repeatable)
  --host-checks          read this host's overcommit, THP and swap even for a remote target
  --provider <p>         elasticache | memorydb | azure | memorystore | redis-cloud | upstash | self-hosted
  --no-color             no colours (also NO_COLOR=1)

monitor options:
  --interval <ms>        refresh period (default 1000)
  --once --json          one snapshot as JSON, then exit

Exit codes (doctor): 0 all pass or skip, 1 any warn, 2 any fail, 3 cannot connect or
authenticate, 4 usage error.
`;
