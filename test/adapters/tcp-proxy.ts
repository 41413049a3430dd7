import net from 'node:net'

/**
 * A TCP proxy between the app and a real database server, to simulate outages without touching
 * the server: `cut` (connections reset, port closed: ECONNREFUSED), `hang` (connections, old
 * and new, stay open and nothing moves: a frozen server or a black-holed network), `restore`.
 */
export interface TcpProxy {
  readonly port: number
  /** The same URL with the proxy as host and port. */
  url (target: string): string
  cut (): Promise<void>
  hang (): void
  /**
   * Accepts and forwards again. Connections frozen by `hang` are reset, with whatever they held:
   * the network came back but its TCP connections did not, and no request arrives late.
   */
  restore (): Promise<void>
  close (): Promise<void>
}

const DEFAULT_PORTS: Record<string, number> = { 'mysql:': 3306, 'mongodb:': 27017 }

interface Link { client: net.Socket, server?: net.Socket }

export async function startTcpProxy (upstreamUrl: string): Promise<TcpProxy> {
  const upstream = new URL(upstreamUrl)
  const upstreamPort = Number(upstream.port !== '' ? upstream.port : DEFAULT_PORTS[upstream.protocol])
  const links = new Set<Link>()
  let frozen = false

  function connectUpstream (link: Link): void {
    const server = net.connect(upstreamPort, upstream.hostname)
    link.server = server
    link.client.pipe(server)
    server.pipe(link.client)
    server.on('error', () => link.client.destroy())
    server.on('close', () => link.client.destroy())
  }

  const listener = net.createServer((client) => {
    const link: Link = { client }
    links.add(link)
    client.on('error', () => link.server?.destroy())
    client.on('close', () => { link.server?.destroy(); links.delete(link) })
    if (frozen) client.pause()
    else connectUpstream(link)
  })

  function destroyAll (): void {
    for (const { client, server } of links) { client.destroy(); server?.destroy() }
  }

  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    listener.once('error', reject)
    listener.listen(port, '127.0.0.1', () => { listener.off('error', reject); resolve() })
  })
  const stopListening = () => new Promise<void>((resolve) => listener.close(() => resolve()))

  await listen(0)
  const port = (listener.address() as net.AddressInfo).port

  return {
    port,
    url (target) {
      const url = new URL(target)
      url.hostname = '127.0.0.1'
      url.port = String(port)
      return url.href
    },
    async cut () {
      frozen = false
      destroyAll()
      await stopListening()
    },
    hang () {
      frozen = true
      for (const { client, server } of links) {
        if (server !== undefined) { client.unpipe(server); server.unpipe(client); server.pause() }
        client.pause()
      }
    },
    async restore () {
      if (frozen) destroyAll()
      frozen = false
      if (!listener.listening) await listen(port)
    },
    async close () {
      destroyAll()
      if (listener.listening) await stopListening()
    }
  }
}
