// Hand-written Influx line protocol pushed into a real InfluxDB 1.6 over HTTP and UDP, read back
// with /query. Pins down what InfluxDB itself accepts, and where it differs from VictoriaMetrics.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { udpSend } from './harness/net.js';
import { requireServer } from './harness/require-server.js';
import { rowCount, startInfluxDB } from './harness/influxdb.js';
import { useServer } from './harness/use-server.js';

const skip = requireServer('influxdb');

/** Whole seconds in ms. */
const T = Math.floor(Date.now() / 1000) * 1000;

describe('InfluxDB 1.6: raw line protocol', { skip }, () => {
  const server = useServer('InfluxDB', startInfluxDB);

  it('HTTP: field types are kept (float, integer, boolean, string with escapes)', async () => {
    const body = String.raw`e2e_types,host=a f=1.5,i=-3i,b=true,bf=F,s="say \"hi\" c:\\dir",e=-1.5e3` + ` ${T}\n`;
    const res = await server().write(server().database, body, 'ms');
    assert.equal(res.status, 204, res.body);
    assert.deepEqual(await server().query(server().database, 'SELECT * FROM "e2e_types"'), [
      {
        name: 'e2e_types',
        columns: ['time', 'b', 'bf', 'e', 'f', 'host', 'i', 's'],
        values: [[T, true, false, -1500, 1.5, 'a', -3, 'say "hi" c:\\dir']],
      },
    ]);
  });

  it('HTTP: escaped and unicode tag values and names; `\\\\` in a tag value stays two backslashes', async () => {
    const body =
      [
        String.raw`e2e_nasty,space=a\ b,comma=a\,b,eq=a\=b,quote=a"b,bs=a\b,bsbs=a\\b,uni=ünï€😀 v=1 ${T}`,
        String.raw`e2e\ esc\,m,tag\ k=v f\ k=2 ${T}`,
      ].join('\n') + '\n';
    const res = await server().write(server().database, body, 'ms');
    assert.equal(res.status, 204, res.body);
    assert.deepEqual(await server().query(server().database, 'SELECT * FROM "e2e_nasty"'), [
      {
        name: 'e2e_nasty',
        columns: ['time', 'bs', 'bsbs', 'comma', 'eq', 'quote', 'space', 'uni', 'v'],
        // Unlike VictoriaMetrics (which unescapes `\\` to `\`), InfluxDB 1.6 only unescapes
        // `\,`, `\=` and `\ ` in tag values.
        values: [[T, 'a\\b', 'a\\\\b', 'a,b', 'a=b', 'a"b', 'a b', 'ünï€😀', 1]],
      },
    ]);
    assert.deepEqual(await server().query(server().database, 'SELECT * FROM "e2e esc,m"'), [
      { name: 'e2e esc,m', columns: ['time', 'f k', 'tag k'], values: [[T, 2, 'v']] },
    ]);
  });

  it('HTTP: rejects what VictoriaMetrics accepts (empty measurement, inf) with 400', async () => {
    const empty = await server().write(server().database, `,job=x e2e_empty=1 ${T}\n`, 'ms');
    assert.equal(empty.status, 400);
    assert.match(empty.body, /unable to parse ',job=x e2e_empty=1 \d+': missing measurement/);
    const inf = await server().write(server().database, `e2e_inf v=inf ${T}\n`, 'ms');
    assert.equal(inf.status, 400);
    assert.match(inf.body, /unable to parse 'e2e_inf v=inf \d+'/);
    assert.deepEqual(await server().query(server().database, 'SELECT * FROM "e2e_inf"'), []);
  });

  it('UDP: points land in the `udp` database (ns timestamps)', async () => {
    await udpSend(server().udpPort, [
      String.raw`e2e_udp,space=a\ b,uni=ünï€😀 v=1.25,n=2i ${T}000000` + '\n',
      `e2e_udp,space=c v=3 ${T + 1000}000000\n`,
    ]);
    assert.deepEqual(
      await server().queryWhenIngested(server().udpDatabase, 'SELECT * FROM "e2e_udp"', (r) => rowCount(r) >= 2),
      [
        {
          name: 'e2e_udp',
          columns: ['time', 'n', 'space', 'uni', 'v'],
          values: [
            [T, 2, 'a b', 'ünï€😀', 1.25],
            [T + 1000, null, 'c', null, 3],
          ],
        },
      ],
    );
  });
});
