import { describe, expect, it } from 'vitest';
import { parseClusterNodes, slotRanges } from '../src/cluster-nodes.js';
import { pairsToRecord, parseInfo, parseInfoFields } from '../src/info.js';
import { parseSwitchMaster } from '../src/sentinel-watch.js';
import { configLines, quoteArg, renderConfig } from '../src/server-config.js';
import { clusterUrl, redisUrl, sentinelUrl } from '../src/url.js';

describe('quoteArg', () => {
  it('leaves plain tokens unquoted', () => {
    expect(quoteArg('noeviction')).toBe('noeviction');
    expect(quoteArg('/tmp/x-1')).toBe('/tmp/x-1');
  });

  it('quotes empty strings, spaces, quotes, backslashes and non-ASCII bytes', () => {
    expect(quoteArg('')).toBe('""');
    expect(quoteArg('a b')).toBe('"a b"');
    expect(quoteArg('p"w\\d')).toBe('"p\\"w\\\\d"');
    expect(quoteArg('pä\n')).toBe('"p\\xc3\\xa4\\x0a"');
  });
});

describe('configLines', () => {
  it('writes booleans as yes/no, empty strings quoted and arrays as one line each', () => {
    const lines = configLines({
      appendonly: true,
      'protected-mode': false,
      save: '',
      user: ['a on >x ~* +@all', 'b off'],
      maxmemory: 1024,
    });
    expect(renderConfig(lines)).toBe('appendonly yes\nprotected-mode no\nsave ""\nuser a on >x ~* +@all\nuser b off\nmaxmemory 1024\n');
  });
});

describe('INFO parsing', () => {
  it('reads fields and skips section headers', () => {
    const info = parseInfo('# Replication\r\nrole:master\r\nslave0:ip=127.0.0.1,port=6380,state=online\r\n\r\n');
    expect(info.role).toBe('master');
    expect(parseInfoFields(info.slave0)).toEqual({ ip: '127.0.0.1', port: '6380', state: 'online' });
  });

  it('turns flat pair replies into records', () => {
    expect(pairsToRecord(['name', 'm', 'flags', 'master'])).toEqual({ name: 'm', flags: 'master' });
    expect(pairsToRecord(null)).toEqual({});
  });
});

describe('CLUSTER NODES parsing', () => {
  const text = [
    '07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,host1 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected',
    '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922',
    'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460 [5461->-67ed2db8]',
    '6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 master,fail? - 0 1426238316232 5 connected 10923 10924-16383',
  ].join('\n');

  it('reads roles, masters, slots and failure flags', () => {
    const [replica, m2, m1, m3] = parseClusterNodes(text);
    expect(replica).toMatchObject({ role: 'replica', masterId: 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca', port: 30004, busPort: 31004 });
    expect(m2).toMatchObject({ role: 'master', slots: [[5461, 10922]], failing: false });
    expect(m1?.slots).toEqual([[0, 5460]]);
    expect(m3).toMatchObject({
      failing: true,
      slots: [
        [10923, 10923],
        [10924, 16383],
      ],
    });
  });

  it('splits the slots into contiguous ranges that cover all 16384', () => {
    for (const n of [1, 3, 5, 7]) {
      const ranges = slotRanges(n);
      expect(ranges[0]?.[0]).toBe(0);
      expect(ranges.at(-1)?.[1]).toBe(16383);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.[0]).toBe((ranges[i - 1]?.[1] ?? 0) + 1);
    }
  });
});

describe('URLs', () => {
  it('percent-encodes credentials', () => {
    expect(redisUrl({ host: '127.0.0.1', port: 1, username: 'a@b', password: 'p:w/d' })).toBe('redis://a%40b:p%3Aw%2Fd@127.0.0.1:1');
    expect(redisUrl({ host: '127.0.0.1', port: 1, tls: true, password: 'x' })).toBe('rediss://:x@127.0.0.1:1');
  });

  it('writes sentinel URLs with the master name and sentinel credentials in the query', () => {
    const url = sentinelUrl({
      sentinels: [
        { host: '127.0.0.1', port: 1 },
        { host: '127.0.0.1', port: 2 },
      ],
      masterName: 'm',
      password: 'pw',
      sentinelPassword: 's p',
    });
    expect(url).toBe('redis-sentinel://:pw@127.0.0.1:1,127.0.0.1:2/?name=m&sentinelPassword=s+p');
  });

  it('writes cluster URLs with every seed', () => {
    expect(
      clusterUrl({
        nodes: [
          { host: 'h', port: 1 },
          { host: 'h', port: 2 },
        ],
        tls: true,
      }),
    ).toBe('redis+cluster://h:1,h:2?tls=true');
  });
});

describe('parseSwitchMaster', () => {
  it('reads the five fields Sentinel publishes', () => {
    expect(parseSwitchMaster({ at: 1, sentinel: 's', channel: '+switch-master', message: 'm 127.0.0.1 1 127.0.0.1 2' })).toEqual({
      at: 1,
      sentinel: 's',
      masterName: 'm',
      from: { host: '127.0.0.1', port: 1 },
      to: { host: '127.0.0.1', port: 2 },
    });
    expect(parseSwitchMaster({ at: 1, sentinel: 's', channel: '+sdown', message: 'x' })).toBeUndefined();
  });
});
