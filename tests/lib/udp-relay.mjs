// A UDP relay between browsers and the SFU, for tests that need to cut one browser's
// network path: the server announces the relay's port (sfu.announced_port), the relay
// forwards each client address through its own upstream socket (so the SFU still sees one
// 5-tuple per client), and block(ports) drops everything to and from those client ports
// until unblock().
import dgram from 'node:dgram';

export class UdpRelay {
  constructor(targetPort, host = '127.0.0.1') {
    this.targetPort = targetPort;
    this.host = host;
    this.front = dgram.createSocket('udp4');
    this.upstreams = new Map();  // "ip:port" of a client → its socket toward the SFU
    this.blocked = new Set();  // client ports
    this.dropped = 0;
  }

  /** Listens on `port` (loopback). */
  async start(port) {
    this.front.on('message', (msg, from) => {
      if (this.blocked.has(from.port)) {
        this.dropped++;
        return;
      }
      const key = `${from.address}:${from.port}`;
      let up = this.upstreams.get(key);
      if (!up) {
        up = dgram.createSocket('udp4');
        up.bind(0, this.host);
        up.on('message', (reply) => {
          if (this.blocked.has(from.port)) {
            this.dropped++;
            return;
          }
          this.front.send(reply, from.port, from.address);
        });
        this.upstreams.set(key, up);
      }
      up.send(msg, this.targetPort, this.host);
    });
    await new Promise((resolve, reject) => {
      this.front.once('error', reject);
      this.front.bind(port, this.host, resolve);
    });
  }

  block(ports) {
    for (const p of ports) this.blocked.add(p);
  }

  unblock() {
    this.blocked.clear();
  }

  close() {
    for (const up of this.upstreams.values()) up.close();
    this.front.close();
  }
}
