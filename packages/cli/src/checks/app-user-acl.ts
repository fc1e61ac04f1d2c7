import { dangerousAllowed } from '../acl-rules.js';
import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { errorText } from '../node-connection.js';
import { reachableData } from '../topology.js';

/** The verdict on what the URL's user may run (pure). */
export function judgeAcl(user: string, rules: string): Verdict {
  const allowed = dangerousAllowed(rules);
  const expected = 'no CONFIG SET, MODULE LOAD, REPLICAOF or DEBUG for an application user';
  if (allowed.length === 0) return pass(`user "${user}" may not run them (${rules})`, expected);
  return verdict(
    'warn',
    `user "${user}" may run ${allowed.join(', ')}: a leaked application password becomes a server takeover`,
    expected,
    `give the application its own user: ACL SETUSER ${user === 'default' ? 'app' : user} on ><password> ~* &* +@all -@admin -@dangerous +info (and keep admin rights elsewhere)`,
  );
}

/** `security.acl`: the URL's user may not run CONFIG SET or MODULE LOAD. */
export const appUserAcl: DeploymentCheck = {
  kind: 'deployment',
  id: 'security.acl',
  title: "URL's user may not administer",
  doc: {
    checks:
      "ACL WHOAMI, then ACL GETUSER on that user: its command rules, evaluated for CONFIG SET / REWRITE, MODULE LOAD, REPLICAOF, DEBUG. Run the doctor with the application's credentials for this to mean something",
    verdicts: 'pass none allowed; warn any allowed; skip when the user may not read its own rules (ACL GETUSER refused)',
    fix: 'ACL SETUSER app … +@all -@admin -@dangerous',
    answers: 'redis/redis#6220 (rogue-replica module exploit)',
  },
  async run(ctx) {
    const t = ctx.topology;
    const node = reachableData(t).find((n) => n.address === (t.primary ?? t.entry)) ?? reachableData(t)[0];
    const r = node ? ctx.connection('data', node.address) : undefined;
    if (!node || !r) return [];
    const expected = 'no CONFIG SET, MODULE LOAD, REPLICAOF or DEBUG for an application user';
    let user: string;
    try {
      user = String(await r.call('ACL', 'WHOAMI'));
    } catch (e) {
      const text = errorText(e);
      if (/unknown command/i.test(text)) {
        return [
          {
            ...verdict(
              'warn',
              'no ACLs (Redis < 6): every client may run CONFIG and MODULE',
              expected,
              'upgrade to Redis ≥ 6 and use ACL users, or rename-command CONFIG and MODULE',
            ),
            node: node.address,
          },
        ];
      }
      return [
        {
          ...verdict('skip', `ACL WHOAMI refused (${text})`, expected, 'let the user run it: ACL SETUSER <user> +acl|whoami'),
          node: node.address,
        },
      ];
    }
    let reply: unknown;
    try {
      reply = await r.call('ACL', 'GETUSER', user);
    } catch (e) {
      return [
        {
          ...verdict(
            'skip',
            `user "${user}" may not read its own rules (${errorText(e)})`,
            expected,
            `ACL GETUSER ${user} as an admin and look for +@all, +@admin, +@dangerous, +config, +module — or grant +acl|getuser to let the doctor check`,
          ),
          node: node.address,
        },
      ];
    }
    const fields = Array.isArray(reply) ? reply : [];
    const i = fields.findIndex((f) => String(f) === 'commands');
    const rules = i >= 0 ? String(fields[i + 1]) : '';
    return [{ ...judgeAcl(user, rules), node: node.address }];
  },
};
