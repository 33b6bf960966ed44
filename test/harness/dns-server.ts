// A real DNS server on 127.0.0.1 (UDP, the wire format read and written with dns-packet) for the
// custom-domain proofs: TXT records per name, names that exist without one, NXDOMAIN for the rest,
// and a server that fails (SERVFAIL) or never answers. Waybill reaches it through DNS_SERVERS.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';

const NXDOMAIN = 3;
const SERVFAIL = 2;

export type TestDnsServer = {
  /** For DNS_SERVERS: 127.0.0.1:<port>. */
  address: string;
  /** TXT records by name (lower case), each record as its character-strings. */
  txt: Map<string, string[][]>;
  /** Names that exist with no TXT record (NOERROR, no answer). */
  names: Set<string>;
  /** answer: as above; servfail: every query fails; silent: no reply at all. */
  behaviour: 'answer' | 'servfail' | 'silent';
  /** Every name asked for (of any type), in order. */
  asked: string[];
  close(): Promise<void>;
};

export async function startDnsServer(): Promise<TestDnsServer> {
  const socket = dgram.createSocket('udp4');
  const server: Omit<TestDnsServer, 'address' | 'close'> = { txt: new Map(), names: new Set(), behaviour: 'answer', asked: [] };
  socket.on('message', (message, from) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    server.asked.push(name);
    if (server.behaviour === 'silent') return;
    const records = question.type === 'TXT' ? (server.txt.get(name) ?? []) : [];
    const exists = server.txt.has(name) || server.names.has(name);
    const rcode = server.behaviour === 'servfail' ? SERVFAIL : exists ? 0 : NXDOMAIN;
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: [question],
      answers: rcode === 0 ? records.map((data) => ({ type: 'TXT' as const, name: question.name, ttl: 60, class: 'IN' as const, data })) : [],
    });
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return Object.assign(server, { address: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) });
}
