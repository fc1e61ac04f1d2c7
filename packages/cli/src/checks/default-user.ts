import { isLoopbackHost, publicBindAddresses } from '../address.js';
import { type DeploymentCheck, nodeHost, pass, type Verdict, verdict } from '../check.js';
import { configValue } from '../config-facts.js';
import { reachableData } from '../topology.js';

/** What the unauthenticated probe found on one node. */
export interface DefaultUserFacts {
  /** A connection without credentials was served. */
  readonly open: boolean;
  /** The host the doctor reached it at. */
  readonly host: string;
  /** CONFIG `bind`, when readable. */
  readonly bind: string | undefined;
}

/** The verdict on a default user without a password (pure). */
export function judgeDefaultUser(f: DefaultUserFacts): Verdict {
  const expected = 'a password on the default user (or the user disabled)';
  if (!f.open) return pass('unauthenticated connections are refused (NOAUTH)', expected);
  const publicBind = f.bind === undefined ? undefined : publicBindAddresses(f.bind);
  const fix = 'ACL SETUSER default on ><long random password> (or requirepass), or ACL SETUSER default off with named users';
  if (!isLoopbackHost(f.host) || (publicBind && publicBind.length > 0)) {
    const where = !isLoopbackHost(f.host) ? `reached at ${f.host}` : `bind ${f.bind}`;
    return verdict(
      'fail',
      `anyone may connect without a password (${where}): an open Redis gets wiped, or made a replica of an attacker's host`,
      expected,
      fix,
    );
  }
  if (publicBind === undefined) {
    return verdict(
      'warn',
      'no password; reached on loopback, but bind is unreadable: if Redis listens beyond loopback, anyone can connect',
      expected,
      fix,
    );
  }
  return pass(`no password, but it listens on loopback only (bind ${f.bind})`, expected);
}

/** `security.default-user`: a connection without credentials is refused. */
export const defaultUser: DeploymentCheck = {
  kind: 'deployment',
  id: 'security.default-user',
  title: 'Default user has a password',
  doc: {
    checks: 'a connection without credentials sends PING to every data node; CONFIG `bind`',
    verdicts:
      'pass NOAUTH, or no password on a loopback-only node; warn no password and bind unreadable; fail no password on a non-loopback host or bind',
    fix: 'ACL SETUSER default on ><password> (or requirepass), or disable the default user',
    answers: 'redis/redis#10990, #4263, #6220; RedisInsight setPassword',
  },
  async run(ctx) {
    const creds = ctx.target.dataCreds;
    return Promise.all(
      reachableData(ctx.topology).map(async (node): Promise<Verdict> => {
        const c = await ctx.pool.open(node.target, { tls: creds.tls });
        if (!c.ok && !c.auth) {
          return {
            ...verdict('error', `the probe without credentials failed: ${c.error}`, 'NOAUTH', 'run the doctor again'),
            node: node.address,
          };
        }
        if (c.ok) c.redis.disconnect();
        return { ...judgeDefaultUser({ open: c.ok, host: nodeHost(node), bind: configValue(node.config, 'bind') }), node: node.address };
      }),
    );
  },
};
